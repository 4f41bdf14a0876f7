import Foundation

/// A parsed protobuf text-format message: fields in order, each a scalar token or a nested
/// message, with the line it came from (for error messages). Enough of the text format for
/// `polytope.Model`: `name: value`, `name { ... }` / `name: { ... }`, `[a, b]` repeated
/// scalars, adjacent string literals concatenated, `#` comments, C escapes in strings.
struct TextProto {
    enum Value {
        /// A string literal's bytes, or the text of a number / identifier.
        case string(Data)
        case token(String)
        case message(TextProto)
    }

    struct Field {
        let name: String
        let value: Value
        let line: Int
    }

    var fields: [Field] = []

    struct ParseError: Error, CustomStringConvertible {
        let line: Int
        let message: String
        var description: String { "line \(line): \(message)" }
    }

    /// Parses a whole document. - Complexity: O(bytes).
    static func parse(_ text: Data) throws -> TextProto {
        var p = Parser(bytes: [UInt8](text))
        let m = try p.message(closing: false)
        return m
    }

    func all(_ name: String) -> [Field] { fields.filter { $0.name == name } }

    private struct Parser {
        let bytes: [UInt8]
        var i = 0
        var line = 1

        init(bytes: [UInt8]) { self.bytes = bytes }

        mutating func skipSpace() {
            while i < bytes.count {
                let c = bytes[i]
                if c == UInt8(ascii: "\n") { line += 1; i += 1 } else if c == 32 || c == 9 || c == 13 || c == UInt8(ascii: ",") || c == UInt8(ascii: ";") {
                    i += 1
                } else if c == UInt8(ascii: "#") {
                    while i < bytes.count, bytes[i] != UInt8(ascii: "\n") { i += 1 }
                } else { return }
            }
        }

        func fail(_ m: String) -> ParseError { ParseError(line: line, message: m) }

        mutating func identifier() throws -> String {
            let start = i
            while i < bytes.count, isWord(bytes[i]) { i += 1 }
            guard i > start else {
                throw fail(i < bytes.count ? "expected a field name, found '\(Character(Unicode.Scalar(bytes[i])))'" : "expected a field name, found the end")
            }
            return String(decoding: bytes[start..<i], as: UTF8.self)
        }

        func isWord(_ c: UInt8) -> Bool {
            (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c == 95 || c == 45 || c == 43 || c == 46
        }

        mutating func message(closing: Bool) throws -> TextProto {
            var m = TextProto()
            while true {
                skipSpace()
                if i >= bytes.count {
                    if closing { throw fail("missing '}' at the end") }
                    return m
                }
                if bytes[i] == UInt8(ascii: "}") {
                    guard closing else { throw fail("unexpected '}'") }
                    i += 1
                    return m
                }
                let fieldLine = line
                let name = try identifier()
                skipSpace()
                var colon = false
                if i < bytes.count, bytes[i] == UInt8(ascii: ":") { colon = true; i += 1; skipSpace() }
                guard i < bytes.count else { throw fail("field '\(name)' has no value") }
                if bytes[i] == UInt8(ascii: "{") || bytes[i] == UInt8(ascii: "<") {
                    i += 1
                    m.fields.append(Field(name: name, value: .message(try message(closing: true)), line: fieldLine))
                } else if bytes[i] == UInt8(ascii: "[") {
                    guard colon else { throw fail("expected ':' after '\(name)'") }
                    i += 1
                    while true {
                        skipSpace()
                        guard i < bytes.count else { throw fail("missing ']'") }
                        if bytes[i] == UInt8(ascii: "]") { i += 1; break }
                        m.fields.append(Field(name: name, value: try scalar(), line: line))
                    }
                } else {
                    guard colon else { throw fail("expected ':' after '\(name)'") }
                    m.fields.append(Field(name: name, value: try scalar(), line: fieldLine))
                }
            }
        }

        mutating func scalar() throws -> Value {
            if bytes[i] == UInt8(ascii: "\"") || bytes[i] == UInt8(ascii: "'") {
                var data = Data()
                while i < bytes.count, bytes[i] == UInt8(ascii: "\"") || bytes[i] == UInt8(ascii: "'") {
                    data += try stringLiteral()
                    skipSpace()
                }
                return .string(data)
            }
            let start = i
            while i < bytes.count, isWord(bytes[i]) { i += 1 }
            guard i > start else { throw fail("expected a value, found '\(Character(Unicode.Scalar(bytes[i])))'") }
            return .token(String(decoding: bytes[start..<i], as: UTF8.self))
        }

        mutating func stringLiteral() throws -> Data {
            let quote = bytes[i]
            i += 1
            var out = Data()
            while true {
                guard i < bytes.count, bytes[i] != UInt8(ascii: "\n") else { throw fail("unterminated string") }
                let c = bytes[i]
                i += 1
                if c == quote { return out }
                guard c == UInt8(ascii: "\\") else { out.append(c); continue }
                guard i < bytes.count else { throw fail("unterminated string") }
                let e = bytes[i]
                i += 1
                switch e {
                case UInt8(ascii: "n"): out.append(10)
                case UInt8(ascii: "t"): out.append(9)
                case UInt8(ascii: "r"): out.append(13)
                case UInt8(ascii: "0")...UInt8(ascii: "7"):
                    var v = Int(e - 48)
                    for _ in 0..<2 where i < bytes.count && bytes[i] >= 48 && bytes[i] <= 55 { v = v * 8 + Int(bytes[i] - 48); i += 1 }
                    guard v < 256 else { throw fail("octal escape out of range") }
                    out.append(UInt8(v))
                case UInt8(ascii: "x"):
                    var v = 0, n = 0
                    while n < 2, i < bytes.count, let d = Int(String(Unicode.Scalar(bytes[i])), radix: 16) { v = v * 16 + d; i += 1; n += 1 }
                    guard n > 0 else { throw fail("\\x needs hex digits") }
                    out.append(UInt8(v))
                default: out.append(e)  // \" \' \\ \? and others: the character itself
                }
            }
        }
    }
}
