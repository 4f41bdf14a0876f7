import Foundation

/// The header of a NumPy `.npy` file: dtype, shape and the data offset.
///
/// Format (NumPy NEP 1, "A Simple File Format for NumPy Arrays"): the magic `\x93NUMPY`, a
/// major and minor version byte, the header length (little-endian `UInt16` for version 1.0,
/// `UInt32` for 2.0 and 3.0), then an ASCII Python dict literal
/// `{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }` padded with spaces and a
/// final newline so the data starts on a 64-byte boundary.
public struct NPYHeader: Equatable, Sendable {
    public var dtype: NPYDType
    public var shape: [Int]
    /// Byte offset of the first data byte (only meaningful after `decode`/`encode`).
    public var dataOffset: Int

    public init(dtype: NPYDType, shape: [Int], dataOffset: Int = 0) {
        self.dtype = dtype
        self.shape = shape
        self.dataOffset = dataOffset
    }

    static let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]  // \x93NUMPY

    /// Number of elements, or nil if it overflows.
    public var elementCount: Int? {
        var n = 1
        for d in shape {
            guard d >= 0 else { return nil }
            let (p, o) = n.multipliedReportingOverflow(by: d)
            if o { return nil }
            n = p
        }
        return n
    }

    /// Byte size of the data, or nil if it overflows.
    public var byteCount: Int? {
        guard let n = elementCount else { return nil }
        let (p, o) = n.multipliedReportingOverflow(by: dtype.size)
        return o ? nil : p
    }

    /// The header bytes (magic through padding), version 1.0 when the dict fits, else 2.0.
    public func encode() -> [UInt8] {
        let shapeText: String
        if shape.count == 1 {
            shapeText = "(\(shape[0]),)"
        } else {
            shapeText = "(" + shape.map(String.init).joined(separator: ", ") + ")"
        }
        let dict = "{'descr': '\(dtype.rawValue)', 'fortran_order': False, 'shape': \(shapeText), }"
        var dictBytes = Array(dict.utf8)
        var version: UInt8 = 1
        var prefix = Self.magic.count + 2 + 2
        if dictBytes.count + 1 + 64 > 65535 {
            version = 2
            prefix = Self.magic.count + 2 + 4
        }
        let unpadded = prefix + dictBytes.count + 1
        let padded = (unpadded + 63) / 64 * 64
        dictBytes += [UInt8](repeating: 0x20, count: padded - unpadded)
        dictBytes.append(0x0A)
        var out = Self.magic + [version, 0]
        let len = dictBytes.count
        if version == 1 {
            out += [UInt8(len & 0xFF), UInt8(len >> 8)]
        } else {
            out += [UInt8(len & 0xFF), UInt8((len >> 8) & 0xFF), UInt8((len >> 16) & 0xFF), UInt8(len >> 24)]
        }
        return out + dictBytes
    }

    /// Parses the header at the start of `bytes`; `path` names the file in errors.
    ///
    /// Validates the magic, version, header length against the bytes present, the dtype,
    /// `fortran_order` and the shape (non-negative, element count without overflow).
    public static func decode(_ bytes: Data, path: String) throws -> NPYHeader {
        guard bytes.count >= 10, Array(bytes.prefix(6)) == magic else { throw NPYError.notNPY(path: path) }
        let base = bytes.startIndex
        let major = bytes[base + 6], minor = bytes[base + 7]
        let headerLength: Int
        let prefix: Int
        switch major {
        case 1:
            headerLength = Int(bytes[base + 8]) | Int(bytes[base + 9]) << 8
            prefix = 10
        case 2, 3:
            guard bytes.count >= 12 else { throw NPYError.badHeader(path: path, reason: "file ends inside the header length") }
            headerLength = (0..<4).reduce(0) { $0 | Int(bytes[base + 8 + $1]) << (8 * $1) }
            prefix = 12
        default:
            throw NPYError.unsupportedVersion(path: path, major: major, minor: minor)
        }
        guard prefix + headerLength <= bytes.count else {
            throw NPYError.badHeader(
                path: path, reason: "header length \(headerLength) runs past the end of the file (\(bytes.count) bytes)")
        }
        let headerBytes = bytes[(base + prefix)..<(base + prefix + headerLength)]
        guard let text = String(bytes: headerBytes, encoding: major == 3 ? .utf8 : .ascii) else {
            throw NPYError.badHeader(path: path, reason: "header is not \(major == 3 ? "UTF-8" : "ASCII") text")
        }
        var parser = DictLiteralParser(text: text, path: path)
        let dict = try parser.parse()
        guard case let .string(descr)? = dict["descr"] else {
            throw NPYError.badHeader(path: path, reason: "missing 'descr' string")
        }
        guard case let .bool(fortran)? = dict["fortran_order"] else {
            throw NPYError.badHeader(path: path, reason: "missing 'fortran_order' boolean")
        }
        guard case let .tuple(shape)? = dict["shape"] else {
            throw NPYError.badHeader(path: path, reason: "missing 'shape' tuple")
        }
        guard let dtype = NPYDType(descr: descr) else { throw NPYError.unsupportedDType(path: path, descr: descr) }
        let header = NPYHeader(dtype: dtype, shape: shape, dataOffset: prefix + headerLength)
        if shape.contains(where: { $0 < 0 }) {
            throw NPYError.badHeader(path: path, reason: "negative dimension in shape \(shape)")
        }
        // A fortran-ordered array with at most one non-trivial axis has the same layout as C order.
        if fortran && shape.filter({ $0 > 1 }).count > 1 { throw NPYError.fortranOrder(path: path) }
        guard header.byteCount != nil else { throw NPYError.shapeOverflow(path: path, shape: shape) }
        return header
    }
}

/// A minimal parser for the Python dict literal in a `.npy` header:
/// string keys; values are strings, `True`/`False`, or tuples of integers.
struct DictLiteralParser {
    enum Value: Equatable { case string(String), bool(Bool), tuple([Int]) }

    let chars: [Character]
    let path: String
    var i = 0

    init(text: String, path: String) {
        self.chars = Array(text)
        self.path = path
    }

    private func fail(_ reason: String) -> NPYError { .badHeader(path: path, reason: reason) }

    private mutating func skipSpace() {
        while i < chars.count, chars[i].isWhitespace { i += 1 }
    }

    private mutating func expect(_ c: Character) throws {
        skipSpace()
        guard i < chars.count, chars[i] == c else { throw fail("expected '\(c)' at character \(i)") }
        i += 1
    }

    private mutating func peek() -> Character? {
        skipSpace()
        return i < chars.count ? chars[i] : nil
    }

    private mutating func string() throws -> String {
        skipSpace()
        guard i < chars.count, chars[i] == "'" || chars[i] == "\"" else { throw fail("expected a string at character \(i)") }
        let quote = chars[i]
        i += 1
        var s = ""
        while i < chars.count, chars[i] != quote {
            s.append(chars[i])
            i += 1
        }
        guard i < chars.count else { throw fail("unterminated string") }
        i += 1
        return s
    }

    private mutating func integer() throws -> Int {
        skipSpace()
        var s = ""
        while i < chars.count, chars[i].isNumber || chars[i] == "-" || chars[i] == "L" {
            if chars[i] != "L" { s.append(chars[i]) }
            i += 1
        }
        guard let v = Int(s) else { throw fail("expected an integer in shape, found '\(s)'") }
        return v
    }

    private mutating func value() throws -> Value {
        switch peek() {
        case "'", "\"": return .string(try string())
        case "(":
            i += 1
            var items: [Int] = []
            while peek() != ")" {
                items.append(try integer())
                if peek() == "," { i += 1 } else { break }
            }
            try expect(")")
            return .tuple(items)
        case nil:
            throw fail("header ends inside the dictionary")
        default:
            for (word, v) in [("True", true), ("False", false)] where chars[i...].starts(with: word) {
                i += word.count
                return .bool(v)
            }
            throw fail("unexpected value at character \(i)")
        }
    }

    mutating func parse() throws -> [String: Value] {
        try expect("{")
        var out: [String: Value] = [:]
        while peek() != "}" {
            let key = try string()
            try expect(":")
            out[key] = try value()
            if peek() == "," { i += 1 } else { break }
        }
        try expect("}")
        return out
    }
}
