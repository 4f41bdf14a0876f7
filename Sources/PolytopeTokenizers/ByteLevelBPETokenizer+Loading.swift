import Foundation

extension ByteLevelBPETokenizer {
    /// Builds a tokenizer from the contents of a GPT-2 style `vocab.json` (token spelling → id,
    /// spelled in ``ByteLevelAlphabet``) and `merges.txt` (an optional `#version` first line,
    /// then one merge per line: two spellings separated by one space; rank = index of the merge).
    /// Hugging Face rules: only listed merges apply.
    ///
    /// - Parameters:
    ///   - specialTokens: text → id of the special tokens. `nil`: every vocabulary entry of the
    ///     form `<|...|>` (GPT-2's `<|endoftext|>`).
    ///   - vocabName, mergesName: file names used in error messages.
    /// - Throws: ``TokenizerError/malformedFile(file:line:reason:)`` naming the file and line.
    public convenience init(vocabJSON: Data, merges: Data, specialTokens: [String: Int]? = nil,
                            vocabName: String = "vocab.json", mergesName: String = "merges.txt") throws {
        let vocab = try JSONVocabulary.parse(vocabJSON, fileName: vocabName)
        let lines = try Self.parseMergeLines(merges, fileName: mergesName)
        try self.init(vocab: vocab, merges: lines, specialTokens: specialTokens, vocabName: vocabName, mergesName: mergesName)
    }

    /// Builds a tokenizer from a vocabulary and merge list already parsed (Hugging Face rules).
    /// `merges[i]` is (left spelling, right spelling, 1-based line for errors).
    convenience init(vocab: [String: Int], merges: [(String, String, Int)], specialTokens: [String: Int]?,
                     vocabName: String, mergesName: String, configuration: ByteLevelBPEConfiguration? = nil) throws {
        let specials = specialTokens ?? vocab.filter { $0.key.hasPrefix("<|") && $0.key.hasSuffix("|>") && $0.key.count > 4 }
        let maxID = vocab.values.max() ?? -1
        var tokenBytes = [[UInt8]?](repeating: nil, count: maxID + 1)
        for (text, id) in vocab {
            guard id >= 0 else {
                throw TokenizerError.malformedFile(file: vocabName, line: 0, reason: "token \(text.debugDescription) has negative id \(id)")
            }
            tokenBytes[id] = ByteLevelAlphabet.bytes(of: text) ?? Array(text.utf8)
        }
        var pairs = PairRankTable(capacity: merges.count)
        for (rank, merge) in merges.enumerated() {
            let (left, right, line) = merge
            guard let l = vocab[left], let r = vocab[right] else {
                let missing = vocab[left] == nil ? left : right
                throw TokenizerError.malformedFile(file: mergesName, line: line,
                                                   reason: "merge token \(missing.debugDescription) is not in the vocabulary")
            }
            guard let m = vocab[left + right] else {
                throw TokenizerError.malformedFile(file: mergesName, line: line,
                                                   reason: "merged token \((left + right).debugDescription) is not in the vocabulary")
            }
            pairs.insert(left: UInt32(l), right: UInt32(r), rank: UInt32(rank), merged: UInt32(m))
        }
        try self.init(tokenBytes: tokenBytes, pairs: pairs, specialTokens: specials, tiktokenRules: false,
                      configuration: configuration)
    }

    /// Builds a tokenizer from the contents of a tiktoken rank file: one `BASE64 RANK` per line
    /// (GPT-2's is `gpt2.tiktoken`). tiktoken rules: two adjacent parts join when their
    /// concatenation is a token, with that token's rank; the id of a token is its rank.
    /// Pre-tokenization is GPT-2's whatever the file.
    ///
    /// - Parameter specialTokens: `nil`: `<|endoftext|>` with id (largest rank + 1), as in
    ///   GPT-2 (50256).
    /// - Throws: ``TokenizerError/malformedFile(file:line:reason:)``.
    public convenience init(tiktokenRanks: Data, specialTokens: [String: Int]? = nil,
                            fileName: String = "ranks.tiktoken") throws {
        var tokenBytes: [[UInt8]?] = []
        var line = 0
        let table = ByteSliceTable(minimumCapacity: 1 << 16)
        let lineCount = tiktokenRanks.reduce(1) { $1 == UInt8(ascii: "\n") ? $0 + 1 : $0 }
        for raw in tiktokenRanks.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            line += 1
            var bytes = Array(raw)
            if bytes.last == UInt8(ascii: "\r") { bytes.removeLast() }
            if bytes.isEmpty { continue }
            let fields = bytes.split(separator: UInt8(ascii: " "))
            guard fields.count == 2, let decoded = Data(base64Encoded: Data(fields[0])), !decoded.isEmpty,
                  let rank = Int(String(decoding: fields[1], as: UTF8.self)), rank >= 0, rank < 1 << 30 else {
                throw TokenizerError.malformedFile(file: fileName, line: line,
                                                   reason: "expected \"BASE64 RANK\", got \(String(decoding: bytes.prefix(80), as: UTF8.self).debugDescription)")
            }
            if let reason = tokenIDTooLarge(rank, entries: lineCount) {
                throw TokenizerError.malformedFile(file: fileName, line: line, reason: "rank " + reason)
            }
            if rank >= tokenBytes.count { tokenBytes.append(contentsOf: repeatElement(nil, count: rank + 1 - tokenBytes.count)) }
            if tokenBytes[rank] != nil {
                throw TokenizerError.malformedFile(file: fileName, line: line, reason: "rank \(rank) appears twice")
            }
            let token = [UInt8](decoded)
            tokenBytes[rank] = token
            token.withUnsafeBytes { p in
                var value = UInt32(rank)
                withUnsafePointer(to: &value) { v in
                    table.insert(p.baseAddress!, token.count, hash: ByteSliceTable.hash(p.baseAddress!, token.count),
                                 values: UnsafeBufferPointer(start: v, count: 1))
                }
            }
        }
        guard !tokenBytes.isEmpty else {
            throw TokenizerError.malformedFile(file: fileName, line: 0, reason: "the file is empty (no \"BASE64 RANK\" lines)")
        }
        // Every split of a token into two tokens is a pair that joins into it.
        var pairs = PairRankTable(capacity: tokenBytes.count * 4)
        func rankOf(_ p: UnsafeRawPointer, _ n: Int) -> UInt32? {
            guard let (s, _) = table.find(p, n, hash: ByteSliceTable.hash(p, n)) else { return nil }
            return table.values[s]
        }
        for (rank, token) in tokenBytes.enumerated() {
            guard let token, token.count >= 2 else { continue }
            token.withUnsafeBytes { p in
                for k in 1..<token.count {
                    if let l = rankOf(p.baseAddress!, k), let r = rankOf(p.baseAddress! + k, token.count - k) {
                        pairs.insert(left: l, right: r, rank: UInt32(rank), merged: UInt32(rank))
                    }
                }
            }
        }
        let specials = specialTokens ?? ["<|endoftext|>": tokenBytes.count]
        try self.init(tokenBytes: tokenBytes, pairs: pairs, specialTokens: specials, tiktokenRules: true)
    }

    /// Loads `vocab.json` + `merges.txt` from disk.
    public static func load(vocabJSONPath: String, mergesPath: String, specialTokens: [String: Int]? = nil) throws -> ByteLevelBPETokenizer {
        try reportingConfiguration(against: vocabJSONPath) {
            try ByteLevelBPETokenizer(vocabJSON: readFile(vocabJSONPath), merges: readFile(mergesPath), specialTokens: specialTokens,
                                      vocabName: vocabJSONPath, mergesName: mergesPath)
        }
    }

    /// Loads a `.tiktoken` rank file from disk.
    public static func load(tiktokenPath: String, specialTokens: [String: Int]? = nil) throws -> ByteLevelBPETokenizer {
        try reportingConfiguration(against: tiktokenPath) {
            try ByteLevelBPETokenizer(tiktokenRanks: readFile(tiktokenPath), specialTokens: specialTokens, fileName: tiktokenPath)
        }
    }

    /// Parses merges.txt lines into (left, right, 1-based line).
    static func parseMergeLines(_ data: Data, fileName: String) throws -> [(String, String, Int)] {
        var out: [(String, String, Int)] = []
        out.reserveCapacity(50_000)
        var line = 0
        for raw in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            line += 1
            var bytes = Array(raw)
            if bytes.last == UInt8(ascii: "\r") { bytes.removeLast() }
            if bytes.isEmpty { continue }
            if line == 1 && bytes.starts(with: Array("#version".utf8)) { continue }
            let fields = bytes.split(separator: UInt8(ascii: " "), omittingEmptySubsequences: false)
            guard fields.count == 2, !fields[0].isEmpty, !fields[1].isEmpty else {
                throw TokenizerError.malformedFile(file: fileName, line: line,
                                                   reason: "expected two tokens separated by one space, got \(String(decoding: bytes.prefix(80), as: UTF8.self).debugDescription)")
            }
            guard let left = String(validatingUTF8Bytes: fields[0]), let right = String(validatingUTF8Bytes: fields[1]) else {
                throw TokenizerError.malformedFile(file: fileName, line: line, reason: "the line is not valid UTF-8")
            }
            out.append((left, right, line))
        }
        return out
    }
}

extension String {
    /// Strict UTF-8 decoding (nil for invalid bytes).
    init?(validatingUTF8Bytes bytes: some Collection<UInt8>) {
        let array = Array(bytes)
        let ok = array.withUnsafeBufferPointer { UTF8Scan.firstInvalidOffset($0) == nil }
        guard ok else { return nil }
        self = String(decoding: array, as: UTF8.self)
    }
}

/// Reads a whole file, as a typed error naming the path.
func readFile(_ path: String) throws -> Data {
    do {
        return try Data(contentsOf: URL(fileURLWithPath: path))
    } catch {
        throw TokenizerError.unreadableFile(path: path, reason: (error as NSError).localizedDescription)
    }
}

/// A JSON object of token → integer id (`vocab.json`, `model.vocab` of `tokenizer.json`).
enum JSONVocabulary {
    static func parse(_ data: Data, fileName: String) throws -> [String: Int] {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: data)
        } catch {
            throw TokenizerError.malformedFile(file: fileName, line: 0, reason: jsonErrorReason(error))
        }
        return try fromObject(object, fileName: fileName)
    }

    static func fromObject(_ object: Any, fileName: String) throws -> [String: Int] {
        guard let dict = object as? [String: Any] else {
            throw TokenizerError.malformedFile(file: fileName, line: 0, reason: "the vocabulary is not a JSON object of token → id")
        }
        var vocab: [String: Int] = [:]
        vocab.reserveCapacity(dict.count)
        for (key, value) in dict {
            guard let number = value as? NSNumber, let id = Int(exactly: number.doubleValue), id >= 0 else {
                throw TokenizerError.malformedFile(file: fileName, line: 0,
                                                   reason: "token \(key.debugDescription) has id \(value), not a non-negative integer")
            }
            vocab[key] = id
        }
        if let reason = tokenIDTooLarge(vocab.values.max() ?? 0, entries: vocab.count) {
            throw TokenizerError.malformedFile(file: fileName, line: 0, reason: reason)
        }
        // Two tokens with one id make ids ambiguous (and byte offsets wrong): refuse.
        var tokenOfID: [Int: String] = [:]
        tokenOfID.reserveCapacity(vocab.count)
        for (token, id) in vocab {
            if let other = tokenOfID.updateValue(token, forKey: id) {
                let pair = [other, token].sorted().map(\.debugDescription).joined(separator: " and ")
                throw TokenizerError.malformedFile(file: fileName, line: 0, reason: "tokens \(pair) both have id \(id)")
            }
        }
        return vocab
    }
}
