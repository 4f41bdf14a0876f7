import Foundation

extension AttrValue {
    /// Parses the text syntax schema defaults and `polytope model edit --set` use:
    /// `3` (int), `0.01` / `1e-5` / `-inf` (float), `true` / `false` (bool), `"text"` or a bare
    /// word (string), `[1, 2]` / `[0.5, 1]` / `["a", "b"]` (lists; `[]` is an empty list of
    /// `type`, else of ints). With `type` given the value is converted to it (ints widen to
    /// floats) or refused.
    ///
    /// - Throws: `ModelError.badInput` naming the text and what was expected.
    public static func parse(_ text: String, as type: KindSchema.AttrType? = nil) throws -> AttrValue {
        let t = text.trimmingCharacters(in: .whitespaces)
        let value: AttrValue
        if t.hasPrefix("[") {
            guard t.hasSuffix("]") else { throw ModelError.badInput("attribute value \(text) opens a list with '[' but does not close it") }
            let inner = t.dropFirst().dropLast().trimmingCharacters(in: .whitespaces)
            let items = inner.isEmpty ? [] : try splitList(inner).map { try parseScalar($0) }
            if items.isEmpty {
                value = type == .floats ? .floats([]) : type == .strings ? .strings([]) : .ints([])
            } else if items.allSatisfy({ if case .int = $0 { return true }; return false }) {
                value = .ints(items.map { if case .int(let v) = $0 { return v }; return 0 })
            } else if items.allSatisfy({ if case .int = $0 { return true }; if case .float = $0 { return true }; return false }) {
                value = .floats(items.map { if case .int(let v) = $0 { return Double(v) }; if case .float(let v) = $0 { return v }; return 0 })
            } else if items.allSatisfy({ if case .string = $0 { return true }; return false }) {
                value = .strings(items.map { if case .string(let v) = $0 { return v }; return "" })
            } else {
                throw ModelError.badInput("attribute value \(text) mixes element types (lists hold ints, floats or strings)")
            }
        } else {
            value = try parseScalar(t)
        }
        guard let type else { return value }
        guard let v = value.converted(to: type) else {
            throw ModelError.badInput("attribute value \(text) is a \(value.typeName), expected a \(type)")
        }
        return v
    }

    /// The text `parse` reads back to this value.
    public var text: String {
        switch self {
        case .int(let v): return "\(v)"
        case .float(let v): return Self.floatText(v)
        case .string(let v): return Self.quoted(v)
        case .bool(let v): return v ? "true" : "false"
        case .ints(let v): return "[" + v.map { "\($0)" }.joined(separator: ", ") + "]"
        case .floats(let v): return "[" + v.map(Self.floatText).joined(separator: ", ") + "]"
        case .strings(let v): return "[" + v.map(Self.quoted).joined(separator: ", ") + "]"
        }
    }

    /// A float that reads back as a float (never as an int): `1.0`, `1e-05`, `inf`.
    static func floatText(_ v: Double) -> String {
        let s = "\(v)"
        return s.contains(".") || s.contains("e") || s.contains("n") ? s : s + ".0"
    }

    static func quoted(_ s: String) -> String {
        "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    private static func parseScalar(_ s: String) throws -> AttrValue {
        let t = s.trimmingCharacters(in: .whitespaces)
        if t.hasPrefix("\"") {
            guard t.count >= 2, t.hasSuffix("\""), !t.hasSuffix("\\\"") || t.hasSuffix("\\\\\"") else {
                throw ModelError.badInput("attribute value \(s) opens a string with '\"' but does not close it")
            }
            var out = "", escaped = false
            for c in t.dropFirst().dropLast() {
                if escaped { out.append(c); escaped = false } else if c == "\\" { escaped = true } else { out.append(c) }
            }
            return .string(out)
        }
        if t == "true" { return .bool(true) }
        if t == "false" { return .bool(false) }
        if let i = Int64(t) { return .int(i) }
        if let d = Double(t) { return .float(d) }
        guard !t.isEmpty else { throw ModelError.badInput("empty attribute value") }
        return .string(t)
    }

    /// Splits on commas outside quotes.
    private static func splitList(_ s: String) throws -> [String] {
        var items: [String] = [], cur = "", inString = false, escaped = false
        for c in s {
            if inString {
                cur.append(c)
                if escaped { escaped = false } else if c == "\\" { escaped = true } else if c == "\"" { inString = false }
            } else if c == "," {
                items.append(cur)
                cur = ""
            } else {
                if c == "\"" { inString = true }
                cur.append(c)
            }
        }
        items.append(cur)
        return items
    }
}
