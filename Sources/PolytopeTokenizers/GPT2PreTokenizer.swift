/// GPT-2's pre-tokenization, written as a scanner over UTF-8 bytes rather than a regex engine.
///
/// It reproduces, match for match, the pattern of Radford et al. 2019 ("Language Models are
/// Unsupervised Multitask Learners", the released `encoder.py`) as run by tiktoken and by
/// Hugging Face's ByteLevel pre-tokenizer:
///
///     's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
///
/// Alternatives are tried in order at each position (leftmost-first), so:
/// - an apostrophe followed by `s t m d re ve ll` (lower case only) is a piece;
/// - an optional U+0020 then a maximal run of letters, of numbers, or of "other" characters
///   (neither whitespace, letter nor number; the apostrophe included);
/// - a whitespace run followed by a non-whitespace character gives up its last character
///   (`\s+(?!\S)` backtracks one character) unless the run is a single character (`\s+`).
///
/// Invalid UTF-8 bytes (only reachable in lossy mode) count as one-byte "other" characters.
/// - Complexity: O(n) over the input bytes; one table load per character below U+10000.
struct GPT2PreTokenizer {
    let p: UnsafeBufferPointer<UInt8>
    let table: UnsafePointer<UInt8>

    init(_ p: UnsafeBufferPointer<UInt8>) {
        self.p = p
        self.table = UnicodeTables.bmp
    }

    private static let classMask: UInt8 = UnicodeTables.letter | UnicodeTables.number | UnicodeTables.whitespace

    /// The class (letter, number, whitespace bits; 0 = other) and byte length of the character at `i`.
    @inline(__always)
    func classAt(_ i: Int) -> (cls: UInt8, length: Int) {
        let b = p[i]
        if b < 0x80 { return (table[Int(b)] & Self.classMask, 1) }
        let (v, len) = UTF8Scan.decodeMultiByte(p, i, b)
        if v == UTF8Scan.invalid { return (0, 1) }
        return (UnicodeTables.flags(v, table) & Self.classMask, len)
    }

    /// The end of the piece that starts at `i` (`i < p.count`).
    @inline(__always)
    func pieceEnd(from i: Int) -> Int {
        let n = p.count
        let b = p[i]
        if b == 0x27, i + 1 < n {  // '
            let c = p[i + 1]
            if c == 0x73 || c == 0x74 || c == 0x6D || c == 0x64 { return i + 2 }  // s t m d
            if i + 2 < n {
                let d = p[i + 2]
                if (c == 0x72 && d == 0x65) || (c == 0x76 && d == 0x65) || (c == 0x6C && d == 0x6C) {
                    return i + 3  // re ve ll
                }
            }
        }
        var (cls, len) = classAt(i)
        var j = i + len
        if b == 0x20, j < n {
            let (next, nextLen) = classAt(j)
            if next != UnicodeTables.whitespace {
                cls = next
                j += nextLen
            }
        }
        if cls != UnicodeTables.whitespace {
            // A maximal run of one class: letters, numbers, or "other".
            while j < n {
                let c = p[j]
                if c < 0x80 {
                    if table[Int(c)] & Self.classMask != cls { break }
                    j += 1
                } else {
                    let (k, l) = classAt(j)
                    if k != cls { break }
                    j += l
                }
            }
            return j
        }
        // Whitespace: `\s+(?!\S)` then `\s+`.
        var lastStart = i
        var count = 1
        while j < n {
            let (k, l) = classAt(j)
            if k != UnicodeTables.whitespace { break }
            lastStart = j
            count += 1
            j += l
        }
        if j == n || count == 1 { return j }
        return lastStart
    }
}
