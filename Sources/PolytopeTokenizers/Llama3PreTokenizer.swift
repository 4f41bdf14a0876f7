/// The split pattern of Llama 3 (Meta 2024, the `tiktoken` pattern of `llama3/tokenizer.py`,
/// also SmolLM3's and, with single digits, Qwen2's), written as a scanner over UTF-8 bytes:
///
///     (?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+
///
/// Alternatives are tried in order at each position (leftmost-first, as Oniguruma and Rust's
/// `fancy-regex` do), so:
/// - an apostrophe followed by `s t m d re ve ll` in either case is a piece (`ſ` folds to `s`);
/// - one character that is not CR, LF, a letter or a number (a space, a tab, punctuation) may
///   lead a run of letters;
/// - numbers come in runs of at most `maxDigits` (3 for Llama 3, 1 for Qwen2);
/// - an optional space then "other" characters, then any CR/LF run;
/// - a whitespace run that holds a CR or LF ends just after its last CR/LF;
/// - otherwise a whitespace run followed by a non-whitespace character gives up its last
///   character (`\s+(?!\S)`) unless it is a single character.
///
/// `\s` is the Unicode White_Space property (see ``UnicodeTables``). Invalid UTF-8 bytes (lossy
/// mode only) are one-byte "other" characters.
/// - Complexity: O(n) over the input bytes, except the CR/LF search in a whitespace run, which
///   is linear in that run.
struct Llama3PreTokenizer {
    let base: GPT2PreTokenizer
    let maxDigits: Int

    init(_ p: UnsafeBufferPointer<UInt8>, maxDigits: Int) {
        self.base = GPT2PreTokenizer(p)
        self.maxDigits = maxDigits
    }

    private static let letter = UnicodeTables.letter
    private static let number = UnicodeTables.number
    private static let space = UnicodeTables.whitespace

    @inline(__always) private static func isCRLF(_ b: UInt8) -> Bool { b == 0x0A || b == 0x0D }

    /// Case-insensitive ASCII letter test, plus U+017F LATIN SMALL LETTER LONG S for `s`.
    @inline(__always)
    private func letterAt(_ i: Int, _ lower: UInt8) -> Int? {
        let p = base.p
        guard i < p.count else { return nil }
        let b = p[i]
        if b | 0x20 == lower { return 1 }
        if lower == 0x73, b == 0xC5, i + 1 < p.count, p[i + 1] == 0xBF { return 2 }  // ſ
        return nil
    }

    /// The end of the contraction at `i` (an apostrophe), if there is one.
    private func contractionEnd(_ i: Int) -> Int? {
        let j = i + 1
        for single in [UInt8(ascii: "s"), UInt8(ascii: "t"), UInt8(ascii: "m"), UInt8(ascii: "d")] {
            if let l = letterAt(j, single) { return j + l }
        }
        for (a, b) in [(UInt8(ascii: "r"), UInt8(ascii: "e")), (UInt8(ascii: "v"), UInt8(ascii: "e")), (UInt8(ascii: "l"), UInt8(ascii: "l"))] {
            if let l1 = letterAt(j, a), let l2 = letterAt(j + l1, b) { return j + l1 + l2 }
        }
        return nil
    }

    /// The end of the piece that starts at `i` (`i < p.count`).
    func pieceEnd(from i: Int) -> Int {
        let p = base.p
        let n = p.count
        if p[i] == 0x27, let e = contractionEnd(i) { return e }
        let (c0, l0) = base.classAt(i)
        // [^\r\n\p{L}\p{N}]?\p{L}+
        var j = i
        if c0 == Self.letter {
            j = i + l0
        } else if c0 != Self.number && !Self.isCRLF(p[i]) && i + l0 < n && base.classAt(i + l0).cls == Self.letter {
            j = i + l0 + base.classAt(i + l0).length
        }
        if j > i {
            while j < n {
                let (c, l) = base.classAt(j)
                if c != Self.letter { break }
                j += l
            }
            return j
        }
        // \p{N}{1,maxDigits}
        if c0 == Self.number {
            j = i + l0
            var count = 1
            while j < n && count < maxDigits {
                let (c, l) = base.classAt(j)
                if c != Self.number { break }
                j += l
                count += 1
            }
            return j
        }
        // ` ?[^\s\p{L}\p{N}]+[\r\n]*`
        var k = i
        if p[i] == 0x20, i + 1 < n, base.classAt(i + 1).cls == 0 { k = i + 1 }
        if base.classAt(k).cls == 0 {
            while k < n {
                let (c, l) = base.classAt(k)
                if c != 0 { break }
                k += l
            }
            while k < n && Self.isCRLF(p[k]) { k += 1 }
            return k
        }
        // Whitespace from here on: the run [i, j).
        j = i + l0
        var lastStart = i
        var count = 1
        var lastCRLF = Self.isCRLF(p[i]) ? i : -1
        while j < n {
            let (c, l) = base.classAt(j)
            if c != Self.space { break }
            if Self.isCRLF(p[j]) { lastCRLF = j }
            lastStart = j
            count += 1
            j += l
        }
        // \s*[\r\n]+
        if lastCRLF >= 0 { return lastCRLF + 1 }
        // \s+(?!\S) | \s+
        if j == n || count == 1 { return j }
        return lastStart
    }
}
