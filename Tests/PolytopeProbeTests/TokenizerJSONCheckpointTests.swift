import Foundation
import PolytopeCodes
import PolytopeArchitectures
import PolytopeModel
import PolytopeProbe
import XCTest

/// A GPT-2 (or BERT) checkpoint that ships only `config.json`, `model.safetensors` and
/// `tokenizer.json` (no vocab.json / merges.txt / vocab.txt) imports, tokenizes exactly as
/// Hugging Face `tokenizers` does (ids and byte offsets;
/// Tests/PolytopeTokenizersTests/Fixtures/tokenizer-json/runtime-{gpt2,bert}.json from
/// tools/make_tokenizer_json_fixtures.py) and probes, with the same codes as the same checkpoint
/// imported with its vocabulary files.
final class TokenizerJSONCheckpointTests: XCTestCase {
    /// The checkpoint folder with only the three files.
    func checkpoint(_ source: URL, in dir: URL) throws -> URL {
        let ck = dir.appendingPathComponent("ckpt")
        try FileManager.default.createDirectory(at: ck, withIntermediateDirectories: true)
        for f in ["config.json", "model.safetensors", "tokenizer.json"] {
            try FileManager.default.copyItem(at: source.appendingPathComponent(f), to: ck.appendingPathComponent(f))
        }
        return ck
    }

    func testGPT2() throws { try check(runtime: "gpt2-relu", fixture: "runtime-gpt2.json", layer: "1") }

    /// Where tokenizer.json says more than GPT-2's rules (here: OPT's marker before the text),
    /// the model file keeps tokenizer.json, not vocab.json; where it does not, vocab.json as before.
    func testTokenizerJSONWinsWhereItSaysMore() throws {
        let source = ProbeFixtures.repoRoot.appendingPathComponent("Tests/Fixtures/runtime/gpt2-relu")
        let dir = ProbeFixtures.tempDir("tokenizer-json-opt")
        defer { try? FileManager.default.removeItem(at: dir) }
        let plain = try HFImporter.convert(directory: source.path, options: .init(outputPath: dir.appendingPathComponent("a.pb").path))
        XCTAssertFalse(plain.tokenizer!.vocabJSON.isEmpty)
        let ck = dir.appendingPathComponent("ckpt")
        try FileManager.default.copyItem(at: source, to: ck)
        var root = try JSONSerialization.jsonObject(with: Data(contentsOf: ck.appendingPathComponent("tokenizer.json"))) as! [String: Any]
        root["post_processor"] = ["type": "TemplateProcessing",
                                  "single": [["SpecialToken": ["id": "<|endoftext|>", "type_id": 0]], ["Sequence": ["id": "A", "type_id": 0]]],
                                  "pair": [["Sequence": ["id": "A", "type_id": 0]]],
                                  "special_tokens": ["<|endoftext|>": ["id": "<|endoftext|>", "ids": [0], "tokens": ["<|endoftext|>"]]]]
        try JSONSerialization.data(withJSONObject: root).write(to: ck.appendingPathComponent("tokenizer.json"))
        let spec = try HFImporter.convert(directory: ck.path, options: .init(outputPath: dir.appendingPathComponent("b.pb").path))
        let tokenizer = try XCTUnwrap(spec.tokenizer)
        XCTAssertTrue(tokenizer.vocabJSON.isEmpty)
        let tok = try ModelTokenizer.make(tokenizer)
        XCTAssertEqual(tok.sequenceMarkers.prefix, [0])
        let plainTok = try ModelTokenizer.make(plain.tokenizer!)
        XCTAssertEqual(try tok.encode("Hello world").map(\.id), [0] + (try plainTok.encode("Hello world").map(\.id)))
    }

    func testBERT() throws { try check(runtime: "bert", fixture: "runtime-bert.json", layer: "1") }

    /// Runs `polytope`, returning (status, stdout, stderr).
    func polytope(_ args: [String]) throws -> (Int32, Data, String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: try ProbeFixtures.polytopeBinary())
        p.arguments = args
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        return (p.terminationStatus, o, e)
    }

    func check(runtime: String, fixture name: String, layer: String) throws {
        let source = ProbeFixtures.repoRoot.appendingPathComponent("Tests/Fixtures/runtime/\(runtime)")
        let dir = ProbeFixtures.tempDir("tokenizer-json-ckpt")
        defer { try? FileManager.default.removeItem(at: dir) }
        let ck = try checkpoint(source, in: dir)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: ck.path).sorted(),
                       ["config.json", "model.safetensors", "tokenizer.json"])
        let model = dir.appendingPathComponent("m.pb").path
        let (status, _, err) = try polytope(["import", ck.path, "-o", model])
        XCTAssertEqual(status, 0, err)

        // Tokenize: every fixture text, ids and offsets equal to Hugging Face's.
        let fixture = ProbeFixtures.repoRoot.appendingPathComponent("Tests/PolytopeTokenizersTests/Fixtures/tokenizer-json/\(name)")
        let root = try JSONSerialization.jsonObject(with: Data(contentsOf: fixture)) as! [String: Any]
        let cases = root["cases"] as! [[String: Any]]
        XCTAssertGreaterThan(cases.count, 30)
        for c in cases {
            let name = c["name"] as! String
            let input = dir.appendingPathComponent("input.txt")
            try Data((c["text"] as! String).utf8).write(to: input)
            let (s, out, e) = try polytope(["tokenize", input.path, "--model", model, "--json", "--allow-special"])
            XCTAssertEqual(s, 0, "\(name): \(e)")
            let got = try JSONSerialization.jsonObject(with: out) as! [String: Any]
            let ids = (got["ids"] as! [NSNumber]).map(\.intValue)
            let offsets = (got["offsets"] as! [[NSNumber]]).map { $0[0].intValue..<$0[1].intValue }
            XCTAssertEqual(ids, (c["ids"] as! [NSNumber]).map(\.intValue), name)
            var expected: [Range<Int>] = [], prev = 0
            let delta = (c["offsets"] as! [NSNumber]).map(\.intValue)
            for k in stride(from: 0, to: delta.count, by: 2) {
                expected.append((prev + delta[k])..<(prev + delta[k] + delta[k + 1]))
                prev = expected.last!.upperBound
            }
            XCTAssertEqual(offsets, expected, name)
        }

        // Probe: works, and records the codes the vocab.json import records.
        let corpus = try ProbeFixtures.smallCorpus(in: dir, bytes: 3_000)
        let reference = dir.appendingPathComponent("ref.pb").path
        XCTAssertEqual(try polytope(["import", source.path, "-o", reference]).0, 0)
        var codes: [CodeMatrix] = []
        for (m, out) in [(model, "probe-json"), (reference, "probe-vocab")] {
            let outDir = dir.appendingPathComponent(out)
            let (s, _, e) = try polytope(["probe", "--model", m, "--corpus", corpus.path, "--layer", layer, "--k", "2",
                                          "--max-windows", "3", "--quiet", "--out", outDir.path])
            XCTAssertEqual(s, 0, e)
            codes.append(try CodeFile.read(from: outDir.appendingPathComponent("codes-layer\(layer).plcodes")).codes)
        }
        XCTAssertGreaterThan(codes[0].rows, 0)
        XCTAssertTrue(codes[0] == codes[1], "codes differ between the tokenizer.json and vocabulary-file imports")
    }
}
