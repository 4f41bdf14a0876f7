import Foundation
import PolytopeTokenizers
import XCTest

/// WordPiece against Hugging Face tokenizers' BertWordPieceTokenizer (MiniLM's vocab.txt) and
/// Tokenizer.from_file (its tokenizer.json).
final class WordPieceFixtureTests: XCTestCase {
    func testEdgeCasesMatchHuggingFace() throws {
        let lower = try Fixtures.minilm.get()
        let cased = try WordPieceTokenizer(vocabTXT: Fixtures.data("minilm/vocab.txt"), lowerCase: false)
        let json = try HuggingFaceTokenizerJSON.load(path: Fixtures.path("minilm/tokenizer.json"))
        XCTAssertEqual(json.kind, .wordPiece)
        let all = EncodeOptions(allowedSpecial: .all)
        for c in try Fixtures.edgeCases() {
            let cases: [(String, any Tokenizer, EncodeOptions)] = [
                ("bert", lower, EncodeOptions(allowedSpecial: .all, addSpecialTokens: false)),
                ("bert_cls_sep", lower, all),
                ("bert_cased", cased, EncodeOptions(allowedSpecial: .all, addSpecialTokens: false)),
                ("bert_json", json, all),
            ]
            for (key, tok, options) in cases {
                let e = c.expected[key]!
                assertTokens(try tok.encode(c.text, options: options), ids: e.ids, offsets: e.offsets, "\(key) \(c.name)")
            }
        }
    }

    func testAustenMatchesHuggingFace() throws {
        let tok = try Fixtures.minilm.get()
        let manifest = try Fixtures.manifest()
        let ids = try Fixtures.u16("bert_austen.u16")
        let offsets = try Fixtures.packedOffsets("bert_austen.offsets", counts: manifest.bert.map(\.tokens))
        XCTAssertEqual(ids.count, offsets.count)
        XCTAssertEqual(ids.count, manifest.bert.reduce(0) { $0 + $1.tokens })
        var at = 0
        for novel in manifest.bert {
            let text = try Fixtures.corpus(novel.file)
            let range = at..<(at + novel.tokens)
            at += novel.tokens
            assertTokens(try tok.encode(text, options: EncodeOptions(addSpecialTokens: false)),
                         ids: Array(ids[range]), offsets: Array(offsets[range]), novel.file)
        }
    }

    /// The same reference through MiniLM's tokenizer.json (first novel of the manifest).
    func testAustenFromTokenizerJSONMatchesHuggingFace() throws {
        let tok = try HuggingFaceTokenizerJSON.load(path: Fixtures.path("minilm/tokenizer.json"))
        let manifest = try Fixtures.manifest()
        let novel = try XCTUnwrap(manifest.bert.first)
        let ids = try Fixtures.u16("bert_austen.u16")
        let offsets = try Fixtures.packedOffsets("bert_austen.offsets", counts: manifest.bert.map(\.tokens))
        assertTokens(try tok.encode(try Fixtures.corpus(novel.file), options: EncodeOptions(addSpecialTokens: false)),
                     ids: Array(ids[0..<novel.tokens]), offsets: Array(offsets[0..<novel.tokens]), "tokenizer.json " + novel.file)
    }

    func testMarkersUnknownAndDecode() throws {
        let tok = try Fixtures.minilm.get()
        let cls = try XCTUnwrap(tok.tokenID("[CLS]")), sep = try XCTUnwrap(tok.tokenID("[SEP]"))
        XCTAssertEqual(try tok.encode("").map(\.id), [cls, sep])
        XCTAssertEqual(try tok.encode("", options: EncodeOptions(addSpecialTokens: false)), [])
        let long = String(repeating: "a", count: 101)
        XCTAssertEqual(try tok.encode("x \(long) y", options: EncodeOptions(addSpecialTokens: false)).map(\.byteRange),
                       [0..<1, 2..<103, 104..<105])
        XCTAssertEqual(try tok.encode("x \(long)", options: EncodeOptions(addSpecialTokens: false))[1].id, tok.unkID)
        let ids = try tok.encode("Tokenization isn't hard.").map(\.id)
        XCTAssertEqual(tok.decodeString(ids), "tokenization isn ' t hard .")
        XCTAssertEqual(tok.vocabSize, 30522)
    }
}
