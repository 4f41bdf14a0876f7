import Foundation
import PolytopeBuiltins
import PolytopeArchitectures
import PolytopeModel

/// Models for geometry tests: hand-built single ReLU layers with known weights, and the tiny
/// GPT-2 fixtures imported from Tests/Fixtures/runtime.
enum GeometryFixtures {
    static let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func tempDir(_ tag: String) -> URL {
        let u = FileManager.default.temporaryDirectory.appendingPathComponent("geo-\(tag)-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: u, withIntermediateDirectories: true)
        return u
    }

    /// Deterministic pseudo-random values in [-1, 1) (a linear congruential generator).
    static func values(_ count: Int, seed: UInt64) -> [Float] {
        var s = seed &* 6364136223846793005 &+ 1442695040888963407
        return (0..<count).map { _ in
            s = s &* 6364136223846793005 &+ 1442695040888963407
            return Float(Int((s >> 33) % 2_000_001) - 1_000_000) / 1_000_000
        }
    }

    static func tensor(_ name: String, _ shape: [Int], _ values: [Float]) -> TensorSpec {
        var d = Data(capacity: values.count * 4)
        for v in values { withUnsafeBytes(of: v.bitPattern.littleEndian) { d.append(contentsOf: $0) } }
        return TensorSpec(name: name, dtype: .f32, shape: shape, storage: .inline(d))
    }

    /// token_embedding (vocab x d) -> blocks.0.mlp.hook_pre (linear d -> units, given W [d, units], b)
    /// -> relu -> blocks.0.hook_mlp_out (linear units -> d).
    static func singleReLU(d: Int, units: Int, vocab: Int = 4, seed: UInt64 = 7) throws -> (Model, w: [Float], b: [Float]) {
        var s = ModelSpec()
        s.name = "single-relu"
        let w = values(d * units, seed: seed), b = values(units, seed: seed + 1).map { $0 * 0.5 }
        s.tensors = [
            tensor("wte", [vocab, d], values(vocab * d, seed: seed + 2)),
            tensor("w1", [d, units], w), tensor("b1", [units], b),
            tensor("w2", [units, d], values(units * d, seed: seed + 3)), tensor("b2", [d], values(d, seed: seed + 4)),
        ]
        s.nodes = [
            NodeSpec(name: "hook_embed", kind: "token_embedding", params: ["weight": "wte"]),
            NodeSpec(name: "blocks.0.mlp.hook_pre", kind: "linear", inputs: ["hook_embed"], params: ["weight": "w1", "bias": "b1"]),
            NodeSpec(name: "blocks.0.mlp.hook_post", kind: "relu", inputs: ["blocks.0.mlp.hook_pre"]),
            NodeSpec(name: "blocks.0.hook_mlp_out", kind: "linear", inputs: ["blocks.0.mlp.hook_post"], params: ["weight": "w2", "bias": "b2"]),
        ]
        let mlp = MLPAnatomy(norm: nil, input: "hook_embed", pre: "blocks.0.mlp.hook_pre", activation: "blocks.0.mlp.hook_post",
                             post: "blocks.0.mlp.hook_post", out: "blocks.0.hook_mlp_out")
        s.anatomy = Anatomy(family: "toy", blocks: [BlockAnatomy(residPre: "hook_embed", residMid: nil, residPost: "blocks.0.hook_mlp_out",
                                                                 attention: nil, causal: false, mlp: mlp)], embed: "hook_embed")
        let path = tempDir("single").appendingPathComponent("model.pb").path
        try ModelFile.write(s, to: path)
        return (try Model.load(path: path, registry: LayerRegistry.builtins()), w, b)
    }

    /// Imports a fixture under Tests/Fixtures/runtime (e.g. "gpt2-relu") and loads it.
    static func tiny(_ name: String, fixtures: String = "runtime") throws -> Model {
        let out = tempDir(name).appendingPathComponent("model.pb").path
        let spec = try HFImporter.convert(directory: repoRoot.appendingPathComponent("Tests/Fixtures/\(fixtures)/\(name)").path,
                                          options: .init(outputPath: out))
        try ModelFile.write(spec, to: out)
        let model = try Model.load(path: out, registry: LayerRegistry.builtins())
        paths[ObjectIdentifier(model)] = out
        return model
    }

    nonisolated(unsafe) static var paths: [ObjectIdentifier: String] = [:]

    /// The file a model from `tiny` was loaded from.
    static func tempDirModelPath(_ model: Model) -> String { paths[ObjectIdentifier(model)]! }

    /// models/<name> of this checkout, if present.
    static func defaultModel(_ name: String) throws -> Model? {
        let p = repoRoot.appendingPathComponent("models/\(name)").path
        guard FileManager.default.fileExists(atPath: p) else { return nil }
        return try ModelLoader.load(path: p, registry: LayerRegistry.builtins())
    }
}
