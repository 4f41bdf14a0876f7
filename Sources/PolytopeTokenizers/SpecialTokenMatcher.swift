/// Finds literal occurrences of special tokens (`<|endoftext|>`, `[SEP]`) in input bytes.
struct SpecialTokenMatcher: Sendable {
    struct Entry: Sendable {
        let text: String
        let bytes: [UInt8]
        let id: Int
    }

    let entries: [Entry]

    init(_ tokens: [String: Int]) {
        entries = tokens.map { Entry(text: $0.key, bytes: Array($0.key.utf8), id: $0.value) }
            .filter { !$0.bytes.isEmpty }
            .sorted { $0.bytes.count != $1.bytes.count ? $0.bytes.count > $1.bytes.count : $0.text < $1.text }
    }

    /// The allowed entries, longest first.
    func allowed(_ allowed: AllowedSpecialTokens) -> [Entry] {
        entries.filter { allowed.allows($0.text) }
    }

    /// The leftmost occurrence at or after `from` of one of `candidates` (longest first at the
    /// same start), as (start, end, id).
    /// - Complexity: O((n - from) · Σ|token|) worst case; in practice one byte compare per position.
    static func nextMatch(in p: UnsafeBufferPointer<UInt8>, from: Int, candidates: [Entry]) -> (start: Int, end: Int, id: Int)? {
        guard !candidates.isEmpty else { return nil }
        var firstBytes = [Bool](repeating: false, count: 256)
        for c in candidates { firstBytes[Int(c.bytes[0])] = true }
        var i = from
        let n = p.count
        while i < n {
            if firstBytes[Int(p[i])] {
                for c in candidates where i + c.bytes.count <= n {
                    var k = 0
                    while k < c.bytes.count && p[i + k] == c.bytes[k] { k += 1 }
                    if k == c.bytes.count { return (i, i + k, c.id) }
                }
            }
            i += 1
        }
        return nil
    }
}
