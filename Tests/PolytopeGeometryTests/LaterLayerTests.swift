import Foundation
import PolytopeGeometry
import PolytopeModel
import PolytopeProbe
import XCTest

/// Later layers: the sampled-and-bisected counter against a much denser brute-force sampling
/// through the same runtime, on the tiny two-layer GPT-2 ReLU fixture.
final class LaterLayerTests: XCTestCase {
    func testDenseCounterMatchesBruteForceOnTinyModel() throws {
        let model = try GeometryFixtures.tiny("gpt2-relu")
        let tok = try ModelTokenizer.make(for: model)
        let a = try TokenPoint.parse("The cat sat on the mat@3", model: model, tokenizer: tok)
        let b = try TokenPoint.parse("A dog ran in the park today@-1", model: model, tokenizer: tok)
        XCTAssertEqual(a.tokens.count, a.position + 1, "a causal window ends at the token")
        let site = try MLPSite(model: model, layer: 0)
        XCTAssertEqual(site.inputHook, "blocks.0.ln2.hook_normalized")
        XCTAssertEqual(site.preNormHook, "blocks.0.hook_resid_mid")
        let runner = try InjectionRunner(model: model, point: a, injectHook: site.inputHook, codeLayers: [1])
        let x1 = try model.forward(ForwardContext(sequences: [b.tokens]), capture: [site.inputHook])[site.inputHook]!.row(b.position)
        for kind in [ActivationPath.Kind.straight, .spherical] {
            let path = try ActivationPath(from: runner.baseVector, to: Array(x1), kind: kind)
            let counter = DenseCrossingCounter(samples: 129, resolution: 1e-4, layers: [1], layerOffsets: [0])
            let dense = try counter.run { ts in try runner.evaluate(ts.map { path.point($0) }).map(\.regions) }
            let n = 16_385
            let brute = try runner.evaluate((0..<n).map { path.point(Double($0) / Double(n - 1)) }).map(\.regions)
            var bruteCount = 0
            var bruteEvents: [Double] = []
            for i in 1..<n {
                let k = DenseCrossingCounter.distance(brute[i - 1], brute[i])
                bruteCount += k
                if k > 0 { bruteEvents.append((Double(i) - 0.5) / Double(n - 1)) }
            }
            XCTAssertGreaterThan(bruteCount, 3, "\(kind): the path must cross later boundaries")
            XCTAssertEqual(dense.crossings.reduce(0) { $0 + $1.count }, bruteCount, "\(kind)")
            // Every brute-force event lies within a sample spacing plus the resolution of a resolved one.
            for t in bruteEvents {
                XCTAssertTrue(dense.crossings.contains { abs($0.t - t) <= 1e-4 + 1.0 / Double(n - 1) }, "\(kind): event at \(t)")
            }
            XCTAssertLessThan(dense.evaluations, n / 4, "bisection should need far fewer evaluations")
        }
    }

    func testPathAnalysisEndToEndOnTinyModel() throws {
        let model = try GeometryFixtures.tiny("gpt2-relu")
        let tok = try ModelTokenizer.make(for: model)
        let a = try TokenPoint.parse("The cat sat on the mat@2", model: model, tokenizer: tok)
        let b = try TokenPoint.parse("The dog ran in the park@2", model: model, tokenizer: tok)
        var config = PathConfig(layer: 0)
        config.steps = 65
        config.bins = 16
        config.affineAt = [0, 1]
        let r = try PathAnalysis.run(model: model, from: a, to: b, config: config)
        XCTAssertEqual(r.bins.count, 16)
        XCTAssertEqual(r.bins.reduce(0) { $0 + $1.exact }, r.exactCrossings, "every exact crossing falls in a bin")
        XCTAssertEqual(r.bins.reduce(0) { $0 + $1.later }, r.laterCrossings)
        XCTAssertEqual(r.samples.first?.outputChange ?? -1, 0, accuracy: 1e-9)
        // On a straight path each unit crosses at most once: the end's Hamming distance is the count.
        XCTAssertEqual(r.samples.last!.hammingLayer, r.exactCrossings)
        XCTAssertEqual(r.bins.reduce(0) { $0 + $1.length }, r.length, accuracy: 1e-6 * r.length)
        XCTAssertEqual(r.affineNorms.count, 2)
        XCTAssertGreaterThan(r.affineNorms[0].norms.spectral, 0)
        XCTAssertLessThanOrEqual(r.affineNorms[0].norms.spectral, r.affineNorms[0].norms.frobenius + 1e-9)
        let dir = GeometryFixtures.tempDir("path-out")
        try PathWriter.write(r, to: dir)
        for f in ["path.json", "bins.csv", "samples.csv", "crossings.csv", "path.svg"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: dir.appendingPathComponent(f).path), f)
        }
        let svg = try String(contentsOf: dir.appendingPathComponent("path.svg"), encoding: .utf8)
        XCTAssertTrue(svg.contains("<svg") && svg.contains("KL from start"))
    }

    func testBadPositionsAndLayersReadWell() throws {
        let model = try GeometryFixtures.tiny("gpt2-relu")
        let tok = try ModelTokenizer.make(for: model)
        XCTAssertThrowsError(try TokenPoint.parse("no index here", model: model, tokenizer: tok)) {
            XCTAssertTrue("\($0)".contains("expected TEXT@INDEX"), "\($0)")
        }
        XCTAssertThrowsError(try TokenPoint.parse("cat@9", model: model, tokenizer: tok)) {
            XCTAssertTrue("\($0)".contains("outside the text's"), "\($0)")
        }
        XCTAssertThrowsError(try MLPSite(model: model, layer: 7)) {
            XCTAssertEqual("\($0)", "layer 7 does not exist: the model's MLP layers are 0...1")
        }
    }
}
