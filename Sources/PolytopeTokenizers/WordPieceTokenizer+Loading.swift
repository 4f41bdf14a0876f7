import Foundation

extension WordPieceTokenizer {
    /// Builds a tokenizer from the contents of a BERT `vocab.txt`: one token per line, id = line
    /// number − 1, trailing whitespace ignored (as Hugging Face reads it).
    ///
    /// - Parameters:
    ///   - lowerCase: lower-case and strip accents (uncased models).
    ///   - unkToken: the unknown token.
    ///   - maxInputCharsPerWord: longer words become `unkToken`.
    ///   - addSpecialTokens: add `[CLS]` ... `[SEP]` by default.
    ///   - fileName: used in error messages.
    /// - Throws: ``TokenizerError/malformedFile(file:line:reason:)`` for a line that is not UTF-8
    ///   or an empty file; ``TokenizerError/invalidConfiguration(_:)`` when `unkToken` is missing.
    public convenience init(vocabTXT: Data, lowerCase: Bool = true, unkToken: String = "[UNK]",
                            maxInputCharsPerWord: Int = 100, addSpecialTokens: Bool = true,
                            fileName: String = "vocab.txt") throws {
        let config = Configuration(lowerCase: lowerCase, unkToken: unkToken,
                                   maxInputCharsPerWord: maxInputCharsPerWord, addSpecialTokens: addSpecialTokens)
        try self.init(vocabTXT: vocabTXT, configuration: config, fileName: fileName)
    }

    /// Builds a tokenizer from `vocab.txt` contents and full settings.
    public convenience init(vocabTXT: Data, configuration: Configuration, fileName: String = "vocab.txt") throws {
        try self.init(vocab: Self.parseVocabTXT(vocabTXT, fileName: fileName), configuration: configuration)
    }

    /// Loads `vocab.txt` from disk.
    public static func load(vocabTXTPath: String, configuration: Configuration = Configuration()) throws -> WordPieceTokenizer {
        try reportingConfiguration(against: vocabTXTPath) {
            try WordPieceTokenizer(vocabTXT: readFile(vocabTXTPath), configuration: configuration, fileName: vocabTXTPath)
        }
    }

    static func parseVocabTXT(_ data: Data, fileName: String) throws -> [String: Int] {
        var lines = data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        if lines.last?.isEmpty == true { lines.removeLast() }
        guard !lines.isEmpty else {
            throw TokenizerError.malformedFile(file: fileName, line: 0, reason: "the vocabulary is empty")
        }
        var vocab: [String: Int] = [:]
        vocab.reserveCapacity(lines.count)
        for (index, raw) in lines.enumerated() {
            guard let text = String(validatingUTF8Bytes: raw) else {
                throw TokenizerError.malformedFile(file: fileName, line: index + 1, reason: "the line is not valid UTF-8")
            }
            // Rust's `trim_end`: trailing White_Space.
            var scalars = Substring(text).unicodeScalars
            while let last = scalars.last, last.properties.isWhitespace { scalars.removeLast() }
            vocab[String(scalars)] = index
        }
        return vocab
    }
}
