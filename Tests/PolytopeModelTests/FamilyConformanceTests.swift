import Foundation
import PolytopeBuiltins
import PolytopeArchitectures
import PolytopeIO
import PolytopeModel
import XCTest

/// Llama (GQA, tied / untied, bf16), Qwen2 (q/k/v bias), GPT-NeoX (parallel and sequential
/// residual, partial rotary, f16 shards) and OPT (pre-LN, positions offset 2) checkpoints made by
/// tools/make_family_fixtures.py, imported by the Swift importers: every hook the reference
/// recorded agrees with Hugging Face to 1e-4 relative to max(1, |x|), each sequence alone and
/// all of them as one right-padded batch.
final class FamilyConformanceTests: XCTestCase {
    static let tolerance: Float = 1e-4
    static func dir(_ name: String) -> URL { Fixtures.repoRoot.appendingPathComponent("Tests/Fixtures/families/\(name)") }

    struct Inputs: Decodable {
        struct Sequence: Decodable { let ids: [Int32] }
        let sequences: [Sequence]
        let hooks: [String]
    }

    func check(_ name: String, external: Bool = false, file: StaticString = #filePath, line: UInt = #line) throws {
        let out = Fixtures.tempDir().appendingPathComponent("\(name).pb").path
        let spec = try HFImporter.convert(directory: Self.dir(name).path, options: .init(outputPath: out, externalWeights: external))
        try ModelFile.write(spec, to: out)
        let model = try Model.load(path: out, registry: .builtins())
        let ref = Self.dir(name).appendingPathComponent("reference")
        let inputs = try JSONDecoder().decode(Inputs.self, from: Data(contentsOf: ref.appendingPathComponent("inputs.json")))
        XCTAssertGreaterThan(inputs.hooks.count, 10, file: file, line: line)
        let seqs = inputs.sequences.map(\.ids)
        let batched = try model.forward(ForwardContext(sequences: seqs), capture: inputs.hooks)
        for (s, ids) in seqs.enumerated() {
            let alone = try model.forward(ForwardContext(sequences: [ids]), capture: inputs.hooks)
            for hook in inputs.hooks {
                let a = try NPYArray.read(from: ref.appendingPathComponent("\(s)__\(hook).npy"))
                let want = try a.floats()
                let got = try XCTUnwrap(alone[hook])
                XCTAssertEqual([got.rows, got.cols], a.shape, "\(name) \(hook)", file: file, line: line)
                guard [got.rows, got.cols] == a.shape else { continue }
                XCTAssertLessThan(Self.relDiff(got.data, want), Self.tolerance, "\(name) seq \(s) \(hook)", file: file, line: line)
                let b = try XCTUnwrap(batched[hook])
                let t = b.rows / seqs.count
                let slice = Array(b.data[(s * t * b.cols)..<((s * t + ids.count) * b.cols)])
                XCTAssertLessThan(Self.relDiff(slice, want), Self.tolerance, "\(name) batched seq \(s) \(hook)", file: file, line: line)
            }
        }
    }

    /// max |a - b| / max(1, |b|).
    static func relDiff(_ a: [Float], _ b: [Float]) -> Float {
        guard a.count == b.count else { return .infinity }
        var m: Float = 0
        for i in a.indices { m = max(m, abs(a[i] - b[i]) / max(1, abs(b[i]))) }
        return m
    }

    func testLlamaGQATied() throws { try check("llama-gqa") }
    func testLlamaUntiedBF16() throws { try check("llama-untied") }
    func testQwen2QKVBias() throws { try check("qwen2-bias") }
    func testGPTNeoXParallel() throws { try check("neox-parallel") }
    func testGPTNeoXSequentialShardedF16() throws { try check("neox-sequential") }
    func testGPTNeoXShardedExternal() throws { try check("neox-sequential", external: true) }
    func testOPT() throws { try check("opt") }

    /// The anatomy each family writes: gated MLPs code from the gate projection with the SiLU
    /// node's knots and name their up projection; NeoX's parallel blocks have no resid_mid.
    func testAnatomies() throws {
        func load(_ name: String) throws -> Anatomy {
            let out = Fixtures.tempDir().appendingPathComponent("\(name).pb").path
            try ModelFile.write(try HFImporter.convert(directory: Self.dir(name).path, options: .init(outputPath: out)), to: out)
            return try XCTUnwrap(try Model.load(path: out, registry: .builtins()).spec.anatomy)
        }
        let llama = try load("llama-gqa")
        XCTAssertEqual(llama.blocks.count, 2)
        XCTAssertEqual(llama.blocks[1].mlp.pre, "blocks.1.mlp.hook_pre")
        XCTAssertEqual(llama.blocks[1].mlp.activation, "blocks.1.mlp.hook_act")
        XCTAssertEqual(llama.blocks[1].mlp.up, "blocks.1.mlp.hook_pre_linear")
        XCTAssertTrue(llama.tiedUnembedding)
        XCTAssertFalse(try load("llama-untied").tiedUnembedding)
        let neox = try load("neox-parallel")
        XCTAssertTrue(neox.blocks.allSatisfy { $0.parallel && $0.residMid == nil && !$0.mlp.isGated })
        let seq = try load("neox-sequential")
        XCTAssertTrue(seq.blocks.allSatisfy { !$0.parallel && $0.residMid != nil })
        let opt = try load("opt")
        XCTAssertEqual(opt.family, "opt")
        XCTAssertEqual(opt.blocks[0].mlp.activation, "blocks.0.mlp.hook_post")
    }
}
