/// A token of a `tokenizer.json`'s `added_tokens`: matched literally in the text before
/// pre-tokenization (Hugging Face's `AddedVocabulary`).
public struct AddedToken: Sendable, Equatable {
    public var id: Int
    public var content: String
    /// Special tokens (`<|endoftext|>`) are matched only where ``EncodeOptions/allowedSpecial``
    /// allows; the others always (as Hugging Face matches both).
    public var special: Bool
    /// The match also takes the whitespace before it (`lstrip`) / after it (`rstrip`).
    public var lstrip: Bool
    public var rstrip: Bool
    /// Matched only where it is not inside a word (`single_word`).
    public var singleWord: Bool
    /// Matched on the normalized text, in a second pass (`normalized`); byte-level BPE files
    /// have no normalizer, so this only orders the passes.
    public var normalized: Bool

    public init(id: Int, content: String, special: Bool = true, lstrip: Bool = false, rstrip: Bool = false,
                singleWord: Bool = false, normalized: Bool = false) {
        self.id = id
        self.content = content
        self.special = special
        self.lstrip = lstrip
        self.rstrip = rstrip
        self.singleWord = singleWord
        self.normalized = normalized
    }
}

/// Finds added tokens in input bytes as Hugging Face does: first the tokens with
/// `normalized: false`, leftmost-longest and non-overlapping over the whole text; then the
/// `normalized: true` ones in the gaps; `single_word` matches inside a word are dropped (not
/// retried shorter); `lstrip`/`rstrip` widen a match over adjacent whitespace.
/// - Complexity: O(n · Σ|token|) worst case; about one byte compare per position in practice.
struct AddedTokenMatcher: Sendable {
    struct Match { var start: Int; var end: Int; var id: Int }

    let tokens: [AddedToken]

    /// The matches in `p`, sorted, for the tokens `allowed` admits.
    func matches(in p: UnsafeBufferPointer<UInt8>, allowed: AllowedSpecialTokens) -> [Match] {
        let usable = tokens.filter { !$0.content.isEmpty && (!$0.special || allowed.allows($0.content)) }
        guard !usable.isEmpty else { return [] }
        let raw = usable.filter { !$0.normalized }
        let normalized = usable.filter(\.normalized)
        var found = pass(p, 0, p.count, raw)
        if !normalized.isEmpty {
            var gaps: [Match] = []
            var at = 0
            for m in found + [Match(start: p.count, end: p.count, id: -1)] {
                if m.start > at { gaps += pass(p, at, m.start, normalized) }
                at = m.end
            }
            found = (found + gaps).sorted { $0.start < $1.start }
        }
        return found
    }

    /// One pass over `p[from ..< to]` with the `normalized` (or the other) tokens `allowed` admits.
    func pass(_ p: UnsafeBufferPointer<UInt8>, _ from: Int, _ to: Int, normalized: Bool, allowed: AllowedSpecialTokens) -> [Match] {
        pass(p, from, to, tokens.filter { $0.normalized == normalized && !$0.content.isEmpty && (!$0.special || allowed.allows($0.content)) })
    }

    private func pass(_ p: UnsafeBufferPointer<UInt8>, _ from: Int, _ to: Int, _ candidates: [AddedToken]) -> [Match] {
        guard !candidates.isEmpty else { return [] }
        let sorted = candidates.map { ($0, Array($0.content.utf8)) }.sorted { $0.1.count > $1.1.count }
        var out: [Match] = []
        var i = from
        var floor = from
        while i < to {
            var hit: (AddedToken, Int)?
            for (token, bytes) in sorted where i + bytes.count <= to && p[i] == bytes[0] {
                var k = 1
                while k < bytes.count && p[i + k] == bytes[k] { k += 1 }
                if k == bytes.count { hit = (token, bytes.count); break }
            }
            guard let (token, length) = hit else { i += 1; continue }
            var start = i, end = i + length
            if token.singleWord && (isWordEnd(p, from, start) || isWordStart(p, end, to)) {
                i = end
                continue
            }
            if token.lstrip { while start > floor, let w = whitespaceBefore(p, start, floor) { start = w } }
            if token.rstrip { while end < to, let w = whitespaceAfter(p, end, to) { end = w } }
            out.append(Match(start: start, end: end, id: token.id))
            i = end
            floor = end
        }
        return out
    }

    /// The start of the whitespace character ending at `i`, if there is one after `floor`.
    private func whitespaceBefore(_ p: UnsafeBufferPointer<UInt8>, _ i: Int, _ floor: Int) -> Int? {
        var s = i - 1
        while s > floor && p[s] & 0xC0 == 0x80 && i - s < 4 { s -= 1 }
        let scanner = GPT2PreTokenizer(UnsafeBufferPointer(rebasing: p[s..<i]))
        let (cls, len) = scanner.classAt(0)
        return cls == UnicodeTables.whitespace && len == i - s ? s : nil
    }

    private func whitespaceAfter(_ p: UnsafeBufferPointer<UInt8>, _ i: Int, _ to: Int) -> Int? {
        let scanner = GPT2PreTokenizer(UnsafeBufferPointer(rebasing: p[i..<to]))
        let (cls, len) = scanner.classAt(0)
        return cls == UnicodeTables.whitespace ? i + len : nil
    }

    /// Whether the character before `i` is a word character (letter, number or `_`).
    private func isWordEnd(_ p: UnsafeBufferPointer<UInt8>, _ floor: Int, _ i: Int) -> Bool {
        guard i > floor else { return false }
        var s = i - 1
        while s > floor && p[s] & 0xC0 == 0x80 && i - s < 4 { s -= 1 }
        return isWordChar(UnsafeBufferPointer(rebasing: p[s..<i]))
    }

    private func isWordStart(_ p: UnsafeBufferPointer<UInt8>, _ i: Int, _ to: Int) -> Bool {
        guard i < to else { return false }
        return isWordChar(UnsafeBufferPointer(rebasing: p[i..<to]))
    }

    private func isWordChar(_ q: UnsafeBufferPointer<UInt8>) -> Bool {
        if q[0] == UInt8(ascii: "_") { return true }
        let cls = GPT2PreTokenizer(q).classAt(0).cls
        return cls == UnicodeTables.letter || cls == UnicodeTables.number
    }
}
