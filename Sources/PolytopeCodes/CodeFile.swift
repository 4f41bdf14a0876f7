import Foundation
import PolytopeIO

/// The PolytopeLens code file: a fixed header, a provenance JSON string, then padded rows.
/// Specified in docs/code-format.md.
///
/// ```
/// offset size field (little-endian)
///  0     8   magic "PLCODES\0"
///  8     4   format version (1)
/// 12     4   header size H in bytes (multiple of 64; rows start here)
/// 16     8   bits per row
/// 24     8   row stride S in bytes (ceil(bits/512) * 64)
/// 32     8   committed row count R
/// 40     4   provenance length P in bytes
/// 44    20   reserved, zero
/// 64     P   provenance, UTF-8 JSON; zero padding up to H
///  H   R*S   rows, np.packbits bit order, zero padded to S bytes
/// ```
/// Bytes past `H + R*S` belong to a batch that was not committed and are ignored by readers
/// and truncated by `CodeFileWriter.resume`.
public enum CodeFile {
    public static let magic: [UInt8] = Array("PLCODES".utf8) + [0]
    public static let version = 1

    /// The fields of a code file header.
    public struct Header: Equatable, Sendable {
        public var bits: Int
        public var rows: Int
        public var provenance: String
        /// Header size in bytes: where row 0 starts.
        public var headerBytes: Int
        public var strideBytes: Int { CodeMatrix.wordsPerRow(bits: bits) * 8 }

        public init(bits: Int, rows: Int, provenance: String) {
            self.bits = bits
            self.rows = rows
            self.provenance = provenance
            self.headerBytes = (64 + provenance.utf8.count + 63) / 64 * 64
        }

        /// The header bytes (`headerBytes` long).
        public func encode() -> Data {
            var d = Data(count: headerBytes)
            d.replaceSubrange(0..<8, with: CodeFile.magic)
            func put<T: FixedWidthInteger>(_ v: T, _ at: Int) {
                withUnsafeBytes(of: v.littleEndian) { d.replaceSubrange(at..<(at + MemoryLayout<T>.size), with: $0) }
            }
            put(UInt32(CodeFile.version), 8)
            put(UInt32(headerBytes), 12)
            put(UInt64(bits), 16)
            put(UInt64(strideBytes), 24)
            put(UInt64(rows), 32)
            let p = Array(provenance.utf8)
            put(UInt32(p.count), 40)
            d.replaceSubrange(64..<(64 + p.count), with: p)
            return d
        }

        /// Parses and validates a header from the start of `data` (at least 64 bytes; all of the
        /// provenance must be present).
        public static func decode(_ data: Data, path: String) throws -> Header {
            guard data.count >= 64 else {
                throw data.starts(with: CodeFile.magic) || data.isEmpty
                    ? CodeError.corrupt(path: path, reason: "file is \(data.count) bytes, shorter than the 64-byte header")
                    : CodeError.notCodeFile(path: path)
            }
            guard data.starts(with: CodeFile.magic) else { throw CodeError.notCodeFile(path: path) }
            func get<T: FixedWidthInteger>(_ at: Int, _: T.Type) -> T {
                data.withUnsafeBytes { T(littleEndian: $0.loadUnaligned(fromByteOffset: at, as: T.self)) }
            }
            let version = Int(get(8, UInt32.self))
            guard version == 1 else { throw CodeError.unsupportedVersion(path: path, version: version) }
            let headerBytes = Int(get(12, UInt32.self))
            let bits = get(16, UInt64.self), stride = get(24, UInt64.self), rows = get(32, UInt64.self)
            let plen = Int(get(40, UInt32.self))
            guard (1...65535).contains(bits) else { throw CodeError.corrupt(path: path, reason: "bits per row \(bits) out of range") }
            guard stride == UInt64(CodeMatrix.wordsPerRow(bits: Int(bits)) * 8) else {
                throw CodeError.corrupt(path: path, reason: "row stride \(stride) does not match \(bits) bits")
            }
            guard headerBytes % 64 == 0, headerBytes >= 64 + plen else {
                throw CodeError.corrupt(path: path, reason: "header size \(headerBytes) is inconsistent with provenance length \(plen)")
            }
            // headerBytes + rows * stride must fit in Int (readers compute it).
            guard rows <= (UInt64(Int.max) - UInt64(headerBytes)) / stride else {
                throw CodeError.corrupt(path: path, reason: "row count \(rows) too large")
            }
            guard data.count >= 64 + plen else { throw CodeError.corrupt(path: path, reason: "file ends inside the provenance") }
            guard let prov = String(bytes: data[(data.startIndex + 64)..<(data.startIndex + 64 + plen)], encoding: .utf8) else {
                throw CodeError.corrupt(path: path, reason: "provenance is not UTF-8")
            }
            var h = Header(bits: Int(bits), rows: Int(rows), provenance: prov)
            h.headerBytes = headerBytes
            return h
        }
    }

    /// Codes read from a code file, with the header.
    public struct Contents: Sendable {
        public var header: Header
        public var codes: CodeMatrix
    }

    /// Reads the committed rows of a code file (an uncommitted tail is ignored).
    /// - Throws: `CodeError` naming the path (not a code file, corrupt header, fewer bytes than
    ///   the committed row count needs).
    public static func read(from url: URL) throws -> Contents {
        let data: Data
        do {
            data = try Data(contentsOf: url, options: .mappedIfSafe)
        } catch {
            throw CodeError.unreadable(path: url.path, reason: (error as NSError).localizedDescription)
        }
        let header = try Header.decode(data, path: url.path)
        let need = header.headerBytes + header.rows * header.strideBytes
        guard data.count >= need else {
            throw CodeError.corrupt(path: url.path, reason: "header commits \(header.rows) rows (\(need) bytes) but the file has \(data.count) bytes")
        }
        let codes = try CodeMatrix(bits: header.bits, rows: header.rows)
        data.withUnsafeBytes { src in
            UnsafeMutableRawPointer(codes.storage.words)
                .copyMemory(from: src.baseAddress! + header.headerBytes, byteCount: header.rows * header.strideBytes)
        }
        return Contents(header: header, codes: codes)
    }

    /// Writes a complete code file atomically (temporary file + rename).
    public static func write(_ codes: CodeMatrix, provenance: String = "{}", to url: URL) throws {
        var data = Header(bits: codes.bits, rows: codes.rows, provenance: provenance).encode()
        codes.withUnsafeWords { w in data.append(UnsafeBufferPointer(start: w.baseAddress, count: codes.rows * codes.wordsPerRow)) }
        try AtomicFile.write(data, to: url)
    }
}
