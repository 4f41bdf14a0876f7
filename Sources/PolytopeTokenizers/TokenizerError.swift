import Foundation

/// Errors of the tokenizers. Each names the offending file, line, value or byte offset.
public enum TokenizerError: Error, Equatable, CustomStringConvertible, LocalizedError {
    /// The input is not valid UTF-8 at this byte offset (policy ``InvalidUTF8Policy/reject``).
    case invalidUTF8(offset: Int)
    /// A vocabulary / merges / rank file is malformed. `line` is 1-based; 0 when not line-based.
    case malformedFile(file: String, line: Int, reason: String)
    /// A file could not be read.
    case unreadableFile(path: String, reason: String)
    /// The files given do not make a tokenizer we know.
    case unrecognizedFiles(paths: [String], reason: String)
    /// A setting is missing or unusable (e.g. the unknown token is not in the vocabulary).
    case invalidConfiguration(String)

    public var description: String {
        switch self {
        case .invalidUTF8(let offset):
            return "input is not valid UTF-8 at byte offset \(offset) (pass the lossy option to accept it)"
        case .malformedFile(let file, let line, let reason):
            return line > 0 ? "\(file):\(line): \(reason)" : "\(file): \(reason)"
        case .unreadableFile(let path, let reason):
            return "cannot read \(path): \(reason)"
        case .unrecognizedFiles(let paths, let reason):
            return "cannot make a tokenizer from \(paths.joined(separator: ", ")): \(reason)"
        case .invalidConfiguration(let reason):
            return "invalid tokenizer configuration: \(reason)"
        }
    }

    public var errorDescription: String? { description }
}

/// Why `JSONSerialization` refused a file, as specific as Foundation says (its debug
/// description often names the position).
func jsonErrorReason(_ error: Error) -> String {
    let ns = error as NSError
    return "not valid JSON (\((ns.userInfo[NSDebugDescriptionErrorKey] as? String) ?? ns.localizedDescription))"
}

/// Runs `body`; an ``TokenizerError/invalidConfiguration(_:)`` it throws is reported against
/// `file`, so the message says which file lacks what.
func reportingConfiguration<T>(against file: String, _ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch TokenizerError.invalidConfiguration(let reason) {
        throw TokenizerError.malformedFile(file: file, line: 0, reason: reason)
    }
}

/// Token ids index arrays sized by the largest id, so a small file must not be able to claim a
/// huge id: ids may exceed the number of entries by at most this much (gaps, special tokens).
let maxTokenIDGap = 65_536

/// Why `maxID` is refused for a table of `entries` entries, or nil when it is fine.
func tokenIDTooLarge(_ maxID: Int, entries: Int) -> String? {
    maxID < entries + maxTokenIDGap ? nil
        : "id \(maxID) is far beyond the \(entries) entries (ids must be below entries + \(maxTokenIDGap)); the file is corrupt"
}
