import Foundation
import PolytopeBuiltins
import PolytopeArchitectures
import PolytopeModel
import XCTest

/// Loading validates before anything runs; each broken description gives the typed error
/// that names what is wrong.
final class ValidationTests: XCTestCase {
    func tinySpec() throws -> ModelSpec {
        try HFImporter.convert(directory: Fixtures.runtime("gpt2-relu").path, options: .init(outputPath: "/tmp/x.pb"))
    }

    func load(_ spec: ModelSpec) throws -> Model {
        try Model(spec: spec, baseDirectory: "/tmp", registry: .builtins())
    }

    func expect(_ spec: ModelSpec, _ expected: ModelError, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try load(spec), file: file, line: line) { e in
            XCTAssertEqual(e as? ModelError, expected, "\(e)", file: file, line: line)
        }
    }

    func index(_ spec: ModelSpec, _ name: String) -> Int { spec.nodes.firstIndex { $0.name == name }! }

    func testTheUnbrokenSpecLoads() throws {
        XCTAssertNoThrow(try load(try tinySpec()))
    }

    func testInputsMustNameEarlierNodes() throws {
        var s = try tinySpec()
        let i = index(s, "blocks.0.mlp.hook_pre")
        s.nodes[i].inputs = ["nowhere"]
        expect(s, .unknownInput(node: "blocks.0.mlp.hook_pre", input: "nowhere"))
        s = try tinySpec()
        s.nodes[i].inputs = ["blocks.1.hook_resid_post"]
        expect(s, .forwardReference(node: "blocks.0.mlp.hook_pre", input: "blocks.1.hook_resid_post"))
        s = try tinySpec()
        s.nodes[i].inputs = ["blocks.0.mlp.hook_pre"]   // a node feeding itself: a cycle
        expect(s, .forwardReference(node: "blocks.0.mlp.hook_pre", input: "blocks.0.mlp.hook_pre"))
    }

    func testNamesAreUniqueAndNonEmpty() throws {
        var s = try tinySpec()
        s.nodes[3].name = s.nodes[2].name
        expect(s, .duplicateNode(s.nodes[2].name))
        s = try tinySpec()
        s.nodes[0].name = ""
        expect(s, .emptyName(index: 0))
    }

    func testParametersMustExistWithTheRightShape() throws {
        var s = try tinySpec()
        let i = index(s, "blocks.0.ln1.hook_normalized")
        s.nodes[i].params["weight"] = "missing.tensor"
        expect(s, .missingTensor(node: "blocks.0.ln1.hook_normalized", role: "weight", tensor: "missing.tensor"))
        s = try tinySpec()
        s.nodes[i].params["weight"] = "transformer.wpe.weight"
        expect(s, .badShape(node: "blocks.0.ln1.hook_normalized", role: "weight", tensor: "transformer.wpe.weight",
                            expected: "[32]", found: [64, 32]))
        s = try tinySpec()
        s.nodes[i].params["gain"] = s.nodes[i].params["weight"]
        expect(s, .unknownParam(node: "blocks.0.ln1.hook_normalized", role: "gain", kind: "layer_norm"))
    }

    func testTensorBytesMustMatchTheirShape() throws {
        var s = try tinySpec()
        let t = s.tensors.firstIndex { $0.name == "transformer.h.0.ln_1.bias" }!
        s.tensors[t].storage = .inline(Data(count: 12))
        expect(s, .tensorSizeMismatch(tensor: "transformer.h.0.ln_1.bias", expectedBytes: 128, foundBytes: 12))
        s = try tinySpec()
        s.tensors[t].shape = [1 << 40, 1 << 40]
        expect(s, .shapeOverflow(tensor: "transformer.h.0.ln_1.bias", shape: [1 << 40, 1 << 40]))
        s = try tinySpec()
        s.tensors[t].storage = .external(path: "/nonexistent/w.safetensors", key: "k")
        XCTAssertThrowsError(try load(s)) { e in
            XCTAssertTrue("\(e)".contains("/nonexistent/w.safetensors") && "\(e)".contains("transformer.h.0.ln_1.bias"), "\(e)")
        }
    }

    func testNaNWeightsAreRefused() throws {
        var s = try tinySpec()
        let t = s.tensors.firstIndex { $0.name == "transformer.h.0.ln_1.bias" }!
        var data = [Float](repeating: 0, count: 32)
        data[5] = .nan
        s.tensors[t].storage = .inline(data.withUnsafeBufferPointer { Data(buffer: $0) })
        expect(s, .nonFiniteWeights(tensor: "transformer.h.0.ln_1.bias", index: 5))
    }

    func testKindsAndAttributesAreChecked() throws {
        var s = try tinySpec()
        let i = index(s, "blocks.0.mlp.hook_post")
        s.nodes[i].kind = "swish"
        XCTAssertThrowsError(try load(s)) { e in
            guard case .unknownKind(let node, let kind, 1, let available)? = e as? ModelError else { return XCTFail("\(e)") }
            XCTAssertEqual(node, "blocks.0.mlp.hook_post")
            XCTAssertEqual(kind, "swish")
            XCTAssertTrue(available.contains("relu@1 (built-in)"))
        }
        s = try tinySpec()
        let a = index(s, "blocks.0.hook_attn_out")
        s.nodes[a].attrs["n_heads"] = .int(5)
        expect(s, .badAttr(node: "blocks.0.hook_attn_out", attr: "n_heads", expected: "a divisor of the width 32", found: "5"))
        s.nodes[a].attrs["n_heads"] = .string("four")
        expect(s, .badAttr(node: "blocks.0.hook_attn_out", attr: "n_heads", expected: "an int", found: "string"))
        s = try tinySpec()
        s.nodes[i].kindVersion = 9
        XCTAssertThrowsError(try load(s)) { e in XCTAssertTrue("\(e)".contains("version 9"), "\(e)") }
    }

    func testHooksCaptureOnlyWhatIsAskedAndStopEarly() throws {
        let model = try load(try tinySpec())
        let ctx = ForwardContext(sequences: [[1, 2, 3]])
        let out = try model.forward(ctx, capture: ["blocks.0.mlp.hook_pre", "blocks.1.hook_resid_pre"])
        XCTAssertEqual(Set(out.keys), ["blocks.0.mlp.hook_pre", "blocks.1.hook_resid_pre"])
        XCTAssertEqual(out["blocks.1.hook_resid_pre"], try model.forward(ctx, capture: ["blocks.0.hook_resid_post"])["blocks.0.hook_resid_post"])
        XCTAssertThrowsError(try model.forward(ctx, capture: ["no.such.hook"])) { e in
            XCTAssertTrue("\(e)".contains("no.such.hook"))
        }
        let profile = ForwardProfile()
        _ = try model.forward(ctx, capture: ["blocks.0.ln1.hook_normalized"], profile: profile)
        XCTAssertEqual(Set(profile.seconds.keys), ["token_embedding", "pos_embedding", "add", "layer_norm"],
                       "nodes after the last requested hook ran")
    }

    func testOverridesPatchANodeOutput() throws {
        let model = try load(try tinySpec())
        let ctx = ForwardContext(sequences: [[5, 6, 7, 8]])
        let base = try model.forward(ctx, capture: ["blocks.0.hook_resid_mid", "blocks.0.hook_resid_post"])
        var patched = base["blocks.0.hook_resid_mid"]!
        for i in 0..<patched.data.count { patched.data[i] *= 2 }
        let profile = ForwardProfile()
        let out = try model.forward(ctx, capture: ["blocks.0.hook_resid_post"], overrides: ["blocks.0.hook_resid_mid": patched], profile: profile)
        XCTAssertNotEqual(out["blocks.0.hook_resid_post"], base["blocks.0.hook_resid_post"])
        XCTAssertNil(profile.seconds["attention"], "nodes feeding only the overridden node ran")
    }
}
