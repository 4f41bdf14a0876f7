import Foundation

/// BERT's "basic tokenizer" (Devlin et al. 2019, "BERT: Pre-training of Deep Bidirectional
/// Transformers for Language Understanding"; Google's `tokenization.py`), as Hugging Face
/// `tokenizers` runs it (`BertNormalizer` then `BertPreTokenizer`), with every output
/// character aligned to the UTF-8 byte span of the input character it came from.
///
/// Per input character, in Hugging Face's order:
/// 1. `cleanText`: drop U+0000, U+FFFD and "control" characters (Cc Cf Co, but not `\t\n\r`);
///    map White_Space characters to U+0020;
/// 2. `handleChineseChars`: surround CJK ideographs with spaces (each becomes its own word);
/// 3. `stripAccents`: canonical decomposition (NFD), then drop nonspacing marks (Mn);
/// 4. `lowercase`: full Unicode lower-case mapping (`İ` → `i̇`).
/// Then split on whitespace, and make each punctuation character (ASCII 33-47, 58-64, 91-96,
/// 123-126 and Unicode P*) a word of its own.
///
/// NFD is applied one character at a time (canonical reordering of combining marks is not
/// redone across characters; it could matter only for runs of several marks of which some are
/// not Mn, which are then dropped anyway when they are).
/// - Complexity: O(n) over the input; non-ASCII characters cost a table lookup, plus a cached
///   decomposition when accents are stripped.
struct BertNormalizer: Sendable {
    var cleanText = true
    var handleChineseChars = true
    var stripAccents = true
    var lowercase = true

    /// A word: normalized scalars and, for each, the original byte span.
    struct Word {
        var scalars: [UInt32] = []
        var starts: [Int] = []
        var ends: [Int] = []

        var isEmpty: Bool { scalars.isEmpty }

        mutating func removeAll() {
            scalars.removeAll(keepingCapacity: true)
            starts.removeAll(keepingCapacity: true)
            ends.removeAll(keepingCapacity: true)
        }

        mutating func append(_ u: UInt32, _ s: Int, _ e: Int) {
            scalars.append(u)
            starts.append(s)
            ends.append(e)
        }
    }

    /// Normalizes and pre-tokenizes `p[from ..< to]`, calling `emit` for each word. In lossy
    /// mode invalid bytes are U+FFFD (one per byte); in reject mode the caller validated.
    func forEachWord(_ p: UnsafeBufferPointer<UInt8>, from: Int, to: Int, _ emit: (inout Word) -> Void) {
        let table = UnicodeTables.bmp
        var word = Word()
        var expansion: [UInt32] = []
        @inline(__always) func flush() {
            if !word.isEmpty {
                emit(&word)
                word.removeAll()
            }
        }
        @inline(__always) func push(_ u: UInt32, _ s: Int, _ e: Int) {
            let f = UnicodeTables.flags(u, table)
            if f & UnicodeTables.whitespace != 0 {
                flush()
            } else if f & UnicodeTables.bertPunctuation != 0 {
                flush()
                word.append(u, s, e)
                flush()
            } else {
                word.append(u, s, e)
            }
        }
        var i = from
        while i < to {
            let b = p[i]
            var v: UInt32
            var len = 1
            if b < 0x80 {
                v = UInt32(b)
            } else {
                (v, len) = UTF8Scan.decodeMultiByte(p, i, b)
                if v == UTF8Scan.invalid { v = 0xFFFD; len = 1 }
            }
            let s = i, e = i + len
            i = e
            let f = UnicodeTables.flags(v, table)
            if cleanText {
                if v == 0 || v == 0xFFFD || f & UnicodeTables.bertControl != 0 { continue }
                if f & UnicodeTables.whitespace != 0 { flush(); continue }
            }
            if v < 0x80 {
                if lowercase && v >= 0x41 && v <= 0x5A { v += 0x20 }
                push(v, s, e)
                continue
            }
            let isolate = handleChineseChars && f & UnicodeTables.cjk != 0
            if isolate { flush() }
            defer { if isolate { flush() } }
            expansion.removeAll(keepingCapacity: true)
            if stripAccents {
                for d in Decomposition.nfd(v) where UnicodeTables.flags(d, table) & UnicodeTables.nonspacingMark == 0 {
                    expansion.append(d)
                }
            } else {
                expansion.append(v)
            }
            for u in expansion {
                if lowercase {
                    for l in Decomposition.lowercase(u) { push(l, s, e) }
                } else {
                    push(u, s, e)
                }
            }
        }
        flush()
    }
}

/// Per-scalar canonical decomposition and lower-case mapping, cached (the standard library has
/// no public per-scalar NFD; Foundation's is slow to call per character).
enum Decomposition {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var nfdCache: [UInt32: [UInt32]] = [:]
    nonisolated(unsafe) private static var lowerCache: [UInt32: [UInt32]] = [:]

    /// NFD of one scalar (itself when it does not decompose).
    static func nfd(_ v: UInt32) -> [UInt32] {
        if v < 0xC0 { return [v] }
        lock.lock()
        if let hit = nfdCache[v] { lock.unlock(); return hit }
        lock.unlock()
        var result = [v]
        if let scalar = Unicode.Scalar(v) {
            result = String(String.UnicodeScalarView([scalar])).decomposedStringWithCanonicalMapping.unicodeScalars.map(\.value)
        }
        lock.lock()
        nfdCache[v] = result
        lock.unlock()
        return result
    }

    /// Full lower-case mapping of one scalar (Rust's `char::to_lowercase`).
    static func lowercase(_ v: UInt32) -> [UInt32] {
        if v < 0x80 { return [v >= 0x41 && v <= 0x5A ? v + 0x20 : v] }
        lock.lock()
        if let hit = lowerCache[v] { lock.unlock(); return hit }
        lock.unlock()
        var result = [v]
        if let scalar = Unicode.Scalar(v) {
            result = scalar.properties.lowercaseMapping.unicodeScalars.map(\.value)
        }
        lock.lock()
        lowerCache[v] = result
        lock.unlock()
        return result
    }
}
