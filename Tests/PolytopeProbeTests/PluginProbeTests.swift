import Foundation
import PolytopeBuiltins
import PolytopeCodes
import PolytopeIO
import PolytopeModel
import PolytopeProbe
import PolytopeTestSupport
import XCTest

/// Probes of models with plugin kinds: per-unit knots (JumpReLU thresholds) in the codes, and
/// the identity of the model file and plugin libraries in the state and summary, with a resume
/// refused when a library changed.
final class PluginProbeTests: XCTestCase {
    static func library(_ name: String) throws -> String {
        guard let p = BuildProducts.find("libPolytope\(name).so") else {
            XCTFail(BuildProducts.missing("libPolytope\(name).so"))
            throw CocoaError(.fileNoSuchFile)
        }
        return URL(fileURLWithPath: p).resolvingSymlinksInPath().path
    }

    static let text = "It is a truth universally acknowledged, that a single man in possession of a good fortune, must be in want of a wife."

    /// The tiny GPT-2 with every ReLU replaced by `jump_relu`, thresholds seeded per unit.
    func jumpModel(in dir: URL) throws -> (String, [Float]) {
        var spec = try ModelFile.read(path: try ProbeFixtures.tinyModel(in: dir))
        var thresholds: [Float] = []
        for i in spec.nodes.indices where spec.nodes[i].kind == "relu" {
            let width = spec.tensors.first { $0.name == spec.nodes[i - 1].params["bias"] }!.shape[0]
            var rng: UInt64 = 12345 &+ UInt64(i)
            let t: [Float] = (0..<width).map { _ in
                rng = rng &* 6364136223846793005 &+ 1442695040888963407
                return Float(Int(rng >> 40) % 1000) / 2000 - 0.1  // in [-0.1, 0.4)
            }
            if spec.nodes[i].name == "blocks.1.mlp.hook_post" { thresholds = t }
            var d = Data()
            for v in t { withUnsafeBytes(of: v.bitPattern.littleEndian) { d.append(contentsOf: $0) } }
            spec.tensors.append(TensorSpec(name: spec.nodes[i].name + ".threshold", dtype: .f32, shape: [width], storage: .inline(d)))
            spec.nodes[i].kind = "jump_relu"
            spec.nodes[i].params = ["threshold": spec.nodes[i].name + ".threshold"]
        }
        let path = dir.appendingPathComponent("jump.pb").path
        try ModelFile.write(spec, to: path)
        return (path, thresholds)
    }

    func testPerUnitKnotsGiveCodesAgainstEachUnitsThreshold() throws {
        let dir = ProbeFixtures.tempDir("probe-jump")
        let lib = try Self.library("JumpReLU")
        let (model, thresholds) = try jumpModel(in: dir)
        let corpus = dir.appendingPathComponent("c.txt")
        try Self.text.write(to: corpus, atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("probe"), hooks = dir.appendingPathComponent("hooks")
        var (status, err) = try ProbeFixtures.run(["probe", "--model", model, "--plugin", lib, "--corpus", corpus.path, "--layer", "1",
                                                   "--tokens", "all", "--k", "2", "--out", out.path, "--quiet"])
        XCTAssertEqual(status, 0, err)
        (status, err) = try ProbeFixtures.run(["run", "--model", model, "--plugin", lib, "--text", Self.text,
                                               "--hook", "blocks.1.mlp.hook_pre", "--out", hooks.path])
        XCTAssertEqual(status, 0, err)
        let pre = try NPYArray.read(from: hooks.appendingPathComponent("blocks.1.mlp.hook_pre.npy"))
        let (rows, units) = (pre.shape[0], pre.shape[1])
        let values = try pre.floats()
        var bools: [Bool] = []
        for r in 0..<rows { for u in 0..<units { bools.append(values[r * units + u] > thresholds[u]) } }
        let codes = try NPYArray.read(from: out.appendingPathComponent("codes-layer1.npy"))
        XCTAssertEqual(codes.shape, [rows, units / 8])
        XCTAssertEqual(try CodeMatrix(npy: codes, bits: units), try CodeMatrix(bools: bools, rows: rows, bits: units))
        // A shared knot at 0 would give other codes on this model: the thresholds matter.
        XCTAssertNotEqual(bools, values.map { $0 > 0 })
    }

    func testIdentityIsRecordedAndAnotherBuildOfThePluginIsRefused() throws {
        let dir = ProbeFixtures.tempDir("probe-identity")
        let lib = try Self.library("JumpReLU")
        let (model, _) = try jumpModel(in: dir)
        let corpus = dir.appendingPathComponent("c.txt")
        try Self.text.write(to: corpus, atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("probe")
        let args = ["probe", "--model", model, "--corpus", corpus.path, "--layer", "1", "--tokens", "all", "--k", "2", "--out", out.path, "--quiet"]
        var (status, err) = try ProbeFixtures.run(args + ["--plugin", lib])
        XCTAssertEqual(status, 0, err)
        let summary = try JSONDecoder().decode(ProbeSummary.self, from: Data(contentsOf: out.appendingPathComponent("summary.json")))
        let identity = try XCTUnwrap(summary.identity)
        XCTAssertEqual(identity.modelSHA256, try SHA256.file(model))
        XCTAssertEqual(identity.plugins.map(\.path), [lib])
        XCTAssertEqual(identity.plugins.first?.sha256, try SHA256.file(lib))
        XCTAssertEqual(identity.plugins.first?.kinds, ["jump_relu@1"])
        let state = try XCTUnwrap(try ProbeDirectory(out).state())
        XCTAssertEqual(state.fingerprint[RunIdentity.modelKey], identity.modelSHA256)

        // Another build of the library (same kinds, other bytes): refused, both values shown.
        let other = dir.appendingPathComponent("libOther.so").path
        var bytes = try Data(contentsOf: URL(fileURLWithPath: lib))
        bytes.append(0)
        try bytes.write(to: URL(fileURLWithPath: other))
        (status, err) = try ProbeFixtures.run(args + ["--plugin", other])
        XCTAssertNotEqual(status, 0)
        XCTAssertTrue(err.contains(lib) && err.contains(other), err)
        let (h1, h2) = (try SHA256.file(lib), try SHA256.file(other))
        XCTAssertTrue(err.contains(h1) && err.contains(h2), err)
        XCTAssertEqual(try ProbeDirectory(out).state(), state, "the refused resume changed nothing")
    }
}
