import Foundation

/// Loads a tokenizer from the usual files, guessing the kind from their names:
///
/// | files | tokenizer |
/// |---|---|
/// | `vocab.json` + `merges.txt` (any names ending so) | ``ByteLevelBPETokenizer`` (Hugging Face rules) |
/// | `*.tiktoken` | ``ByteLevelBPETokenizer`` (tiktoken rules, `<|endoftext|>` = last rank + 1) |
/// | `tokenizer.json` (any `*.json` alone) | BPE or WordPiece, as the file says |
/// | `vocab.txt` (any `*.txt` alone) | ``WordPieceTokenizer`` (BERT uncased defaults unless `lowerCase` is given) |
public enum TokenizerFiles {
    /// - Parameters:
    ///   - paths: one or two files.
    ///   - lowerCase: for `vocab.txt` only: lower-case and strip accents (default true).
    public static func load(paths: [String], lowerCase: Bool? = nil) throws -> any Tokenizer {
        let names = paths.map { ($0 as NSString).lastPathComponent.lowercased() }
        func find(_ test: (String) -> Bool) -> String? {
            names.firstIndex(where: test).map { paths[$0] }
        }
        if paths.count == 2, let merges = find({ $0.hasSuffix("merges.txt") || $0.hasSuffix(".bpe") }),
           let vocab = find({ $0.hasSuffix(".json") }) {
            return try ByteLevelBPETokenizer.load(vocabJSONPath: vocab, mergesPath: merges)
        }
        if paths.count == 1 {
            let name = names[0]
            if name.hasSuffix(".tiktoken") { return try ByteLevelBPETokenizer.load(tiktokenPath: paths[0]) }
            if name.hasSuffix(".json") {
                if name.hasSuffix("vocab.json") || name.hasSuffix("encoder.json") {
                    throw TokenizerError.unrecognizedFiles(paths: paths, reason: "a vocab.json needs its merges.txt beside it")
                }
                return try HuggingFaceTokenizerJSON.load(path: paths[0])
            }
            if name.hasSuffix(".txt") {
                if name.hasSuffix("merges.txt") {
                    throw TokenizerError.unrecognizedFiles(paths: paths, reason: "a merges.txt needs its vocab.json beside it")
                }
                var config = WordPieceTokenizer.Configuration()
                if let lowerCase { config.lowerCase = lowerCase }
                return try WordPieceTokenizer.load(vocabTXTPath: paths[0], configuration: config)
            }
        }
        throw TokenizerError.unrecognizedFiles(
            paths: paths, reason: "expected vocab.json + merges.txt, tokenizer.json, a .tiktoken rank file, or vocab.txt")
    }
}
