import Foundation

/// Reads a file line by line in 1 MiB chunks, so a .jsonl corpus or a paragraph-split .txt
/// larger than memory streams through. Lines exclude their "\n".
struct LineReader {
    let handle: FileHandle
    let path: String
    private var buffer: [UInt8] = []
    private var start = 0
    private var eof = false

    init(path: String) throws {
        guard let h = FileHandle(forReadingAtPath: path) else {
            throw CorpusError.unreadable(path: path, reason: "permission denied or not a file")
        }
        handle = h
        self.path = path
    }

    /// The next line, or nil at the end of the file.
    mutating func next() throws -> ArraySlice<UInt8>? {
        while true {
            if let nl = buffer[start...].firstIndex(of: UInt8(ascii: "\n")) {
                defer { start = nl + 1 }
                return buffer[start..<nl]
            }
            if eof {
                guard start < buffer.count else { return nil }
                defer { start = buffer.count }
                return buffer[start...]
            }
            let chunk: Data?
            do { chunk = try handle.read(upToCount: 1 << 20) } catch {
                throw CorpusError.unreadable(path: path, reason: (error as NSError).localizedDescription)
            }
            buffer.removeSubrange(0..<start)
            start = 0
            if let chunk, !chunk.isEmpty { buffer.append(contentsOf: chunk) } else { eof = true }
        }
    }
}
