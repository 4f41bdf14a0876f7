import Foundation

extension ByteLevelBPETokenizer {
    /// Builds a tokenizer from a vocabulary given as a list (GGUF's `tokenizer.ggml.tokens`:
    /// the spelling of id *i* at index *i*, in GPT-2's byte-level alphabet, ``ByteLevelAlphabet``),
    /// its merges (`tokenizer.ggml.merges`: `"left right"` in rank order) and a pre-tokenizer
    /// (from `tokenizer.ggml.pre` via ``ByteLevelPreTokenizer/named(_:)``). Hugging Face rules
    /// and offsets, as from `tokenizer.json` (``HuggingFaceTokenizerJSON``).
    ///
    /// - Parameters:
    ///   - specialTokens: text → id of the control tokens (`<|endoftext|>`, `<|im_start|>`);
    ///     recognised in text only where ``EncodeOptions/allowedSpecial`` allows.
    ///   - markers: ids put around each sequence when markers are on (a BOS id when GGUF's
    ///     `tokenizer.ggml.add_bos_token` is true); none by default.
    ///   - ignoreMerges: a piece that is itself a token is taken whole (Llama 3's
    ///     `ignore_merges`); default: true for ``ByteLevelPreTokenizer/llama3``, as llama.cpp does).
    /// - Throws: ``TokenizerError/malformedFile(file:line:reason:)`` naming `fileName`, for a
    ///   merge that is not two tokens of the list, a repeated spelling, or a missing byte.
    /// - Complexity: O(V + M) hash inserts for V tokens and M merges.
    public convenience init(tokens: [String], merges: [String], preTokenizer: ByteLevelPreTokenizer,
                            specialTokens: [String: Int] = [:], markers: SequenceMarkers = SequenceMarkers(),
                            ignoreMerges: Bool? = nil, fileName: String = "tokenizer.ggml.tokens") throws {
        var vocab: [String: Int] = [:]
        vocab.reserveCapacity(tokens.count)
        let special = Set(specialTokens.values)
        for (id, text) in tokens.enumerated() where !special.contains(id) {
            if vocab.updateValue(id, forKey: text) != nil {
                throw TokenizerError.malformedFile(file: fileName, line: 0, reason: "token \(text.debugDescription) appears twice")
            }
        }
        for (text, id) in specialTokens where vocab[text] == nil { vocab[text] = id }
        var pairs: [(String, String, Int)] = []
        pairs.reserveCapacity(merges.count)
        for (index, line) in merges.enumerated() {
            let parts = line.split(separator: " ", omittingEmptySubsequences: false)
            guard parts.count == 2 else {
                throw TokenizerError.malformedFile(file: "tokenizer.ggml.merges", line: index + 1,
                                                   reason: "merge \(line.debugDescription) is not two tokens separated by one space")
            }
            pairs.append((String(parts[0]), String(parts[1]), index + 1))
        }
        let added = specialTokens.map { AddedToken(id: $0.value, content: $0.key, special: true) }.sorted { $0.id < $1.id }
        let config = ByteLevelBPEConfiguration(preTokenizer: preTokenizer, ignoreMerges: ignoreMerges ?? (preTokenizer == .llama3), addedTokens: added, markers: markers)
        try self.init(vocab: vocab, merges: pairs, specialTokens: specialTokens, vocabName: fileName,
                      mergesName: "tokenizer.ggml.merges", configuration: config)
    }
}
