import Foundation
import PolytopeArchitectures
import PolytopeBuiltins
import PolytopeModel
import XCTest

/// Model authoring: the text form (round trip, references, errors with line numbers), edits
/// (each checked on the graph and by running the edited model), and the Swift builder.
final class ModelAuthoringTests: XCTestCase {
    static let defaultModel = Fixtures.repoRoot.appendingPathComponent("models/gpt2-relu.pb").path

    func testTextRoundTripIsByteIdenticalAndSmall() throws {
        let dir = Fixtures.tempDir("model-text")
        let spec = try ModelFile.read(path: Self.defaultModel)
        let text = ModelText.text(spec, source: Self.defaultModel, textDirectory: dir.path)
        XCTAssertLessThan(text.utf8.count, 64_000, "weights and tokenizer by reference, not inline")
        XCTAssertTrue(text.contains(#"kind: "relu""#) && text.contains(#"external { path: ""#), text.prefix(400).description)
        let path = dir.appendingPathComponent("m.pbtxt").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let back = try ModelText.read(path: path, outputDirectory: dir.path)
        XCTAssertEqual(ModelFile.encode(back), try Data(contentsOf: URL(fileURLWithPath: Self.defaultModel)))
    }

    /// An imported model's anatomy (markers, gated or plain MLP sites) survives the text form.
    func testTextKeepsTheAnatomy() throws {
        for fixture in ["runtime/bert", "families/llama-gqa"] {
            let dir = Fixtures.tempDir("model-text-anatomy")
            let pb = dir.appendingPathComponent("m.pb").path
            try ModelFile.write(try HFImporter.convert(directory: Fixtures.repoRoot.appendingPathComponent("Tests/Fixtures/\(fixture)").path,
                                                       options: .init(outputPath: pb)), to: pb)
            let spec = try ModelFile.read(path: pb)
            let anatomy = try XCTUnwrap(spec.anatomy)
            let text = ModelText.text(spec, source: pb, textDirectory: dir.path)
            XCTAssertTrue(text.contains("anatomy {"), fixture)
            let path = dir.appendingPathComponent("m.pbtxt").path
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            let back = try ModelText.read(path: path, outputDirectory: dir.path)
            XCTAssertEqual(back.anatomy, anatomy, fixture)
            XCTAssertEqual(ModelFile.encode(back), try Data(contentsOf: URL(fileURLWithPath: pb)), fixture)
        }
    }

    func testTextErrorsNameTheLine() throws {
        let dir = Fixtures.tempDir("model-text-bad")
        func refused(_ text: String, _ fragments: [String], line: UInt = #line) throws {
            let p = dir.appendingPathComponent("bad.pbtxt").path
            try text.write(toFile: p, atomically: true, encoding: .utf8)
            XCTAssertThrowsError(try ModelText.read(path: p, outputDirectory: dir.path), line: line) { e in
                for f in fragments { XCTAssertTrue("\(e)".contains(f), "'\(f)' not in \(e)", line: line) }
            }
        }
        try refused("name: \"x\"\nnodes {\n  nmae: \"a\"\n}\n", ["bad.pbtxt", "line 3", "polytope.Node has no field 'nmae'"])
        try refused("name: \"x\nnodes { }", ["line 1", "unterminated string"])
        try refused("nodes {\n  name: \"a\"\n", ["missing '}'"])
        try refused("tensors { name: \"t\" dtype: F32 shape: 2 external { path: \"nowhere.pb\" key: \"t\" } }", ["line 1", "nowhere.pb does not exist"])
        try refused("nodes { name: \"a\" attrs { key: \"k\" value { i: 1 f: 2.0 } } }", ["exactly one of i, f, s"])
    }

    func registry() throws -> LayerRegistry {
        let r = LayerRegistry.builtins()
        try PluginLoader.load(path: try ExamplePluginTests.library("HardTanh"), into: r)
        try PluginLoader.load(path: try ExamplePluginTests.library("SquaredReLU"), into: r)
        return r
    }

    func forward(_ spec: ModelSpec, _ r: LayerRegistry, hook: String) throws -> Matrix {
        let m = try Model(spec: spec, baseDirectory: Fixtures.repoRoot.appendingPathComponent("models").path, registry: r)
        return try XCTUnwrap(try m.forward(ForwardContext(sequences: [[5, 9, 300, 2]]), capture: [hook])[hook])
    }

    func testReplaceKindAndSetAttributeTypedBySchema() throws {
        let r = try registry()
        var spec = try ModelFile.read(path: Self.defaultModel)
        try ModelEdit.parseKindReplacement("relu=hardtanh").apply(to: &spec, registry: r)
        XCTAssertEqual(spec.nodes.filter { $0.kind == "hardtanh" }.count, 4)
        XCTAssertFalse(spec.nodes.contains { $0.kind == "relu" })
        try ModelEdit.parseSet("blocks.1.mlp.hook_post:max_val=2").apply(to: &spec, registry: r)
        XCTAssertEqual(spec.node(named: "blocks.1.mlp.hook_post")?.attrs["max_val"], .float(2), "an int is typed as the schema's float")
        let pre = try forward(spec, r, hook: "blocks.1.mlp.hook_pre"), post = try forward(spec, r, hook: "blocks.1.mlp.hook_post")
        XCTAssertEqual(post.data, pre.data.map { min(max($0, -1), 2) })
        XCTAssertThrowsError(try ModelEdit.parseSet("blocks.1.mlp.hook_post:max_val=high").apply(to: &spec, registry: r)) { e in
            XCTAssertTrue("\(e)".contains("max_val") && "\(e)".contains("expected a float"), "\(e)")
        }
        XCTAssertThrowsError(try ModelEdit.parseKindReplacement("gelu=relu").apply(to: &spec, registry: r)) { e in
            XCTAssertTrue("\(e)".contains("no node has kind 'gelu'"), "\(e)")
        }
    }

    func testInsertThenRemoveRestoresTheGraph() throws {
        let r = try registry()
        let original = try ModelFile.read(path: Self.defaultModel)
        var spec = original
        try ModelEdit.parseInsert("blocks.0.mlp.hook_post:blocks.0.mlp.hook_sq:squared_relu").apply(to: &spec, registry: r)
        let i = try XCTUnwrap(spec.nodes.firstIndex { $0.name == "blocks.0.mlp.hook_sq" })
        XCTAssertEqual(spec.nodes[i - 1].name, "blocks.0.mlp.hook_post")
        XCTAssertEqual(spec.nodes[i].inputs, ["blocks.0.mlp.hook_post"])
        XCTAssertEqual(spec.nodes[i + 1].inputs, ["blocks.0.mlp.hook_sq"], "the readers of the anchor read the new node")
        let post = try forward(spec, r, hook: "blocks.0.mlp.hook_post"), sq = try forward(spec, r, hook: "blocks.0.mlp.hook_sq")
        XCTAssertEqual(sq.data, post.data.map { $0 * $0 })
        try ModelEdit.removeNode("blocks.0.mlp.hook_sq").apply(to: &spec, registry: r)
        XCTAssertEqual(spec, original)
        XCTAssertThrowsError(try ModelEdit.removeNode("blocks.0.hook_resid_mid").apply(to: &spec, registry: r)) { e in
            XCTAssertTrue("\(e)".contains("exactly one input"), "\(e)")
        }
    }

    func testRenameHookUpdatesReaders() throws {
        let r = try registry()
        var spec = try ModelFile.read(path: Self.defaultModel)
        try ModelEdit.parseRename("blocks.2.mlp.hook_pre=blocks.2.mlp.pre").apply(to: &spec, registry: r)
        XCTAssertNil(spec.node(named: "blocks.2.mlp.hook_pre"))
        XCTAssertEqual(spec.node(named: "blocks.2.mlp.hook_post")?.inputs, ["blocks.2.mlp.pre"])
        XCTAssertEqual(try forward(spec, r, hook: "blocks.2.mlp.pre").rows, 4)
        XCTAssertThrowsError(try ModelEdit.parseRename("logits=blocks.0.mlp.hook_pre").apply(to: &spec, registry: r)) { e in
            XCTAssertTrue("\(e)".contains("already exists"), "\(e)")
        }
    }

    /// Renaming a hook the model's anatomy names moves the anatomy with it (the edited model
    /// loads, and its code site is the new name, computing what the old one did); removing a
    /// node the anatomy names is refused, naming the role.
    func testEditsKeepTheAnatomyConsistent() throws {
        let r = try registry()
        let dir = Fixtures.tempDir("model-edit-anatomy")
        let pb = dir.appendingPathComponent("m.pb").path
        try ModelFile.write(try HFImporter.convert(directory: Fixtures.repoRoot.appendingPathComponent("Tests/Fixtures/families/llama-gqa").path,
                                                   options: .init(outputPath: pb)), to: pb)
        let original = try ModelFile.read(path: pb)
        let before = try Model(spec: original, baseDirectory: dir.path, registry: r)
        var spec = original
        for edit in ["blocks.1.mlp.hook_pre=blocks.1.gate", "blocks.1.mlp.hook_pre_linear=blocks.1.up", "blocks.0.hook_resid_post=mid"] {
            try ModelEdit.parseRename(edit).apply(to: &spec, registry: r)
        }
        let after = try Model(spec: spec, baseDirectory: dir.path, registry: r)
        let m = try after.mlp(layer: 1)
        XCTAssertEqual(m.pre, "blocks.1.gate")
        XCTAssertEqual(m.up, "blocks.1.up")
        XCTAssertEqual(try after.requireAnatomy().blocks[0].residPost, "mid")
        XCTAssertFalse(try after.requireAnatomy().roles.contains { $0.hook.hasPrefix("blocks.1.mlp.hook_pre") })
        XCTAssertEqual(try after.codeSite(layer: 1).pre, "blocks.1.gate")
        let ctx = ForwardContext(sequences: [[5, 9, 30, 2]])
        XCTAssertEqual(try after.forward(ctx, capture: ["blocks.1.gate"])["blocks.1.gate"]!.data,
                       try before.forward(ctx, capture: ["blocks.1.mlp.hook_pre"])["blocks.1.mlp.hook_pre"]!.data)
        XCTAssertThrowsError(try ModelEdit.removeNode("blocks.0.ln2.hook_normalized").apply(to: &spec, registry: r)) { e in
            XCTAssertTrue("\(e)".contains("anatomy names it as blocks[0].mlp.input"), "\(e)")
        }
    }

    func testBuilderValidatesTheWholeGraph() throws {
        let r = try registry()
        let vocab = 5, d = 4, h = 6
        var b = ModelBuilder(name: "built", contextLength: 8)
        let wte = SpecBuilder.values(vocab * d, seed: 3), w = SpecBuilder.values(d * h, seed: 4)
        let x = b.node("embed", kind: "token_embedding", params: ["weight": b.tensor("wte", [vocab, d], wte)])
        let pre = b.node("pre", kind: "linear", inputs: [x], params: ["weight": b.tensor("w", [d, h], w)])
        b.node("post", kind: "hardtanh", inputs: [pre], attrs: ["min_val": .float(-0.25), "max_val": .float(0.25)])
        let spec = try b.build(registry: r)
        let m = try Model(spec: spec, baseDirectory: ".", registry: r)
        let out = try XCTUnwrap(try m.forward(ForwardContext(sequences: [[3, 1]]), capture: ["post"])["post"])
        for (row, id) in [3, 1].enumerated() {
            for j in 0..<h {
                var acc: Float = 0
                for k in 0..<d { acc += wte[id * d + k] * w[k * h + j] }
                XCTAssertEqual(out[row, j], min(max(acc, -0.25), 0.25), accuracy: 1e-6)
            }
        }
        XCTAssertEqual(try m.knots(hook: "post"), [-0.25, 0.25])
        // Per-unit knots: `unitKnots` has them; `knots` refuses rather than give unit 0's to an
        // analysis that assumes one set for all units.
        try PluginLoader.load(path: try ExamplePluginTests.library("JumpReLU"), into: r)
        var j = b
        j.node("jump", kind: "jump_relu", inputs: [pre], params: ["threshold": j.tensor("t", [h], [0, 0.1, 0.2, 0.3, 0.4, 0.5])])
        let jm = try Model(spec: try j.build(registry: r), baseDirectory: ".", registry: r)
        XCTAssertEqual(try jm.unitKnots(hook: "jump"), [0, 0.1, 0.2, 0.3, 0.4, 0.5])
        XCTAssertThrowsError(try jm.knots(hook: "jump")) { e in XCTAssertTrue("\(e)".contains("own knots for each unit"), "\(e)") }
        XCTAssertEqual(try jm.knots(hook: "post"), [-0.25, 0.25])
        var bad = b
        bad.node("oops", kind: "hardtanh", inputs: ["post"], attrs: ["max": .float(1)])
        XCTAssertThrowsError(try bad.build(registry: r)) { e in XCTAssertTrue("\(e)".contains("node 'oops'") && "\(e)".contains("no attribute 'max'"), "\(e)") }
    }
}
