import Foundation
import PolytopeBuiltins
import PolytopeIO
import PolytopeModel
import PolytopeProbe
import XCTest

/// `polytope run`, `inspect` and `import` through the binary, against the library.
final class RunCommandTests: XCTestCase {
    func testRunWritesHookOutputsAsNPY() throws {
        let dir = ProbeFixtures.tempDir("run-cli")
        let model = try ProbeFixtures.tinyModel(in: dir)
        let out = dir.appendingPathComponent("out")
        let text = "It is a truth universally acknowledged"
        let (status, err) = try ProbeFixtures.run(["run", "--model", model, "--text", text,
                                                   "--hook", "blocks.1.mlp.hook_pre", "--hook", "logits", "--out", out.path])
        XCTAssertEqual(status, 0, err)
        let m = try Model.load(path: model, registry: .builtins())
        let ids = try ModelTokenizer.make(for: m).encode(text).map { Int32($0.id) }
        let ref = try m.forward(ForwardContext(sequences: [ids]), capture: ["blocks.1.mlp.hook_pre", "logits"])
        for hook in ["blocks.1.mlp.hook_pre", "logits"] {
            let a = try NPYArray.read(from: out.appendingPathComponent("\(hook).npy"))
            XCTAssertEqual(a.dtype, .float32)
            XCTAssertEqual(a.shape, [ref[hook]!.rows, ref[hook]!.cols])
            XCTAssertEqual(try a.floats(), ref[hook]!.data, hook)
        }
        // --ids gives the same numbers as --text.
        let out2 = dir.appendingPathComponent("out2")
        XCTAssertEqual(try ProbeFixtures.run(["run", "--model", model, "--ids", ids.map(String.init).joined(separator: ","),
                                              "--hook", "logits", "--out", out2.path]).0, 0)
        XCTAssertEqual(try Data(contentsOf: out2.appendingPathComponent("logits.npy")), try Data(contentsOf: out.appendingPathComponent("logits.npy")))
        // An unknown hook is one clear line, and nothing is written.
        let out3 = dir.appendingPathComponent("out3")
        let (s3, e3) = try ProbeFixtures.run(["run", "--model", model, "--ids", "1,2", "--hook", "blocks.9.mlp.hook_pre", "--out", out3.path])
        XCTAssertNotEqual(s3, 0)
        XCTAssertTrue(e3.contains("blocks.9.mlp.hook_pre"), e3)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out3.appendingPathComponent("blocks.9.mlp.hook_pre.npy").path))
    }

    /// NaN or Inf at a captured hook (or the logits) is an error naming the hook and the first
    /// bad row; --allow-nonfinite writes the values anyway (it used to exit 0 silently).
    func testNonFiniteOutputsAreRefusedUnlessAllowed() throws {
        let dir = ProbeFixtures.tempDir("run-nonfinite")
        var spec = try ModelFile.read(path: try ProbeFixtures.tinyModel(in: dir))
        let node = try XCTUnwrap(spec.nodes.first { $0.name == "blocks.1.mlp.hook_pre" })
        let t = try XCTUnwrap(spec.tensors.firstIndex { $0.name == node.params["weight"] })
        var d = Data()
        for _ in 0..<spec.tensors[t].elementCount! { withUnsafeBytes(of: Float(3e38).bitPattern.littleEndian) { d.append(contentsOf: $0) } }
        spec.tensors[t].dtype = .f32
        spec.tensors[t].storage = .inline(d)
        let model = dir.appendingPathComponent("overflow.pb").path
        try ModelFile.write(spec, to: model)
        let out = dir.appendingPathComponent("out")
        // Only the logits are checked beyond the saved hook: the error names them, row 0.
        let (s1, e1) = try ProbeFixtures.run(["run", "--model", model, "--ids", "1,2", "--hook", "blocks.0.mlp.hook_pre", "--out", out.path])
        XCTAssertEqual(s1, 1, e1)
        XCTAssertTrue(e1.contains("hook 'logits'") && e1.contains("row 0") && e1.contains("is not finite"), e1)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.path), "nothing written")
        let (s2, e2) = try ProbeFixtures.run(["run", "--model", model, "--ids", "1,2", "--hook", "blocks.1.mlp.hook_pre", "--hook", "logits", "--out", out.path])
        XCTAssertTrue(e2.contains("hook 'blocks.1.mlp.hook_pre'") && e2.contains("row 0"), "the first bad node in order: \(e2)")
        XCTAssertEqual(s2, 1)
        let (s3, e3) = try ProbeFixtures.run(["run", "--model", model, "--ids", "1,2", "--hook", "blocks.1.mlp.hook_pre", "--allow-nonfinite", "--out", out.path])
        XCTAssertEqual(s3, 0, e3)
        let a = try NPYArray.read(from: out.appendingPathComponent("blocks.1.mlp.hook_pre.npy"))
        XCTAssertTrue(try a.floats().contains { !$0.isFinite })
    }

    func testInspectListsHooksKindsAndProviders() throws {
        let dir = ProbeFixtures.tempDir("inspect-cli")
        let model = try ProbeFixtures.tinyModel(in: dir)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: try ProbeFixtures.polytopeBinary())
        p.arguments = ["inspect", "--model", model, "--json"]
        let pipe = Pipe()
        p.standardOutput = pipe
        try p.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
        let m = try Model.load(path: model, registry: .builtins())
        XCTAssertEqual(json["hooks"] as? [String], m.hookNames)
        XCTAssertEqual(json["parameters"] as? Int, m.parameterCount)
        XCTAssertEqual((json["kinds"] as? [String: String])?["relu@1"], "built-in")
        let nodes = try XCTUnwrap(json["nodes"] as? [[String: Any]])
        XCTAssertEqual(nodes.count, m.spec.nodes.count)
        XCTAssertEqual(nodes.first { $0["name"] as? String == "blocks.0.mlp.hook_post" }?["knots"] as? [Double], [0])
    }
}
