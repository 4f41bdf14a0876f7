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
