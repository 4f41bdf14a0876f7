import Foundation
import PolytopeIO

extension CodeFile {
    /// The header of a code file and the rows it commits, checked against the file size;
    /// reads only the header.
    public static func header(of url: URL) throws -> Header {
        let file: AppendableFile
        do { file = try AppendableFile(url: url, create: false) } catch {
            throw CodeError.unreadable(path: url.path, reason: "\(error)")
        }
        let first = try file.read(count: 64, at: 0)
        let plen = first.count >= 44 ? Int(first.withUnsafeBytes { UInt32(littleEndian: $0.loadUnaligned(fromByteOffset: 40, as: UInt32.self)) }) : 0
        let h = try Header.decode(try file.read(count: 64 + min(plen, 1 << 24), at: 0), path: url.path)
        let size = try file.size()
        guard size >= h.headerBytes + h.rows * h.strideBytes else {
            throw CodeError.corrupt(path: url.path, reason: "header commits \(h.rows) rows (\(h.headerBytes + h.rows * h.strideBytes) bytes) but the file has \(size) bytes")
        }
        return h
    }

    /// The given committed rows of a code file, in the given order, read one by one (the file is
    /// never loaded whole: for a sample of a code file larger than memory). O(rows) reads.
    public static func readRows(from url: URL, rows: [Int]) throws -> CodeMatrix {
        let h = try header(of: url)
        let file = try AppendableFile(url: url, create: false)
        let out = try CodeMatrix(bits: h.bits, rows: rows.count)
        let dst = UnsafeMutableRawPointer(out.storage.words)
        for (i, r) in rows.enumerated() {
            guard r >= 0, r < h.rows else { throw CodeError.badInput("row \(r) is outside the \(h.rows) rows of \(url.path)") }
            let d = try file.read(count: h.strideBytes, at: h.headerBytes + r * h.strideBytes)
            guard d.count == h.strideBytes else { throw CodeError.corrupt(path: url.path, reason: "row \(r) is cut short") }
            d.withUnsafeBytes { (dst + i * h.strideBytes).copyMemory(from: $0.baseAddress!, byteCount: h.strideBytes) }
        }
        return out
    }

    /// Committed rows `range` of a code file, read in one piece. O(range.count * stride).
    public static func readRows(from url: URL, range: Range<Int>) throws -> CodeMatrix {
        let h = try header(of: url)
        guard range.lowerBound >= 0, range.upperBound <= h.rows else {
            throw CodeError.badInput("rows \(range) are outside the \(h.rows) rows of \(url.path)")
        }
        let file = try AppendableFile(url: url, create: false)
        let out = try CodeMatrix(bits: h.bits, rows: range.count)
        let bytes = range.count * h.strideBytes
        let d = try file.read(count: bytes, at: h.headerBytes + range.lowerBound * h.strideBytes)
        guard d.count == bytes else { throw CodeError.corrupt(path: url.path, reason: "rows \(range) are cut short") }
        if bytes > 0 { d.withUnsafeBytes { UnsafeMutableRawPointer(out.storage.words).copyMemory(from: $0.baseAddress!, byteCount: bytes) } }
        return out
    }
}
