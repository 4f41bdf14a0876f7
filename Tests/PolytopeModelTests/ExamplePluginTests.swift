import Foundation
import PolytopeBuiltins
import PolytopeIO
import PolytopeModel
import PolytopeTestSupport
import XCTest

/// The example plugins under `Plugins/Example*` (ABI version 2, built by `swift build`), each
/// run on seeded inputs and compared with NumPy references made by
/// `tools/make_plugin_fixtures.py` (float64 math, stored as float32).
final class ExamplePluginTests: XCTestCase {
    static let dir = Fixtures.repoRoot.appendingPathComponent("Tests/Fixtures/plugins")

    static func npy(_ name: String) throws -> (values: [Float], shape: [Int]) {
        let a = try NPYArray.read(from: dir.appendingPathComponent("\(name).npy"))
        return (try a.floats(), a.shape)
    }

    static func matrix(_ name: String) throws -> Matrix {
        let (v, s) = try npy(name)
        return Matrix(rows: s[0], cols: s[1], data: v)
    }

    /// The library `libPolytope<name>.so` beside the test bundle.
    static func library(_ name: String) throws -> String {
        let file = "libPolytope\(name).so"
        guard let p = BuildProducts.find(file) else {
            XCTFail(BuildProducts.missing(file))
            throw PluginFixtures.Missing(description: BuildProducts.missing(file))
        }
        return p
    }

    /// A node of `kind` built by the plugin, fed with `inputs` (fixture names).
    func run(_ lib: String, kind: String, version: UInt32 = 1, inputs: [String], params: [String: String] = [:],
             attrs: [String: AttrValue] = [:]) throws -> (Layer, Matrix) {
        let r = LayerRegistry.builtins()
        try PluginLoader.load(path: try Self.library(lib), into: r)
        let k = try XCTUnwrap(r.kind(kind, version: version))
        XCTAssertNotNil(k.schema, "ABI v2 kinds declare a schema")
        var tensors: [TensorSpec] = []
        for (_, fixture) in params {
            let (v, s) = try Self.npy(fixture)
            tensors.append(SpecBuilder.tensor(fixture, s, v))
        }
        let xs = try inputs.map(Self.matrix)
        let node = NodeSpec(name: "n", kind: kind, kindVersion: version, inputs: inputs, params: params, attrs: attrs)
        let ctx = LayerBuildContext(node: node, inputWidths: xs.map(\.cols), weights: try WeightStore(tensors: tensors, baseDirectory: "/"),
                                    model: ModelSpec())
        let layer = try k.build(ctx)
        return (layer, try layer.forward(xs, context: ForwardContext(batch: 1, seqLen: xs[0].rows, tokenIDs: .init(repeating: 0, count: xs[0].rows))))
    }

    func assertMatches(_ out: Matrix, _ reference: String, tolerance: Float = 2e-6, file: StaticString = #filePath, line: UInt = #line) throws {
        let ref = try Self.matrix(reference)
        XCTAssertEqual(out.rows, ref.rows, file: file, line: line)
        XCTAssertEqual(out.cols, ref.cols, file: file, line: line)
        for (i, (a, b)) in zip(out.data, ref.data).enumerated() {
            XCTAssertEqual(a, b, accuracy: tolerance * max(1, abs(b)), "element \(i)", file: file, line: line)
        }
    }

    func testSquaredReLUWrittenInSwift() throws {
        let (layer, out) = try run("SquaredReLU", kind: "squared_relu", inputs: ["x"])
        try assertMatches(out, "squared_relu")
        XCTAssertEqual((layer as? ActivationLayer)?.knots, [0])
    }

    func testHardTanhHasTwoKnotsFromItsAttributes() throws {
        let (layer, out) = try run("HardTanh", kind: "hardtanh", inputs: ["x"], attrs: ["min_val": .float(-0.5), "max_val": .float(1.5)])
        try assertMatches(out, "hardtanh")
        XCTAssertEqual((layer as? ActivationLayer)?.knots, [-0.5, 1.5], "create() chose the node's knots from its attributes")
        let (defaults, _) = try run("HardTanh", kind: "hardtanh", inputs: ["x"])
        XCTAssertEqual((defaults as? ActivationLayer)?.knots, [-1, 1], "schema defaults reach create()")
    }

    func testRMSNormTakesAParameterAndAFloatAttribute() throws {
        let (_, out) = try run("RMSNorm", kind: "example_rms_norm", inputs: ["x"], params: ["weight": "rms_weight"], attrs: ["eps": .float(1e-3)])
        try assertMatches(out, "example_rms_norm", tolerance: 1e-5)
    }

    func testSwiGLUIsATwoInputNode() throws {
        let (_, out) = try run("SwiGLU", kind: "swiglu", version: 2, inputs: ["gate", "up"])
        try assertMatches(out, "swiglu", tolerance: 1e-5)
    }

    func testJumpReLUHasPerUnitThresholdsFromItsParameter() throws {
        let (layer, out) = try run("JumpReLU", kind: "jump_relu", inputs: ["x"], params: ["threshold": "threshold"])
        try assertMatches(out, "jump_relu")
        let act = try XCTUnwrap(layer as? ActivationLayer)
        XCTAssertEqual(act.unitKnots, try Self.npy("threshold").values, "one knot per unit: its threshold")
    }
}
