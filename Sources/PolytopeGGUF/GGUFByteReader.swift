import Foundation

/// Little-endian reads from a byte buffer with every length checked against what is left, so a
/// truncated or hostile file gives an error naming the field instead of reading out of bounds.
struct GGUFByteReader {
    let bytes: UnsafeRawBufferPointer
    let path: String
    var offset = 0

    var remaining: Int { bytes.count - offset }

    func fail(_ what: String) -> GGUFError { GGUFError(path: path, reason: what) }

    mutating func need(_ n: Int, _ what: @autoclosure () -> String) throws {
        guard n >= 0, n <= remaining else {
            throw fail("truncated: \(what()) needs \(n) bytes at offset \(offset), the file has \(remaining) left")
        }
    }

    mutating func load<T: FixedWidthInteger>(_ type: T.Type, _ what: @autoclosure () -> String) throws -> T {
        try need(MemoryLayout<T>.size, what())
        let v = T(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: T.self))
        offset += MemoryLayout<T>.size
        return v
    }

    mutating func u32(_ what: @autoclosure () -> String) throws -> UInt32 { try load(UInt32.self, what()) }
    mutating func u64(_ what: @autoclosure () -> String) throws -> UInt64 { try load(UInt64.self, what()) }

    /// A count or length that must fit in the rest of the file at `minBytes` each.
    mutating func count(_ what: @autoclosure () -> String, minBytes: Int) throws -> Int {
        let n = try u64(what())
        guard n <= UInt64(remaining / max(minBytes, 1)) else {
            throw fail("\(what()) is \(n), more than the \(remaining) bytes left can hold")
        }
        return Int(n)
    }

    /// A `gguf_string`: u64 byte length, then UTF-8 bytes (not NUL-terminated).
    mutating func string(_ what: @autoclosure () -> String) throws -> String {
        let n = try count("length of \(what())", minBytes: 1)
        let raw = UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + n)])
        guard let s = String(bytes: raw, encoding: .utf8) else { throw fail("\(what()) is not valid UTF-8") }
        offset += n
        return s
    }
}
