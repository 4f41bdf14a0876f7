import Foundation
import PolytopeTokenizers
import XCTest

/// Malformed files, file-kind guessing, and error messages.
final class ErrorTests: XCTestCase {
    func testMalformedMergesNameFileAndLine() throws {
        let vocab = try Fixtures.data("gpt2/vocab.json")
        let merges = Data("#version: 0.2\nĠ t\nh e\nbad\n".utf8)
        XCTAssertThrowsError(try ByteLevelBPETokenizer(vocabJSON: vocab, merges: merges, mergesName: "m.txt")) { error in
            XCTAssertEqual(error as? TokenizerError, .malformedFile(file: "m.txt", line: 4,
                                                                   reason: "expected two tokens separated by one space, got \"bad\""))
            XCTAssertEqual("\(error)", "m.txt:4: expected two tokens separated by one space, got \"bad\"")
        }
        let unknown = Data("#version: 0.2\nĠ t\nzzzzqq e\n".utf8)
        XCTAssertThrowsError(try ByteLevelBPETokenizer(vocabJSON: vocab, merges: unknown, mergesName: "m.txt")) { error in
            guard case .malformedFile(let file, let line, _)? = error as? TokenizerError else { return XCTFail("\(error)") }
            XCTAssertEqual(file, "m.txt")
            XCTAssertEqual(line, 3)
        }
    }

    func testMalformedVocabularies() throws {
        XCTAssertThrowsError(try ByteLevelBPETokenizer(vocabJSON: Data("{\"a\": ".utf8), merges: Data())) { error in
            guard case .malformedFile(let file, _, _)? = error as? TokenizerError else { return XCTFail("\(error)") }
            XCTAssertEqual(file, "vocab.json")
        }
        XCTAssertThrowsError(try ByteLevelBPETokenizer(vocabJSON: Data("{\"a\": \"x\"}".utf8), merges: Data()))
        // A byte-level vocabulary without all 256 bytes.
        XCTAssertThrowsError(try ByteLevelBPETokenizer(vocabJSON: Data("{\"a\": 0}".utf8), merges: Data())) { error in
            XCTAssertTrue("\(error)".contains("256 bytes"), "\(error)")
        }
        XCTAssertThrowsError(try ByteLevelBPETokenizer(tiktokenRanks: Data("IQ== 0\nnot-base64 1\n".utf8), fileName: "r.tiktoken")) { error in
            guard case .malformedFile("r.tiktoken", 2, _)? = error as? TokenizerError else { return XCTFail("\(error)") }
        }
        XCTAssertThrowsError(try WordPieceTokenizer(vocabTXT: Data([0x61, 0x0A, 0xFF, 0x0A]), fileName: "v.txt")) { error in
            XCTAssertEqual(error as? TokenizerError, .malformedFile(file: "v.txt", line: 2, reason: "the line is not valid UTF-8"))
        }
        XCTAssertThrowsError(try WordPieceTokenizer(vocabTXT: Data("a\nb\n".utf8))) { error in
            XCTAssertEqual(error as? TokenizerError, .invalidConfiguration("the unknown token [UNK] is not in the vocabulary"))
        }
        XCTAssertThrowsError(try WordPieceTokenizer(vocabTXT: Data(), fileName: "v.txt"))
    }

    func testLoadGuessesKindFromNames() throws {
        let a = try TokenizerFiles.load(paths: [Fixtures.path("gpt2/merges.txt"), Fixtures.path("gpt2/vocab.json")])
        let b = try TokenizerFiles.load(paths: [Fixtures.path("gpt2/gpt2.tiktoken")])
        let c = try TokenizerFiles.load(paths: [Fixtures.path("minilm/vocab.txt")])
        let d = try TokenizerFiles.load(paths: [Fixtures.path("minilm/tokenizer.json")])
        XCTAssertEqual([a.kind, b.kind, c.kind, d.kind], [.byteLevelBPE, .byteLevelBPE, .wordPiece, .wordPiece])
        XCTAssertEqual(try a.encode("Hello world").map(\.id), [15496, 995])
        XCTAssertEqual(try b.encode("Hello world").map(\.id), [15496, 995])
        XCTAssertEqual(try c.encode("Hello world").map(\.id), try d.encode("Hello world").map(\.id))
        XCTAssertThrowsError(try TokenizerFiles.load(paths: [Fixtures.path("gpt2/vocab.json")]))
        XCTAssertThrowsError(try TokenizerFiles.load(paths: ["/nonexistent/vocab.txt"])) { error in
            guard case .unreadableFile("/nonexistent/vocab.txt", _)? = error as? TokenizerError else { return XCTFail("\(error)") }
        }
        XCTAssertThrowsError(try TokenizerFiles.load(paths: ["a.bin"]))
    }

    func testInvalidUTF8MessageNamesOffset() throws {
        let tok = try Fixtures.gpt2Tiktoken.get()
        XCTAssertThrowsError(try tok.encode([0x61, 0x62, 0xC3, 0x28])) { error in
            XCTAssertEqual(error as? TokenizerError, .invalidUTF8(offset: 2))
            XCTAssertTrue("\(error)".contains("byte offset 2"))
        }
        XCTAssertEqual(try tok.encode([]), [])
    }
}
