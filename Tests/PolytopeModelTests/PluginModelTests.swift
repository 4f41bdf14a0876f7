import Foundation
import PolytopeBuiltins
import PolytopeModel
import XCTest

/// Models that use kinds from the example runtime plugin (`Plugins/LeakyReLU`), checked
/// against a brute-force Swift computation of the same graph.
final class PluginModelTests: XCTestCase {
    static let vocab = 5, d = 4, hidden = 6
    static let slope: Float = 0.1

    /// token_embedding -> linear (d -> hidden) -> leaky_relu, and swiglu (hidden -> hidden/2)
    /// on the same pre-activation.
    static func spec(slope: AttrValue? = .float(Double(PluginModelTests.slope))) -> ModelSpec {
        var s = ModelSpec()
        s.name = "plugin-test"
        s.tensors = [
            SpecBuilder.tensor("wte", [vocab, d], SpecBuilder.values(vocab * d, seed: 1)),
            SpecBuilder.tensor("w1", [d, hidden], SpecBuilder.values(d * hidden, seed: 2)),
            SpecBuilder.tensor("b1", [hidden], SpecBuilder.values(hidden, seed: 3)),
        ]
        s.nodes = [
            NodeSpec(name: "embed", kind: "token_embedding", params: ["weight": "wte"]),
            NodeSpec(name: "blocks.0.mlp.hook_pre", kind: "linear", inputs: ["embed"], params: ["weight": "w1", "bias": "b1"]),
            NodeSpec(name: "blocks.0.mlp.hook_post", kind: "leaky_relu", inputs: ["blocks.0.mlp.hook_pre"],
                     attrs: slope.map { ["negative_slope": $0] } ?? [:]),
            NodeSpec(name: "gate", kind: "swiglu", inputs: ["blocks.0.mlp.hook_pre"]),
        ]
        return s
    }

    /// The pre-activation rows, computed directly from the tensors in double precision.
    static func bruteForcePre(_ ids: [Int32]) -> [[Double]] {
        let wte = SpecBuilder.values(vocab * d, seed: 1), w1 = SpecBuilder.values(d * hidden, seed: 2)
        let b1 = SpecBuilder.values(hidden, seed: 3)
        return ids.map { id in
            (0..<hidden).map { j in
                (0..<d).reduce(Double(b1[j])) { $0 + Double(wte[Int(id) * d + $1]) * Double(w1[$1 * hidden + j]) }
            }
        }
    }

    func assertClose(_ m: Matrix, _ expected: [[Double]], _ what: String, tolerance: Double = 1e-5) {
        XCTAssertEqual(m.rows, expected.count, what)
        for (r, row) in expected.enumerated() {
            XCTAssertEqual(m.cols, row.count, what)
            for (c, v) in row.enumerated() where r < m.rows && c < m.cols {
                XCTAssertEqual(Double(m[r, c]), v, accuracy: tolerance, "\(what) [\(r), \(c)]")
            }
        }
    }

    func testModelWithPluginKindsMatchesBruteForce() throws {
        let model = try Model.load(path: try SpecBuilder.write(Self.spec()), registry: try PluginFixtures.registryWithExample())
        let ids: [Int32] = [0, 1, 2, 3, 4, 2, 1]
        let out = try model.forward(ForwardContext(sequences: [Array(ids[0..<4]), Array(ids[4...])]),
                                    capture: ["blocks.0.mlp.hook_pre", "blocks.0.mlp.hook_post", "gate"])
        // The second sequence is padded with id 0 to length 4.
        let padded: [Int32] = Array(ids[0..<4]) + Array(ids[4...]) + [0]
        let pre = Self.bruteForcePre(padded)
        assertClose(try XCTUnwrap(out["blocks.0.mlp.hook_pre"]), pre, "pre")
        let slope = Double(Self.slope)
        assertClose(try XCTUnwrap(out["blocks.0.mlp.hook_post"]), pre.map { $0.map { $0 > 0 ? $0 : slope * $0 } }, "leaky_relu")
        let h = Self.hidden / 2
        let gate = pre.map { row in (0..<h).map { j in row[j] / (1 + Foundation.exp(-row[j])) * row[h + j] } }
        assertClose(try XCTUnwrap(out["gate"]), gate, "swiglu")
        // Some pre-activations must be negative, or the slope would go untested.
        XCTAssertTrue(pre.joined().contains { $0 < -0.05 })
    }

    func testPluginActivationReportsItsKnots() throws {
        let model = try Model.load(path: try SpecBuilder.write(Self.spec()), registry: try PluginFixtures.registryWithExample())
        XCTAssertEqual(try model.knots(hook: "blocks.0.mlp.hook_post"), [0])
        XCTAssertNil(try model.knots(hook: "gate"), "swiglu is not an activation")
        XCTAssertEqual(model.widths, [Self.d, Self.hidden, Self.hidden, Self.hidden / 2])
        let kind = model.kinds[2]
        XCTAssertEqual(kind.name, "leaky_relu")
        XCTAssertTrue(kind.provider.hasSuffix(PluginFixtures.libraryName), kind.provider)
        XCTAssertTrue(kind.summary.contains("PolytopeLeakyReLU"), kind.summary)
    }

    func testDefaultSlopeIsOneHundredth() throws {
        let model = try Model.load(path: try SpecBuilder.write(Self.spec(slope: nil)), registry: try PluginFixtures.registryWithExample())
        let ids: [Int32] = [0, 1, 2, 3, 4]
        let out = try model.forward(ForwardContext(sequences: [ids]), capture: ["blocks.0.mlp.hook_post"])
        let pre = Self.bruteForcePre(ids)
        assertClose(try XCTUnwrap(out["blocks.0.mlp.hook_post"]), pre.map { $0.map { $0 > 0 ? $0 : 0.01 * $0 } }, "default slope")
    }

    func testWithoutThePluginTheKindIsUnknown() throws {
        let path = try SpecBuilder.write(Self.spec())
        XCTAssertThrowsError(try Model.load(path: path, registry: .builtins())) { error in
            guard case ModelError.unknownKind(let node, let kind, let version, let available)? = error as? ModelError else {
                return XCTFail("expected unknownKind, got \(error)")
            }
            XCTAssertEqual(node, "blocks.0.mlp.hook_post")
            XCTAssertEqual(kind, "leaky_relu")
            XCTAssertEqual(version, 1)
            XCTAssertTrue(available.contains("relu@1 (built-in)"), "\(available)")
            let text = "\(error)"
            XCTAssertTrue(text.contains("leaky_relu") && text.contains("relu@1 (built-in)") && text.contains("linear@1"), text)
        }
    }

    func testCreateFailureNamesTheNode() throws {
        let path = try SpecBuilder.write(Self.spec(slope: .string("steep")))
        XCTAssertThrowsError(try Model.load(path: path, registry: try PluginFixtures.registryWithExample())) { error in
            let lib = (try? PluginFixtures.examplePlugin()).flatMap { realpath($0, nil).map { String(cString: $0) } } ?? "?"
            XCTAssertEqual(error as? ModelError, .pluginKindFailed(node: "blocks.0.mlp.hook_post", kind: "leaky_relu", library: lib,
                                                                   message: "attribute 'negative_slope' must be a float"))
            XCTAssertTrue("\(error)".contains("node 'blocks.0.mlp.hook_post' (kind 'leaky_relu' from plugin \(lib))"), "\(error)")
        }
    }

    func testSwigluRefusesAnOddWidth() throws {
        var s = Self.spec()
        s.nodes[3].inputs = ["embed"]  // width 4 is fine: make it odd with a 3-wide linear
        s.tensors.append(SpecBuilder.tensor("w3", [Self.d, 3], SpecBuilder.values(Self.d * 3, seed: 9)))
        s.nodes.insert(NodeSpec(name: "odd", kind: "linear", inputs: ["embed"], params: ["weight": "w3"]), at: 3)
        s.nodes[4].inputs = ["odd"]
        XCTAssertThrowsError(try Model.load(path: try SpecBuilder.write(s), registry: try PluginFixtures.registryWithExample())) { error in
            guard case ModelError.pluginKindFailed(let node, let kind, _, let message)? = error as? ModelError else {
                return XCTFail("expected pluginKindFailed, got \(error)")
            }
            XCTAssertEqual(node, "gate")
            XCTAssertEqual(kind, "swiglu")
            XCTAssertTrue(message.contains("even") && message.contains("3"), message)
        }
    }

    func testPluginKindTakesExactlyOneInput() throws {
        var s = Self.spec()
        s.nodes[3].inputs = ["embed", "blocks.0.mlp.hook_pre"]
        XCTAssertThrowsError(try Model.load(path: try SpecBuilder.write(s), registry: try PluginFixtures.registryWithExample())) { error in
            XCTAssertEqual(error as? ModelError, .wrongInputCount(node: "gate", kind: "swiglu", expected: "1", found: 2))
        }
    }

    /// Plugin layers are shared by concurrent forward passes (the ABI's thread-safety rule):
    /// results match the ones computed one at a time.
    func testConcurrentForwardPassesAgree() throws {
        let model = try Model.load(path: try SpecBuilder.write(Self.spec()), registry: try PluginFixtures.registryWithExample())
        let hooks = ["blocks.0.mlp.hook_post", "gate"]
        let batches: [[[Int32]]] = (0..<16).map { i in [[Int32(i % 5), 1, 2], [Int32((i + 3) % 5), 4]] }
        let serial = try batches.map { try model.forward(ForwardContext(sequences: $0), capture: hooks) }
        var parallel = [[String: Matrix]?](repeating: nil, count: batches.count)
        let lock = NSLock()
        DispatchQueue.concurrentPerform(iterations: batches.count) { i in
            let out = try? model.forward(ForwardContext(sequences: batches[i]), capture: hooks)
            lock.lock()
            parallel[i] = out
            lock.unlock()
        }
        for i in batches.indices { XCTAssertEqual(parallel[i], serial[i], "batch \(i)") }
    }

    func testEnvironmentListLoadsAndSkipsEmptyEntries() throws {
        let lib = try PluginFixtures.examplePlugin()
        let r = LayerRegistry.builtins()
        let infos = try PluginLoader.loadFromEnvironment(into: r, environment: ["POLYTOPE_PLUGIN_PATH": "::\(lib):"])
        XCTAssertEqual(infos.count, 1)
        XCTAssertEqual(infos.first?.kinds, ["leaky_relu@1", "swiglu@1"])
        XCTAssertEqual(infos.first?.abiVersion, 1)
        XCTAssertNotNil(r.kind("leaky_relu", version: 1))
        XCTAssertEqual(try PluginLoader.loadFromEnvironment(into: LayerRegistry(), environment: [:]), [])
        XCTAssertTrue(PluginLoader.loaded.contains { $0.path == infos[0].path })
    }

    func testLoadingTheSameLibraryTwiceIsHarmless() throws {
        let lib = try PluginFixtures.examplePlugin()
        let r = LayerRegistry.builtins()
        let first = try PluginLoader.load(path: lib, into: r)
        let second = try PluginLoader.load(path: lib, into: r)
        XCTAssertEqual(first, second)
        XCTAssertEqual(r.all.filter { $0.name == "leaky_relu" }.count, 1)
    }
}
