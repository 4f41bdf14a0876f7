import Foundation
import PolytopeModel
import PolytopeTokenizers

/// Reads a checkpoint's tokenizer files verbatim into the model file's tokenizer spec:
/// vocab.json + merges.txt (when tokenizer.json, if any, adds nothing to GPT-2's rules) or
/// vocab.txt when present, as before; else tokenizer.json alone.
/// The post-processor's sequence markers: `HuggingFaceTokenizerJSON.sequenceMarkers(from:)`.
enum TokenizerImport {
    static func bpe(_ ck: HFCheckpoint) throws -> TokenizerSpec? {
        var spec = TokenizerSpec(kind: .byteLevelBPE)
        let json = try ck.file("tokenizer.json").map(read)
        // vocab.json + merges.txt (GPT-2's rules) only where tokenizer.json says no more than
        // they do; a Llama-3 / SmolLM2 / OPT tokenizer.json (split regex, digits, markers,
        // added tokens) is what the model file keeps then.
        if let v = ck.file("vocab.json"), let m = ck.file("merges.txt"), json.map(HuggingFaceTokenizerJSON.isPlainGPT2) ?? true {
            spec.vocabJSON = try read(v)
            spec.mergesTXT = try read(m)
            if let vocab = (try? JSONSerialization.jsonObject(with: spec.vocabJSON)) as? [String: Int] {
                for t in ["<|endoftext|>"] { if let id = vocab[t] { spec.specialTokens[t] = id } }
            }
        } else if json == nil {
            return nil
        }
        if let json {
            spec.tokenizerJSON = json
            for (content, id) in addedTokens(spec.tokenizerJSON) { spec.specialTokens[content] = id }
        }
        return spec
    }

    static func wordPiece(_ ck: HFCheckpoint) throws -> TokenizerSpec? {
        guard let v = ck.file("vocab.txt") else {
            // Only tokenizer.json: kept verbatim; ModelTokenizer builds the tokenizer from it.
            guard let t = ck.file("tokenizer.json") else { return nil }
            var spec = TokenizerSpec(kind: .wordPiece)
            spec.tokenizerJSON = try read(t)
            for (content, id) in addedTokens(spec.tokenizerJSON) { spec.specialTokens[content] = id }
            spec.addSpecialTokens = !((try? HuggingFaceTokenizerJSON.sequenceMarkers(from: spec.tokenizerJSON))?.isEmpty ?? true)
            return spec
        }
        var spec = TokenizerSpec(kind: .wordPiece)
        spec.vocabTXT = try read(v)
        spec.lowerCase = true
        if let c = ck.file("tokenizer_config.json"),
           let obj = (try? JSONSerialization.jsonObject(with: try read(c))) as? [String: Any],
           let lower = obj["do_lower_case"] as? Bool {
            spec.lowerCase = lower
        }
        let lines = String(decoding: spec.vocabTXT, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        for (i, line) in lines.enumerated() {
            let tok = line.trimmingCharacters(in: .whitespacesAndNewlines)
            if ["[CLS]", "[SEP]", "[PAD]", "[UNK]", "[MASK]"].contains(tok) { spec.specialTokens[tok] = i }
        }
        spec.unkToken = "[UNK]"
        spec.maxInputCharsPerWord = 100
        spec.addSpecialTokens = true
        return spec
    }

    private static func read(_ path: String) throws -> Data {
        guard let d = FileManager.default.contents(atPath: path) else { throw ImportError.missingFile(path) }
        return d
    }

    /// `added_tokens` of a tokenizer.json that are marked special.
    private static func addedTokens(_ json: Data) -> [(String, Int)] {
        guard let obj = (try? JSONSerialization.jsonObject(with: json)) as? [String: Any],
              let added = obj["added_tokens"] as? [[String: Any]] else { return [] }
        return added.compactMap { t in
            guard (t["special"] as? Bool) == true, let c = t["content"] as? String, let id = t["id"] as? Int else { return nil }
            return (c, id)
        }
    }
}
