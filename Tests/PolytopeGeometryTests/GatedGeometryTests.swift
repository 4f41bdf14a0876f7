import Foundation
import PolytopeGeometry
import PolytopeModel
import PolytopeProbe
import XCTest

/// Gated MLPs (the tiny Llama fixture: SwiGLU, GQA; every hook equals Hugging Face's,
/// FamilyConformanceTests): along a path in layer L's input the gate pre-activation is a
/// combination of the path's coefficients, so its crossings are found exactly; checked against
/// a brute-force sampling of the regions the runtime itself computes. What needs an affine map
/// per region is refused by name.
final class GatedGeometryTests: XCTestCase {
    func points(_ model: Model) throws -> (TokenPoint, TokenPoint) {
        let tok = try ModelTokenizer.make(for: model)
        return (try TokenPoint.parse("The cat sat on the mat@3", model: model, tokenizer: tok),
                try TokenPoint.parse("A dog ran in the park today@-1", model: model, tokenizer: tok))
    }

    func testGateCrossingsMatchBruteForceThroughTheRuntime() throws {
        let model = try GeometryFixtures.tiny("llama-gqa", fixtures: "families")
        let (a, b) = try points(model)
        for layer in model.mlpLayers {
            let site = try MLPSite(model: model, layer: layer)
            XCTAssertTrue(site.isGated)
            XCTAssertEqual(site.upHook, "blocks.\(layer).mlp.hook_pre_linear")
            let runner = try InjectionRunner(model: model, point: a, injectHook: site.inputHook, codeLayers: [layer])
            // The site's gate map reproduces the runtime's mlp.hook_pre at the point.
            let pre = try model.forward(ForwardContext(sequences: [a.tokens]), capture: [site.preHook])[site.preHook]!.row(a.position)
            for (x, y) in zip(site.preActivations(runner.baseVector), pre) {
                XCTAssertEqual(x, Double(y), accuracy: 1e-4 * max(1, abs(x)))
            }
            let x1 = try model.forward(ForwardContext(sequences: [b.tokens]), capture: [site.inputHook])[site.inputHook]!.row(b.position)
            for kind in [ActivationPath.Kind.straight, .spherical] {
                let path = try ActivationPath(from: runner.baseVector, to: Array(x1), kind: kind)
                let exact = PathAnalysis.exactCrossings(site: site, path: path, tolerance: 1e-9)
                let n = 8_193
                let brute = try runner.evaluate((0..<n).map { path.point(Double($0) / Double(n - 1)) }).map(\.regions)
                var events: [(unit: Int, t: Double)] = []
                for i in 1..<n {
                    for j in 0..<site.units where brute[i][j] != brute[i - 1][j] {
                        events.append((j, (Double(i) - 0.5) / Double(n - 1)))
                    }
                }
                XCTAssertGreaterThan(events.count, 3, "layer \(layer) \(kind): the path must cross gate boundaries")
                XCTAssertEqual(exact.count, events.count, "layer \(layer) \(kind): crossing count")
                for e in events {
                    XCTAssertTrue(exact.contains { $0.unit == e.unit && abs($0.t - e.t) <= 1.0 / Double(n - 1) },
                                  "layer \(layer) \(kind): runtime flip of unit \(e.unit) at t≈\(e.t) has no exact crossing")
                }
            }
        }
    }

    func testPathsAndScaleRunButAffineMeasuresAreRefused() throws {
        let model = try GeometryFixtures.tiny("llama-gqa", fixtures: "families")
        let (a, b) = try points(model)
        var config = PathConfig(layer: 1)
        config.steps = 17
        config.bins = 4
        let r = try PathAnalysis.run(model: model, from: a, to: b, config: config)
        XCTAssertEqual(r.exactCrossings, r.crossings.filter { $0.layer == 1 }.count)
        config.affineAt = [0.5]
        XCTAssertThrowsError(try PathAnalysis.run(model: model, from: a, to: b, config: config)) { e in
            XCTAssertTrue("\(e)".contains("gated MLP") && "\(e)".contains("not affine"), "\(e)")
        }
        let site = try MLPSite(model: model, layer: 0)
        XCTAssertThrowsError(try MLPAffineMap(model: model, site: site))
        let s = try ScaleAnalysis.run(model: model, at: a, layer: 0, maxScale: 4, steps: 9)
        let afterNorm = try XCTUnwrap(s.series.first { $0.placement == "after_norm" })
        // Each gate pre-activation is affine in the factor, so it crosses at most once: layer 0's
        // Hamming distance at ×4 from ×1 (runtime) is the number of exact crossings over (1, 4].
        let crossed = (afterNorm.exactLayerCrossings ?? []).filter { $0.t > 1 }
        XCTAssertEqual(Set(crossed.map(\.unit)).count, crossed.count)
        XCTAssertEqual(afterNorm.hammingLayer.last!, crossed.count)
    }
}
