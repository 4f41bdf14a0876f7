import Foundation

/// Unicode Normalization Form C (UAX #15) with the alignment Hugging Face's `NFC` normalizer
/// keeps (its `unicode-normalization-alignments` changes applied by `transform`; see
/// `compose`). Checked against `tokenizers` on the fixtures, among them 300 seeded random
/// clusters of bases and marks: `e◌́` → `é` spans the `e` only; `q◌̇◌̣` → `q◌̣◌̇` gives `◌̣`
/// the span of `◌̇`.
///
/// Decomposition and primary composites come from Foundation's canonical mappings, canonical
/// combining classes from the standard library, Hangul by arithmetic (Foundation's NFC does not
/// join a precomposed LV syllable with a following T jamo; Hugging Face and Python do).
/// - Complexity: O(n) to find that text is already NFC (the common case); otherwise one or two
///   Foundation calls per character at or above U+00C0.
enum NFCNormalizer {
    /// NFC of valid UTF-8 `p`, and for each output byte the input byte span of the character it
    /// is aligned to; `nil` when `p` is already NFC (or not valid UTF-8, which is left alone).
    static func normalize(_ p: UnsafeBufferPointer<UInt8>) -> (bytes: [UInt8], spans: [Range<Int>])? {
        guard UTF8Scan.firstInvalidOffset(p) == nil else { return nil }
        if p.allSatisfy({ $0 < 0xCC }) { return nil }  // below U+0300 nothing composes or decomposes
        let s = String(decoding: p, as: UTF8.self)
        // Fast path: Foundation says the text is NFC and there is no LV syllable + T jamo, the
        // one composition Foundation misses.
        if s.precomposedStringWithCanonicalMapping.utf8.elementsEqual(p) && !hasLVPlusT(s) { return nil }
        let out = compose(s)
        var bytes: [UInt8] = [], spans: [Range<Int>] = []
        bytes.reserveCapacity(p.count)
        spans.reserveCapacity(p.count)
        for (scalar, span) in out {
            let b = Array(String(scalar).utf8)
            bytes += b
            spans += repeatElement(span, count: b.count)
        }
        return bytes.elementsEqual(p) ? nil : (bytes, spans)
    }

    private static func hasLVPlusT(_ s: String) -> Bool {
        var previousLV = false
        for u in s.unicodeScalars {
            if previousLV && (0x11A8...0x11C2).contains(u.value) { return true }
            previousLV = (0xAC00..<0xAC00 + 11172).contains(u.value) && (u.value - 0xAC00) % 28 == 0
        }
        return false
    }

    private static func ccc(_ s: Unicode.Scalar) -> UInt8 { s.properties.canonicalCombiningClass.rawValue }

    /// The primary composite of two scalars, if there is one (and it is not excluded).
    /// Hangul by arithmetic (UAX #15, "Hangul"), which Foundation's NFC of a precomposed LV
    /// syllable followed by a T jamo misses.
    private static func primaryComposite(_ a: Unicode.Scalar, _ b: Unicode.Scalar) -> Unicode.Scalar? {
        let (x, y) = (a.value, b.value)
        if y < 0x300 { return nil }  // no composite has a second part below U+0300
        if (0x1100...0x1112).contains(x), (0x1161...0x1175).contains(y) {
            return Unicode.Scalar(0xAC00 + ((x - 0x1100) * 21 + (y - 0x1161)) * 28)
        }
        if (0xAC00..<0xAC00 + 11172).contains(x), (x - 0xAC00) % 28 == 0, (0x11A8...0x11C2).contains(y) {
            return Unicode.Scalar(x + (y - 0x11A7))
        }
        let composed = String(String.UnicodeScalarView([a, b])).precomposedStringWithCanonicalMapping.unicodeScalars
        return composed.count == 1 ? composed.first : nil
    }

    /// Canonical decomposition (Foundation's mapping per character), reordering and composition
    /// (``primaryComposite(_:_:)``), then the alignment: each output character carries a change
    /// as in Hugging Face's `transform` — 0 replaces the next input character, +1 is inserted
    /// (the first part of a decomposition is 0, the others +1), −n also removes n input
    /// characters; reordering moves characters with their changes; a composite adds the
    /// absorbed character's change minus one. A replacing character takes the span of the input
    /// character it replaces; an inserted one the span of the input character before it.
    private static func compose(_ text: String) -> [(Unicode.Scalar, Range<Int>)] {
        var inputSpans: [Range<Int>] = []
        var items: [(scalar: Unicode.Scalar, change: Int)] = []
        var at = 0
        for scalar in text.unicodeScalars {
            let n = String(scalar).utf8.count
            inputSpans.append(at..<(at + n))
            if scalar.value < 0xC0 {
                items.append((scalar, 0))
            } else {
                for (k, d) in String(scalar).decomposedStringWithCanonicalMapping.unicodeScalars.enumerated() {
                    items.append((d, k == 0 ? 0 : 1))
                }
            }
            at += n
        }
        // Canonical ordering: stable sort of each run of non-starters by combining class.
        var i = 0
        while i < items.count {
            guard ccc(items[i].scalar) != 0 else { i += 1; continue }
            var j = i
            while j < items.count && ccc(items[j].scalar) != 0 { j += 1 }
            let run = items[i..<j].enumerated().sorted { (ccc($0.element.scalar), $0.offset) < (ccc($1.element.scalar), $1.offset) }
            items.replaceSubrange(i..<j, with: run.map(\.element))
            i = j
        }
        // Canonical composition: a character joins the last starter unless blocked (something
        // between with class 0 or a class not below its own).
        var out: [(scalar: Unicode.Scalar, change: Int)] = []
        var starter: Int? = nil
        var lastClass = 0
        for item in items {
            let c = Int(ccc(item.scalar))
            if let s = starter, out.count - 1 == s || (lastClass != 0 && lastClass < c),
               let p = primaryComposite(out[s].scalar, item.scalar) {
                out[s].scalar = p
                out[s].change += item.change - 1
                continue
            }
            if c == 0 { starter = out.count; lastClass = 0 } else { lastClass = c }
            out.append(item)
        }
        // Alignment.
        var result: [(Unicode.Scalar, Range<Int>)] = []
        result.reserveCapacity(out.count)
        var next = 0
        for (scalar, change) in out {
            if change > 0 {
                result.append((scalar, next > 0 ? inputSpans[next - 1] : 0..<0))
            } else {
                result.append((scalar, inputSpans[min(next, inputSpans.count - 1)]))
                next += 1 - change
            }
        }
        return result
    }
}
