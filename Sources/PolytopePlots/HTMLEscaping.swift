/// Escaping for text that came from a corpus, a file name or a user: everything the report
/// shows that it did not write itself goes through here.
public enum HTMLEscaping {
    /// Escapes `& < > " '` so that `text` is inert both as element content and inside a
    /// double- or single-quoted attribute value. Other characters pass through (the report is
    /// UTF-8). Control characters other than tab, newline and carriage return, which HTML
    /// forbids, become U+FFFD.
    ///
    /// - Complexity: O(n) in the UTF-8 length of `text`.
    public static func escape(_ text: String) -> String {
        var out = ""
        escape(text, into: &out)
        return out
    }

    /// Appends the escaped form of `text` to `out` (no intermediate string).
    public static func escape<S: StringProtocol>(_ text: S, into out: inout String) {
        append(text, into: &out) { _ in nil }
    }

    /// The escaped form of one ASCII byte, or nil when it stands for itself.
    @inline(__always)
    public static func entity(_ byte: UInt8) -> String? {
        switch byte {
        case UInt8(ascii: "&"): return "&amp;"
        case UInt8(ascii: "<"): return "&lt;"
        case UInt8(ascii: ">"): return "&gt;"
        case UInt8(ascii: "\""): return "&quot;"
        case UInt8(ascii: "'"): return "&#39;"
        case 0x09, 0x0A, 0x0D: return nil
        default: return byte < 0x20 || byte == 0x7F ? "\u{FFFD}" : nil
        }
    }

    /// Appends `text` escaped, with ASCII bytes that `special` maps replaced by its markup
    /// (already HTML) before escaping is considered. Runs of ordinary text are copied in one
    /// piece: replacements only ever fall on ASCII bytes, which are always character
    /// boundaries in UTF-8.
    ///
    /// - Complexity: O(n) in the UTF-8 length of `text`.
    public static func append<S: StringProtocol>(_ text: S, into out: inout String, special: (UInt8) -> String?) {
        let utf8 = text.utf8
        var start = utf8.startIndex
        var i = start
        while i != utf8.endIndex {
            let byte = utf8[i]
            if byte < 0x80, let replacement = special(byte) ?? entity(byte) {
                if start != i { out += text[start..<i] }
                out += replacement
                i = utf8.index(after: i)
                start = i
            } else {
                i = utf8.index(after: i)
            }
        }
        if start != utf8.endIndex { out += text[start..<utf8.endIndex] }
    }
}
