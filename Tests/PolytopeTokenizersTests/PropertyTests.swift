import Foundation
@testable import PolytopeTokenizers
import XCTest

/// A seeded generator (SplitMix64, Steele et al. 2014) so failures reproduce.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Random inputs: mixes of ASCII words, spaces, multi-byte characters, and (optionally)
/// invalid UTF-8.
func randomInput(_ rng: inout SplitMix64, invalid: Bool) -> [UInt8] {
    let pieces: [[UInt8]] = ["the", " ", "  ", "\n", "\t", "'s", "'S", "123", "!!", "é", "e\u{301}", "中文", "😀",
                             "\u{A0}", "\u{3000}", "\u{2028}", "x", "Hello", "\r\n", "<|endoftext|>", "ภาษา"].map { Array($0.utf8) }
    var out: [UInt8] = []
    for _ in 0..<Int.random(in: 0...40, using: &rng) {
        switch Int.random(in: 0..<10, using: &rng) {
        case 0 where invalid:
            out.append(UInt8.random(in: 0x80...0xFF, using: &rng))  // stray continuation / lead bytes
        case 1 where invalid:
            out.append(contentsOf: [0xED, 0xA0, 0x80])  // a surrogate
        case 2:
            out.append(UInt8.random(in: 0...0x7F, using: &rng))
        case 3:
            // A character assigned by Unicode 9.0, so that every Unicode table in play agrees.
            var s: Unicode.Scalar = "?"
            for _ in 0..<20 {
                let v = UInt32.random(in: 0...3, using: &rng) == 0
                    ? UInt32.random(in: 0x10000...0x2FFFF, using: &rng) : UInt32.random(in: 0x80...0xFFFF, using: &rng)
                if let c = Unicode.Scalar(v), let age = c.properties.age, age.major < 9 || (age.major == 9 && age.minor == 0),
                   c.properties.generalCategory != .privateUse {
                    s = c
                    break
                }
            }
            out.append(contentsOf: Array(String(s).utf8))
        default:
            out.append(contentsOf: pieces.randomElement(using: &rng)!)
        }
    }
    return out
}

final class PropertyTests: XCTestCase {
    func testBPERoundTripsAndPartitionsRandomBytes() throws {
        let tok = try Fixtures.gpt2Tiktoken.get()
        var rng = SplitMix64(state: 42)
        let lossy = EncodeOptions(invalidUTF8: .lossy)
        for iteration in 0..<3000 {
            let input = iteration % 3 == 0
                ? (0..<Int.random(in: 0...64, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
                : randomInput(&rng, invalid: iteration % 2 == 0)
            let tokens = try tok.encode(input, options: lossy)
            XCTAssertEqual(tok.decode(tokens.map(\.id)), input, "iteration \(iteration)")
            var position = 0
            for t in tokens {
                XCTAssertEqual(t.byteRange.lowerBound, position, "gap or overlap, iteration \(iteration)")
                XCTAssertEqual(Array(input[t.byteRange]), tok.tokenBytes(t.id))
                position = t.byteRange.upperBound
            }
            XCTAssertEqual(position, input.count)
            if input.isEmpty { XCTAssertEqual(tokens, []) }
        }
    }

    func testRejectNamesTheFirstInvalidByte() throws {
        let bpe = try Fixtures.gpt2Tiktoken.get()
        let wp = try Fixtures.minilm.get()
        var rng = SplitMix64(state: 7)
        for _ in 0..<500 {
            let input = randomInput(&rng, invalid: true)
            let expected = String(validating: input, as: UTF8.self) == nil ? firstInvalid(input) : nil
            for tok in [bpe, wp] as [any Tokenizer] {
                do {
                    _ = try tok.encode(input)
                    XCTAssertNil(expected, "accepted invalid UTF-8 \(input)")
                } catch let TokenizerError.invalidUTF8(offset) {
                    XCTAssertEqual(offset, expected)
                }
            }
            // Lossy WordPiece never throws, and its offsets stay inside the input, in order
            // (a character that normalizes to several words gives each its whole span).
            let tokens = try wp.encode(input, options: EncodeOptions(invalidUTF8: .lossy, addSpecialTokens: false))
            var last = 0
            for t in tokens {
                XCTAssertGreaterThanOrEqual(t.byteRange.lowerBound, last)
                XCTAssertLessThanOrEqual(t.byteRange.upperBound, input.count)
                XCTAssertFalse(t.byteRange.isEmpty)
                last = t.byteRange.lowerBound
            }
        }
    }

    /// Reference: the shortest prefix that Swift's own validation rejects, less one byte... found
    /// by trying each start position with the standard library's decoder.
    private func firstInvalid(_ bytes: [UInt8]) -> Int? {
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        var offset = 0
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let s): offset += UTF8.width(s)
            case .emptyInput: return nil
            case .error:
                // The standard library consumed a maximal invalid subpart; the first bad byte is
                // where that subpart starts.
                return offset
            }
        }
    }

    func testLossyWordPieceDropsInvalidBytesKeepingOffsets() throws {
        let wp = try Fixtures.minilm.get()
        let input: [UInt8] = Array("hello ".utf8) + [0xFF] + Array("world".utf8) + [0xC3]
        let tokens = try wp.encode(input, options: EncodeOptions(invalidUTF8: .lossy, addSpecialTokens: false))
        XCTAssertEqual(tokens.map(\.byteRange), [0..<5, 7..<12])
        XCTAssertEqual(tokens.map { wp.tokenText($0.id)! }, ["hello", "world"])
    }

    /// The heap merge (long pieces) and the quadratic merge (short ones) agree.
    func testHeapAndQuadraticMergesAgree() throws {
        let tok = try Fixtures.gpt2HF.get()
        var rng = SplitMix64(state: 3)
        let alphabet = Array("aeiourstlnthe".utf8)
        for _ in 0..<300 {
            let n = Int.random(in: 2...120, using: &rng)
            let word = (0..<n).map { _ in alphabet.randomElement(using: &rng)! }
            let (quadratic, heap) = tok.mergeBothWays(word)
            XCTAssertEqual(quadratic, heap, String(decoding: word, as: UTF8.self))
        }
    }

    /// The scanner against a literal reading of GPT-2's regex, written the slow way with
    /// Foundation's NSRegularExpression (ICU), on inputs whose characters ICU and the
    /// references classify alike.
    func testPreTokenizerMatchesRegex() throws {
        let pattern = #"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"#
        let regex = try NSRegularExpression(pattern: pattern)
        var rng = SplitMix64(state: 11)
        for _ in 0..<1000 {
            // ICU's \s lacks U+000B and U+0085 (White_Space has them): leave those out here.
            var scalars = String(decoding: randomInput(&rng, invalid: false), as: UTF8.self).unicodeScalars
            scalars.removeAll { $0 == "\u{0B}" || $0 == "\u{85}" }
            let text = String(scalars)
            let bytes = Array(text.utf8)
            let ns = text as NSString
            let expected = regex.matches(in: text, range: NSRange(location: 0, length: ns.length)).map {
                Array(ns.substring(with: $0.range).utf8).count
            }
            let got = bytes.withUnsafeBufferPointer { p -> [Int] in
                let scanner = GPT2PreTokenizer(p)
                var out: [Int] = [], i = 0
                while i < p.count { let e = scanner.pieceEnd(from: i); out.append(e - i); i = e }
                return out
            }
            XCTAssertEqual(got, expected, text.debugDescription)
        }
    }

    /// Llama 3's and Qwen2's scanners against their regexes read literally by ICU, as above.
    func testLlama3PreTokenizerMatchesRegex() throws {
        for (pattern, maxDigits) in [(ByteLevelPreTokenizer.Pattern.llama3, 3), (.qwen2, 1)] {
            let regex = try NSRegularExpression(pattern: pattern.regex)
            var rng = SplitMix64(state: 23)
            for round in 0..<1000 {
                var scalars = String(decoding: randomInput(&rng, invalid: false), as: UTF8.self).unicodeScalars
                scalars.removeAll { $0 == "\u{0B}" || $0 == "\u{85}" }
                // Contractions in both cases, digit runs and CR/LF runs, which random bytes rarely make.
                if round % 3 == 0 { scalars.append(contentsOf: "IT'S 'Re 'll x'Ve 12345 \r\n\r\n  a\n\t b".unicodeScalars) }
                let text = String(scalars)
                let ns = text as NSString
                let expected = regex.matches(in: text, range: NSRange(location: 0, length: ns.length)).map {
                    Array(ns.substring(with: $0.range).utf8).count
                }
                let got = Array(text.utf8).withUnsafeBufferPointer { p -> [Int] in
                    let scanner = Llama3PreTokenizer(p, maxDigits: maxDigits)
                    var out: [Int] = [], i = 0
                    while i < p.count { let e = scanner.pieceEnd(from: i); out.append(e - i); i = e }
                    return out
                }
                XCTAssertEqual(got, expected, "\(pattern) \(text.debugDescription)")
            }
        }
    }
}
