import Foundation
import PolytopeIO

/// Streams codes into a code file batch by batch, resumable after a crash.
///
/// Each `append` writes the batch's rows after the last committed row, `fsync`s them, then
/// rewrites the 8-byte committed row count in the header and `fsync`s again. A crash between
/// the two leaves rows past the committed count; `resume` cuts them off, so the file always
/// holds whole, committed batches:
///
/// ```swift
/// let w = try CodeFileWriter.create(at: url, bits: 1536, provenance: #"{"model":"minilm"}"#)
/// try w.append(batch)           // after each batch of tokens
/// // ... after a crash:
/// let w2 = try CodeFileWriter.resume(at: url)   // w2.rows = rows committed; continue from there
/// ```
public final class CodeFileWriter {
    public let url: URL
    public private(set) var header: CodeFile.Header
    /// Rows committed so far.
    public var rows: Int { header.rows }
    public var bits: Int { header.bits }
    /// Bytes that `resume` found past the committed rows and truncated (0 for a clean file).
    public private(set) var truncatedBytes = 0
    private let file: AppendableFile

    private init(url: URL, header: CodeFile.Header, file: AppendableFile) {
        self.url = url
        self.header = header
        self.file = file
    }

    /// Creates (or replaces) a code file with no rows.
    public static func create(at url: URL, bits: Int, provenance: String = "{}") throws -> CodeFileWriter {
        guard (1...65535).contains(bits) else { throw CodeError.badWidth(bits: bits) }
        let header = CodeFile.Header(bits: bits, rows: 0, provenance: provenance)
        try AtomicFile.write(header.encode(), to: url)
        return CodeFileWriter(url: url, header: header, file: try AppendableFile(url: url, create: false))
    }

    /// Opens an existing code file to append more rows, dropping any uncommitted tail.
    /// - Throws: `CodeError` if the file is not a valid code file or holds fewer bytes than its
    ///   committed rows need.
    public static func resume(at url: URL) throws -> CodeFileWriter {
        let file = try AppendableFile(url: url, create: false)
        let size = try file.size()
        // The header size sits at offset 12; read that much, then parse it all.
        let first = try file.read(count: 64, at: 0)
        guard first.count == 64, first.starts(with: CodeFile.magic) else {
            _ = try CodeFile.Header.decode(first, path: url.path)  // throws the precise error
            throw CodeError.notCodeFile(path: url.path)
        }
        let headerBytes = first.withUnsafeBytes { Int(UInt32(littleEndian: $0.loadUnaligned(fromByteOffset: 12, as: UInt32.self))) }
        let header = try CodeFile.Header.decode(try file.read(count: max(64, min(headerBytes, size)), at: 0), path: url.path)
        let committedEnd = header.headerBytes + header.rows * header.strideBytes
        guard size >= committedEnd else {
            throw CodeError.corrupt(path: url.path, reason: "header commits \(header.rows) rows (\(committedEnd) bytes) but the file has \(size) bytes")
        }
        let w = CodeFileWriter(url: url, header: header, file: file)
        if size > committedEnd {
            try file.truncate(to: committedEnd)
            try file.sync()
            w.truncatedBytes = size - committedEnd
        }
        return w
    }

    /// Appends and commits a batch.
    /// - Throws: `CodeError.widthMismatch`, `FileWriteError` naming the file (disk full, ...).
    public func append(_ batch: CodeMatrix) throws {
        guard batch.bits == header.bits else {
            throw CodeError.widthMismatch(expected: header.bits, found: batch.bits, context: url.path)
        }
        guard batch.rows > 0 else { return }
        let offset = header.headerBytes + header.rows * header.strideBytes
        let data = batch.withUnsafeWords { Data(buffer: $0) }
        try file.write(data, at: offset)
        try file.sync()
        header.rows += batch.rows
        try file.write(withUnsafeBytes(of: UInt64(header.rows).littleEndian) { Data($0) }, at: 32)
        try file.sync()
    }

    /// Drops committed rows past `rows` (a probe rolls back to the last batch that every one of
    /// its output files committed).
    public func truncate(toRows rows: Int) throws {
        guard rows < header.rows else { return }
        guard rows >= 0 else { throw CodeError.corrupt(path: url.path, reason: "cannot truncate to \(rows) rows") }
        header.rows = rows
        try file.write(withUnsafeBytes(of: UInt64(rows).littleEndian) { Data($0) }, at: 32)
        try file.sync()
        try file.truncate(to: header.headerBytes + rows * header.strideBytes)
        try file.sync()
    }

    /// Writes `batch` rows without committing them: what a crash mid-batch leaves. For tests.
    func appendUncommitted(_ batch: CodeMatrix, bytes: Int? = nil) throws {
        let offset = header.headerBytes + header.rows * header.strideBytes
        var data = batch.withUnsafeWords { Data(buffer: $0) }
        if let bytes { data = data.prefix(bytes) }
        try file.write(data, at: offset)
    }

    public func close() throws { try file.close() }
}
