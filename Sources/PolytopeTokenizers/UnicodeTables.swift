/// Per-scalar character classes used by the pre-tokenizers, precomputed for the Basic
/// Multilingual Plane (64 Ki one-byte entries, built once from the standard library's Unicode
/// data) and computed on the fly above it.
///
/// - GPT-2's pattern: `\p{L}` (general categories Lu Ll Lt Lm Lo), `\p{N}` (Nd Nl No) and `\s`.
///   Both tiktoken (Rust `regex`/`fancy-regex`) and Hugging Face `tokenizers` (Oniguruma) take
///   `\s` to be the Unicode White_Space property: U+0009-000D, U+0020, U+0085, U+00A0, U+1680,
///   U+2000-200A, U+2028, U+2029, U+202F, U+205F, U+3000 (checked against both with
///   `tools/make_tokenizer_fixtures.py`); U+001C-001F, U+180E, U+200B and U+FEFF are not.
/// - BERT: White_Space (plus `\t\n\r`), BERT's punctuation (ASCII 33-47, 58-64, 91-96,
///   123-126 and the P* categories), "control" (Cc Cf Co except `\t\n\r`), Mn, and the CJK
///   ideograph blocks of Hugging Face's `is_chinese_char`.
enum UnicodeTables {
    static let letter: UInt8 = 1
    static let number: UInt8 = 2
    static let whitespace: UInt8 = 4
    static let bertPunctuation: UInt8 = 8
    static let bertControl: UInt8 = 16
    static let nonspacingMark: UInt8 = 32
    static let cjk: UInt8 = 64

    /// Flags for U+0000...U+FFFF (surrogates: 0). Allocated once and never freed, so hot loops
    /// can hold the pointer.
    nonisolated(unsafe) static let bmp: UnsafePointer<UInt8> = {
        let table = UnsafeMutablePointer<UInt8>.allocate(capacity: 0x10000)
        table.initialize(repeating: 0, count: 0x10000)
        for v in 0..<UInt32(0x10000) {
            guard let scalar = Unicode.Scalar(v) else { continue }
            table[Int(v)] = computeFlags(scalar)
        }
        return UnsafePointer(table)
    }()

    /// The flags of a scalar value, given the BMP table (`bmp`).
    @inline(__always)
    static func flags(_ value: UInt32, _ table: UnsafePointer<UInt8>) -> UInt8 {
        if value < 0x10000 { return table[Int(value)] }
        return supplementaryFlags(value)
    }

    @inline(never)
    static func supplementaryFlags(_ value: UInt32) -> UInt8 {
        guard let scalar = Unicode.Scalar(value) else { return 0 }
        return computeFlags(scalar)
    }

    static func computeFlags(_ scalar: Unicode.Scalar) -> UInt8 {
        let props = scalar.properties
        var f: UInt8 = 0
        switch props.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter:
            f |= letter
        case .decimalNumber, .letterNumber, .otherNumber:
            f |= number
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
             .initialPunctuation, .finalPunctuation, .otherPunctuation:
            f |= bertPunctuation
        case .control, .format, .privateUse:
            f |= bertControl
        case .nonspacingMark:
            f |= nonspacingMark
        default:
            break
        }
        if props.isWhitespace { f |= whitespace }
        let v = scalar.value
        if (33...47).contains(v) || (58...64).contains(v) || (91...96).contains(v) || (123...126).contains(v) {
            f |= bertPunctuation
        }
        if v == 0x09 || v == 0x0A || v == 0x0D {
            f &= ~bertControl
            f |= whitespace
        }
        if isCJK(v) { f |= cjk }
        return f
    }

    /// Hugging Face's `is_chinese_char` blocks.
    static func isCJK(_ v: UInt32) -> Bool {
        switch v {
        case 0x4E00...0x9FFF, 0x3400...0x4DBF, 0x20000...0x2A6DF, 0x2A700...0x2B73F,
             0x2B740...0x2B81F, 0x2B920...0x2CEAF, 0xF900...0xFAFF, 0x2F800...0x2FA1F:
            return true
        default:
            return false
        }
    }
}

/// Strict UTF-8 decoding on raw bytes (RFC 3629: no overlongs, no surrogates, nothing above
/// U+10FFFF).
enum UTF8Scan {
    /// Marks an invalid byte in `decode`'s result.
    static let invalid: UInt32 = .max

    /// Decodes the scalar starting at `i` (`i < p.count`). Returns its value and byte length, or
    /// (`invalid`, 1) when the byte at `i` does not start a valid sequence.
    @inline(__always)
    static func decode(_ p: UnsafeBufferPointer<UInt8>, _ i: Int) -> (value: UInt32, length: Int) {
        let b0 = p[i]
        if b0 < 0x80 { return (UInt32(b0), 1) }
        return decodeMultiByte(p, i, b0)
    }

    @inline(never)
    static func decodeMultiByte(_ p: UnsafeBufferPointer<UInt8>, _ i: Int, _ b0: UInt8) -> (value: UInt32, length: Int) {
        let n = p.count
        @inline(__always) func cont(_ k: Int) -> UInt32? {
            guard k < n else { return nil }
            let b = p[k]
            return b & 0xC0 == 0x80 ? UInt32(b & 0x3F) : nil
        }
        switch b0 {
        case 0xC2...0xDF:
            guard let c1 = cont(i + 1) else { return (invalid, 1) }
            return (UInt32(b0 & 0x1F) << 6 | c1, 2)
        case 0xE0...0xEF:
            guard i + 1 < n else { return (invalid, 1) }
            let b1 = p[i + 1]
            let lo: UInt8 = b0 == 0xE0 ? 0xA0 : 0x80
            let hi: UInt8 = b0 == 0xED ? 0x9F : 0xBF
            guard b1 >= lo && b1 <= hi, let c2 = cont(i + 2) else { return (invalid, 1) }
            return (UInt32(b0 & 0x0F) << 12 | UInt32(b1 & 0x3F) << 6 | c2, 3)
        case 0xF0...0xF4:
            guard i + 1 < n else { return (invalid, 1) }
            let b1 = p[i + 1]
            let lo: UInt8 = b0 == 0xF0 ? 0x90 : 0x80
            let hi: UInt8 = b0 == 0xF4 ? 0x8F : 0xBF
            guard b1 >= lo && b1 <= hi, let c2 = cont(i + 2), let c3 = cont(i + 3) else { return (invalid, 1) }
            return (UInt32(b0 & 0x07) << 18 | UInt32(b1 & 0x3F) << 12 | c2 << 6 | c3, 4)
        default:
            return (invalid, 1)
        }
    }

    /// The offset of the first byte that does not start a valid UTF-8 sequence, or nil.
    /// - Complexity: O(n), eight ASCII bytes at a time.
    static func firstInvalidOffset(_ p: UnsafeBufferPointer<UInt8>) -> Int? {
        let n = p.count
        var i = 0
        guard let base = p.baseAddress else { return nil }
        let raw = UnsafeRawPointer(base)
        while i < n {
            if i + 8 <= n && raw.loadUnaligned(fromByteOffset: i, as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
                i += 8
                continue
            }
            let (v, len) = decode(p, i)
            if v == invalid { return i }
            i += len
        }
        return nil
    }
}
