import Foundation
import PolytopeArchitectures
import PolytopeBuiltins
import PolytopeModel
import XCTest

/// The anatomy's sequence markers follow each family's Hugging Face tokenizer: what a
/// tokenizer.json post-processor adds (none for plain ByteLevel), and for OPT checkpoints with
/// only vocab.json + merges.txt the `</s>` (bos_token_id) its tokenizer prepends, unless
/// tokenizer_config.json turns add_bos_token off.
final class SequenceMarkerTests: XCTestCase {
    func anatomy(_ dir: URL) throws -> Anatomy {
        let out = Fixtures.tempDir().appendingPathComponent("m.pb").path
        try ModelFile.write(try HFImporter.convert(directory: dir.path, options: .init(outputPath: out)), to: out)
        return try XCTUnwrap(try Model.load(path: out, registry: .builtins()).spec.anatomy)
    }

    func optCopy(tokenizerJSON: Bool, addBOS: Bool?) throws -> URL {
        let src = Fixtures.repoRoot.appendingPathComponent("Tests/Fixtures/families/opt")
        let dir = Fixtures.tempDir().appendingPathComponent("opt")
        try FileManager.default.copyItem(at: src, to: dir)
        if !tokenizerJSON { try FileManager.default.removeItem(at: dir.appendingPathComponent("tokenizer.json")) }
        if let addBOS {
            let url = dir.appendingPathComponent("tokenizer_config.json")
            var obj = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
            obj["add_bos_token"] = addBOS
            try JSONSerialization.data(withJSONObject: obj).write(to: url)
        }
        return dir
    }

    func testOPTWithoutTokenizerJSONPrependsItsBOS() throws {
        let a = try anatomy(try optCopy(tokenizerJSON: false, addBOS: nil))
        XCTAssertEqual(a.prefixTokens, [2])
        XCTAssertEqual(a.suffixTokens, [])
        XCTAssertEqual(try anatomy(try optCopy(tokenizerJSON: false, addBOS: false)).prefixTokens, [])
    }

    func testTokenizerJSONPostProcessorDecides() throws {
        // The fixture's tokenizer.json post-processor is plain ByteLevel: no markers.
        XCTAssertEqual(try anatomy(try optCopy(tokenizerJSON: true, addBOS: nil)).prefixTokens, [])
        // A TemplateProcessing that puts BOS (id 0) before and EOS (id 1) after a text.
        let dir = try optCopy(tokenizerJSON: true, addBOS: nil)
        let url = dir.appendingPathComponent("tokenizer.json")
        var obj = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        let vocab = try XCTUnwrap((obj["model"] as? [String: Any])?["vocab"] as? [String: Int])
        let (bos, eos) = (try XCTUnwrap(vocab.first { $0.value == 0 }?.key), try XCTUnwrap(vocab.first { $0.value == 1 }?.key))
        obj["post_processor"] = [
            "type": "TemplateProcessing",
            "single": [["SpecialToken": ["id": bos, "type_id": 0]], ["Sequence": ["id": "A", "type_id": 0]],
                       ["SpecialToken": ["id": eos, "type_id": 0]]],
            "pair": [["Sequence": ["id": "A", "type_id": 0]], ["Sequence": ["id": "B", "type_id": 1]]],
            "special_tokens": [bos: ["id": bos, "ids": [0], "tokens": [bos]], eos: ["id": eos, "ids": [1], "tokens": [eos]]],
        ]
        try JSONSerialization.data(withJSONObject: obj).write(to: url)
        let a = try anatomy(dir)
        XCTAssertEqual(a.prefixTokens, [0])
        XCTAssertEqual(a.suffixTokens, [1])
    }
}
