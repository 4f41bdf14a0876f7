import Foundation
import PolytopeGeometry
import PolytopeModel
import PolytopeProbe
import XCTest

final class ScaleTests: XCTestCase {
    func checkControl(_ model: Model, layer: Int) throws {
        let tok = try ModelTokenizer.make(for: model)
        let point = try TokenPoint.parse("It is a truth universally acknowledged@4", model: model, tokenizer: tok)
        let r = try ScaleAnalysis.run(model: model, at: point, layer: layer, maxScale: 4, steps: 81)
        XCTAssertEqual(r.series.map(\.placement), ["after_norm", "before_norm"])
        let before = r.series[1], after = r.series[0]
        // Before the layer norm: the code of layer L is the unscaled one for every factor above a small threshold.
        let threshold = 0.1
        for (i, f) in r.factors.enumerated() where f >= threshold {
            XCTAssertEqual(before.hammingLayer[i], 0, "before the norm, factor \(f)")
        }
        XCTAssertLessThanOrEqual(before.unchangedFrom ?? .infinity, threshold)
        // After it the scale is seen: at factor 0 the code is the bias's code, not the token's.
        XCTAssertGreaterThan(after.hammingLayer[0], 0)
        XCTAssertEqual(after.hammingLayer[r.factors.firstIndex(of: 1)!], 0)
        // The runtime's Hamming distance after the norm equals the exact crossings between f and 1.
        let exact = try XCTUnwrap(after.exactLayerCrossings)
        for (i, f) in r.factors.enumerated() {
            let lo = min(f, 1), hi = max(f, 1)
            if exact.contains(where: { abs($0.t - lo) < 1e-4 || abs($0.t - hi) < 1e-4 }) { continue }
            XCTAssertEqual(exact.filter { $0.t > lo && $0.t < hi }.count, after.hammingLayer[i], "factor \(f)")
        }
    }

    func testLayerNormCancelsScaleOnTinyModel() throws {
        let model = try GeometryFixtures.tiny("gpt2-relu")
        try checkControl(model, layer: 1)
    }

    func testLayerNormCancelsScaleOnDefaultModel() throws {
        guard let model = try GeometryFixtures.defaultModel("gpt2-relu.pb") else { throw XCTSkip("models/gpt2-relu.pb is not present") }
        try checkControl(model, layer: 2)
    }

    func testFactorsIncludeOne() {
        XCTAssertEqual(ScaleAnalysis.factors(max: 3, steps: 3), [0, 1, 1.5, 3])
        XCTAssertEqual(ScaleAnalysis.factors(max: 2, steps: 3), [0, 1, 2])
    }
}
