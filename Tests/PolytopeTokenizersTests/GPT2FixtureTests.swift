import Foundation
import PolytopeTokenizers
import XCTest

/// Byte-level BPE against tiktoken and Hugging Face tokenizers (tools/make_tokenizer_fixtures.py).
final class GPT2FixtureTests: XCTestCase {
    func testEdgeCasesMatchTiktokenAndHuggingFace() throws {
        let loaded: [(String, ByteLevelBPETokenizer)] = [("tiktoken", try Fixtures.gpt2Tiktoken.get()),
                                                          ("vocab.json", try Fixtures.gpt2HF.get())]
        for c in try Fixtures.edgeCases() {
            for (label, tok) in loaded {
                let ordinary = c.expected["gpt2"]!
                assertTokens(try tok.encode(c.text), ids: ordinary.ids, offsets: ordinary.offsets, "\(label) \(c.name)")
                let special = c.expected["gpt2_special"]!
                assertTokens(try tok.encode(c.text, options: EncodeOptions(allowedSpecial: .all)),
                             ids: special.ids, offsets: special.offsets, "\(label) \(c.name) allowed special")
                XCTAssertEqual(tok.decode(special.ids), Array(c.text.utf8), c.name)
            }
        }
    }

    func testTinyTokenizerJSONMatchesHuggingFace() throws {
        let tok = try HuggingFaceTokenizerJSON.load(path: Fixtures.path("tiny-bpe/tokenizer.json"))
        XCTAssertEqual(tok.kind, .byteLevelBPE)
        for c in try Fixtures.edgeCases() {
            let e = c.expected["tiny_bpe"]!
            // Hugging Face matches added tokens in text always; ours where allowed.
            let tokens = try tok.encode(c.text, options: EncodeOptions(allowedSpecial: .all))
            // Offsets as Hugging Face gives them: a token inside a multi-byte character spans it all.
            assertTokens(tokens, ids: e.ids, offsets: e.offsets, "tiny-bpe \(c.name)")
        }
    }

    func testAustenMatchesTiktoken() throws {
        let manifest = try Fixtures.manifest()
        let all = try Fixtures.u16("gpt2_austen.u16")
        XCTAssertEqual(all.count, manifest.gpt2.reduce(0) { $0 + $1.tokens })
        for (label, tok) in [("tiktoken", try Fixtures.gpt2Tiktoken.get()), ("vocab.json", try Fixtures.gpt2HF.get())] {
            var at = 0
            for novel in manifest.gpt2 {
                let text = try Fixtures.corpus(novel.file)
                let expected = Array(all[at..<(at + novel.tokens)])
                at += novel.tokens
                let tokens = try tok.encode(text)
                assertTokens(tokens, ids: expected, offsets: nil, "\(label) \(novel.file)")
                // Offsets: the spans partition the text and each holds its token's bytes.
                var position = 0
                for t in tokens {
                    XCTAssertEqual(t.byteRange.lowerBound, position)
                    XCTAssertEqual(Array(text[t.byteRange]), tok.tokenBytes(t.id))
                    position = t.byteRange.upperBound
                    if position != t.byteRange.upperBound { break }
                }
                XCTAssertEqual(position, text.count)
            }
        }
    }

    func testSpecialTokenOnlyWhereAllowed() throws {
        let tok = try Fixtures.gpt2Tiktoken.get()
        let text = "a<|endoftext|>b"
        XCTAssertFalse(try tok.encode(text).contains { $0.id == 50256 })
        XCTAssertEqual(try tok.encode(text, options: EncodeOptions(allowedSpecial: .only(["<|endoftext|>"]))).map(\.id),
                       [64, 50256, 65])
        XCTAssertFalse(try tok.encode(text, options: EncodeOptions(allowedSpecial: .only(["<|other|>"]))).contains { $0.id == 50256 })
        XCTAssertEqual(tok.tokenText(50256), "<|endoftext|>")
        XCTAssertEqual(tok.tokenText(262), "Ġthe")
        XCTAssertEqual(tok.tokenID("Ġthe"), 262)
        XCTAssertEqual(tok.vocabSize, 50257)
        XCTAssertEqual(try Fixtures.gpt2HF.get().vocabSize, 50257)
    }
}
