import Foundation

/// One document of a corpus: its bytes (UTF-8 unless the corpus is read lossily) and where it came from.
public struct CorpusDocument: Sendable {
    public var index: Int
    /// "path" for a whole .txt file, "path#N" for the N-th paragraph, "path:LINE" for .jsonl.
    public var source: String
    public var bytes: [UInt8]
}

public enum CorpusError: Error, CustomStringConvertible, Equatable {
    case notFound(String)
    case noFiles(String)
    case unreadable(path: String, reason: String)
    case invalidUTF8(source: String, offset: Int)
    case badJSONLine(path: String, line: Int, reason: String)
    case empty([String])

    public var description: String {
        switch self {
        case .notFound(let p): return "corpus: \(p) does not exist"
        case .noFiles(let p): return "corpus: \(p) holds no .txt or .jsonl files"
        case .unreadable(let p, let r): return "corpus: cannot read \(p): \(r)"
        case .invalidUTF8(let s, let o):
            return "corpus: \(s) is not valid UTF-8 at byte \(o) (use --lossy to encode such bytes as they are)"
        case .badJSONLine(let p, let l, let r): return "corpus: \(p):\(l): \(r)"
        case .empty(let ps): return "corpus: no text in \(ps.joined(separator: ", "))"
        }
    }
}

/// A corpus: `.txt` files (one document each, or one per blank-line-separated paragraph),
/// `.jsonl` files (one document per line, from a string field), or directories of them
/// (recursively, in path order). Documents are read one file at a time, so a corpus larger
/// than memory streams through.
public struct Corpus: Sendable {
    public struct Options: Sendable, Equatable {
        /// Split .txt files into documents at blank lines.
        public var paragraphs = false
        /// The JSON field holding the text in .jsonl files.
        public var textField = "text"
        /// Accept bytes that are not UTF-8 (tokenized as raw bytes) instead of refusing them.
        public var lossy = false
        public init() {}
    }

    public let paths: [String]
    public let files: [String]
    public let options: Options

    public init(paths: [String], options: Options = Options()) throws {
        var files: [String] = []
        let fm = FileManager.default
        for p in paths {
            var isDir: ObjCBool = false
            guard fm.fileExists(atPath: p, isDirectory: &isDir) else { throw CorpusError.notFound(p) }
            if isDir.boolValue {
                guard let e = fm.enumerator(atPath: p) else { throw CorpusError.unreadable(path: p, reason: "cannot list") }
                var found: [String] = []
                while let rel = e.nextObject() as? String {
                    if Corpus.isCorpusFile(rel) { found.append((p as NSString).appendingPathComponent(rel)) }
                }
                guard !found.isEmpty else { throw CorpusError.noFiles(p) }
                files += found.sorted()
            } else {
                files.append(p)
            }
        }
        self.paths = paths
        self.files = files
        self.options = options
    }

    static func isCorpusFile(_ path: String) -> Bool {
        path.hasSuffix(".txt") || path.hasSuffix(".jsonl")
    }

    /// Identifies the corpus contents for resumption: paths, sizes and modification times.
    public func fingerprint() -> String {
        files.map { f -> String in
            let a = try? FileManager.default.attributesOfItem(atPath: f)
            let size = (a?[.size] as? Int) ?? -1
            let mtime = (a?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
            return "\(f)|\(size)|\(mtime)"
        }.joined(separator: "\n") + "|paragraphs=\(options.paragraphs)|field=\(options.textField)|lossy=\(options.lossy)"
    }

    /// Calls `body` with each non-empty document in order. Stops at the first error.
    /// .jsonl files and paragraph-split .txt files are read line by line (streamed); a whole
    /// .txt document is read at once, since it is tokenized whole.
    public func forEachDocument(_ body: (CorpusDocument) throws -> Void) throws {
        var index = 0
        func emit(_ source: String, _ bytes: [UInt8]) throws {
            guard !bytes.isEmpty else { return }
            if !options.lossy, let bad = Corpus.firstInvalidUTF8(bytes) {
                throw CorpusError.invalidUTF8(source: source, offset: bad)
            }
            try body(CorpusDocument(index: index, source: source, bytes: bytes))
            index += 1
        }
        for file in files {
            if file.hasSuffix(".jsonl") {
                var lines = try LineReader(path: file)
                var line = 0
                while let raw = try lines.next() {
                    line += 1
                    if let text = try jsonText(raw, file: file, line: line) { try emit("\(file):\(line)", text) }
                }
            } else if options.paragraphs {
                var lines = try LineReader(path: file)
                var current: [UInt8] = []
                var paragraph = 0
                while let line = try lines.next() {
                    if line.allSatisfy({ $0 == 32 || $0 == 9 || $0 == 13 }) {
                        if !current.isEmpty { try emit("\(file)#\(paragraph)", current); paragraph += 1; current = [] }
                    } else {
                        if !current.isEmpty { current.append(UInt8(ascii: "\n")) }
                        current += line
                    }
                }
                if !current.isEmpty { try emit("\(file)#\(paragraph)", current) }
            } else {
                guard let data = FileManager.default.contents(atPath: file) else {
                    throw CorpusError.unreadable(path: file, reason: "permission denied or not a file")
                }
                try emit(file, [UInt8](data))
            }
        }
    }

    /// The text field of one .jsonl line; nil for a blank line.
    func jsonText(_ raw: ArraySlice<UInt8>, file: String, line: Int) throws -> [UInt8]? {
        let trimmed = raw.drop { $0 == 32 || $0 == 9 || $0 == 13 }
        if trimmed.isEmpty { return nil }
        let obj: Any
        do { obj = try JSONSerialization.jsonObject(with: Data(trimmed)) } catch {
            throw CorpusError.badJSONLine(path: file, line: line, reason: "not valid JSON")
        }
        guard let dict = obj as? [String: Any] else {
            throw CorpusError.badJSONLine(path: file, line: line, reason: "not a JSON object")
        }
        guard let text = dict[options.textField] as? String else {
            throw CorpusError.badJSONLine(path: file, line: line, reason: "no string field '\(options.textField)'")
        }
        return Array(text.utf8)
    }

    /// Offset of the first byte that does not begin a valid UTF-8 sequence, if any.
    public static func firstInvalidUTF8(_ bytes: [UInt8]) -> Int? {
        var it = bytes.makeIterator()
        var decoder = UTF8()
        var offset = 0
        while true {
            switch decoder.decode(&it) {
            case .scalarValue(let s): offset += UTF8.width(s)
            case .emptyInput: return nil
            case .error: return offset
            }
        }
    }
}
