import Foundation
import PolytopeBuiltins
import PolytopeArchitectures
import PolytopeModel
import XCTest

/// The runtime against PyTorch / transformers references (tools/make_runtime_fixtures.py):
/// tiny random GPT-2 (relu, gelu, gelu_new, f16 weights) and BERT (f32, bf16) checkpoints are
/// imported with the Swift importer and every hook agrees with the reference to 1e-4.
final class ConformanceTests: XCTestCase {
    static let tolerance: Float = 1e-4

    func importModel(_ name: String, external: Bool = false) throws -> Model {
        let out = Fixtures.tempDir().appendingPathComponent("\(name).pb").path
        let spec = try HFImporter.convert(directory: Fixtures.runtime(name).path,
                                          options: .init(outputPath: out, externalWeights: external))
        try ModelFile.write(spec, to: out)
        return try Model.load(path: out, registry: .builtins())
    }

    /// GPT-2: each sequence alone, and all of them as one padded batch (causal attention makes
    /// the valid rows independent of the padding).
    func checkGPT2(_ name: String, external: Bool = false) throws {
        let model = try importModel(name, external: external)
        let inputs = try Fixtures.inputs(name)
        let seqs = inputs.sequences.map(\.ids)
        let batched = try model.forward(ForwardContext(sequences: seqs), capture: inputs.hooks)
        for (s, ids) in seqs.enumerated() {
            let alone = try model.forward(ForwardContext(sequences: [ids]), capture: inputs.hooks)
            for hook in inputs.hooks {
                let ref = try Fixtures.reference(name, seq: s, hook: hook)
                let got = try XCTUnwrap(alone[hook])
                let diff = try XCTUnwrap(maxAbsDiff(got, ref, rows: ids.count), "\(name) \(hook): width \(got.cols) vs \(ref.cols)")
                XCTAssertLessThan(diff, Self.tolerance, "\(name) seq \(s) \(hook)")
                let b = try XCTUnwrap(batched[hook])
                let t = b.rows / seqs.count
                let slice = Matrix(rows: ids.count, cols: b.cols, data: Array(b.data[(s * t * b.cols)..<((s * t + ids.count) * b.cols)]))
                XCTAssertLessThan(maxAbsDiff(slice, ref, rows: ids.count) ?? .infinity, Self.tolerance, "\(name) batched seq \(s) \(hook)")
            }
        }
    }

    func testGPT2ReLU() throws { try checkGPT2("gpt2-relu") }
    func testGPT2GELU() throws { try checkGPT2("gpt2-gelu") }
    func testGPT2GELUNew() throws { try checkGPT2("gpt2-gelu-new") }
    func testGPT2F16Weights() throws { try checkGPT2("gpt2-relu-f16") }
    func testGPT2ExternalWeights() throws { try checkGPT2("gpt2-gelu-new", external: true) }

    /// BERT: one padded batch with the attention mask and token types of the reference, at
    /// every hook TransformerLens names (the pre-norm sums included).
    func checkBERT(_ name: String) throws {
        let model = try importModel(name)
        let inputs = try Fixtures.inputs(name)
        let seqs = inputs.sequences
        let lengths = seqs.map { $0.valid_length ?? $0.ids.count }
        let t = seqs[0].ids.count
        let ctx = ForwardContext(batch: seqs.count, seqLen: t, tokenIDs: seqs.flatMap(\.ids),
                                 tokenTypeIDs: seqs.flatMap { $0.token_type_ids ?? [Int32](repeating: 0, count: t) }, lengths: lengths)
        // Every TransformerLens HookedEncoder hook, against transformers' internals
        // (tools/bert_hooks.py); the encoder's output is the last block's ln2.
        let layers = model.mlpLayers.count
        XCTAssertGreaterThan(inputs.hooks.count, 10 * layers)
        let hooks = inputs.hooks.map { $0 == "last_hidden_state" ? "blocks.\(layers - 1).ln2.hook_normalized" : $0 }
        let out = try model.forward(ctx, capture: hooks)
        for (s, len) in lengths.enumerated() {
            for (file, hook) in zip(inputs.hooks, hooks) {
                let ref = try Fixtures.reference(name, seq: s, hook: file)
                let b = try XCTUnwrap(out[hook])
                let slice = Matrix(rows: len, cols: b.cols, data: Array(b.data[(s * t * b.cols)..<((s * t + len) * b.cols)]))
                XCTAssertLessThan(maxAbsDiff(slice, ref, rows: len) ?? .infinity, Self.tolerance, "\(name) seq \(s) \(file)")
            }
        }
    }

    func testBERT() throws { try checkBERT("bert") }
    func testBERTBF16Weights() throws { try checkBERT("bert-bf16") }
}
