import PolytopePlots
/// How a token and the text around it are shown: contexts trimmed to a readable length at
/// character (grapheme) boundaries, and whitespace that matters made visible.
enum ContextSnippet {
    /// Characters of context kept on each side of a token.
    static let contextCharacters = 80

    /// The last `limit` characters of `left`, and whether anything was cut.
    /// Cutting works on `Character`s (extended grapheme clusters), so it never splits a
    /// multi-byte character or a combining sequence. O(n) in the length of `left`.
    static func trimLeft(_ left: String, limit: Int = contextCharacters) -> (text: Substring, cut: Bool) {
        // A cheap bound first: fewer UTF-8 bytes than the limit means fewer characters too.
        if left.utf8.count <= limit { return (left[...], false) }
        let tail = left.suffix(limit)
        return (tail, tail.startIndex != left.startIndex)
    }

    /// The first `limit` characters of `right`, and whether anything was cut.
    static func trimRight(_ right: String, limit: Int = contextCharacters) -> (text: Substring, cut: Bool) {
        if right.utf8.count <= limit { return (right[...], false) }
        let head = right.prefix(limit)
        return (head, head.endIndex != right.endIndex)
    }

    /// Appends `text` as context HTML: escaped, newlines as a dim `⏎` (the line break itself
    /// would wreck a one-line concordance), tabs as `⇥`, carriage returns dropped, runs of
    /// spaces kept (the cell uses `white-space: pre`).
    static func appendContext<S: StringProtocol>(_ text: S, into out: inout String) {
        HTMLEscaping.append(text, into: &out) { byte in
            switch byte {
            case 0x0A: return "<span class=\"ws\">\u{23CE}</span>"
            case 0x09: return "<span class=\"ws\">\u{21E5}</span>"
            case 0x0D: return ""
            default: return nil
            }
        }
    }

    /// Appends a token's text as HTML with every whitespace character visible: a space is a
    /// dim `·`, a newline `⏎`, a tab `⇥`, a carriage return `␍`, so `" the"` and `"the"` read
    /// differently and a newline token is not an empty chip. An empty token shows as `∅`.
    static func appendToken(_ text: String, into out: inout String) {
        if text.isEmpty {
            out += "<span class=\"ws\">\u{2205}</span>"
            return
        }
        HTMLEscaping.append(text, into: &out) { byte in
            switch byte {
            case 0x20: return "<span class=\"ws\">\u{00B7}</span>"
            case 0x0A: return "<span class=\"ws\">\u{23CE}</span>"
            case 0x09: return "<span class=\"ws\">\u{21E5}</span>"
            case 0x0D: return "<span class=\"ws\">\u{240D}</span>"
            default: return nil
            }
        }
    }
}
