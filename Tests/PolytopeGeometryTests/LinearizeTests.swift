import Foundation
import PolytopeBuiltins
import PolytopeGeometry
import PolytopeModel
import PolytopeProbe
import XCTest

final class LinearizeTests: XCTestCase {
    func gelu(_ x: Double) -> Double { 0.5 * x * (1 + erf(x / 2.0.squareRoot())) }

    func testPWLSurrogateInterpolatesGELU() {
        for k in GELUSurrogate.pwlKnots where abs(k) < 3 {
            XCTAssertEqual(Double(GELUSurrogate.pwlValue(k)), gelu(Double(k)), accuracy: 1e-6, "knot \(k)")
        }
        var worst = 0.0
        for i in 0...12_000 {
            let x = -6 + Double(i) / 1000
            worst = max(worst, abs(Double(GELUSurrogate.pwlValue(Float(x))) - gelu(x)))
        }
        XCTAssertLessThan(worst, 0.06)
        XCTAssertGreaterThan(worst, 0.01, "a PWL surrogate cannot be exact")
        // Linear between knots: the midpoint is the mean of the ends.
        let a = GELUSurrogate.pwlValue(0.5), b = GELUSurrogate.pwlValue(1)
        XCTAssertEqual(GELUSurrogate.pwlValue(0.75), (a + b) / 2, accuracy: 1e-6)
        XCTAssertEqual(GELUSurrogate.pwlValue(-10), 0)
        XCTAssertEqual(GELUSurrogate.pwlValue(10), 10)
    }

    func load(_ surrogate: GELUSurrogate) throws -> Model {
        try surrogate.linearize(try GeometryFixtures.tiny("gpt2-gelu-new"))
    }

    /// With the ReLU surrogate a GELU model's MLP is exactly affine inside each polytope.
    func testReLUSurrogateMakesTheAffineIdentityExact() throws {
        let model = try load(.relu)
        XCTAssertEqual(try model.knots(hook: "blocks.0.mlp.hook_post"), [0])
        let ids: [Int32] = [5, 17, 42, 99, 3, 250]
        for l in MLPSite.layers(of: model) {
            let site = try MLPSite(model: model, layer: l)
            let map = try MLPAffineMap(model: model, site: site)
            let out = try model.forward(ForwardContext(sequences: [ids]), capture: [site.inputHook, site.outHook, site.preHook, site.postHook])
            for r in 0..<ids.count {
                let xr = Array(out[site.inputHook]!.row(r))
                for (o, v) in zip(map.apply(xr, mask: map.mask(xr)), out[site.outHook]!.row(r)) {
                    XCTAssertEqual(o, Double(v), accuracy: 1e-4)
                }
                for (p, q) in zip(out[site.preHook]!.row(r), out[site.postHook]!.row(r)) { XCTAssertEqual(q, max(p, 0)) }
            }
        }
        let pwl = try load(.pwl)
        XCTAssertEqual(try pwl.knots(hook: "blocks.1.mlp.hook_post"), GELUSurrogate.pwlKnots)
    }

    func testLinearizeReportsSmallerChangeForTheCloserSurrogate() throws {
        let original = try GeometryFixtures.tiny("gpt2-gelu-new")
        let dir = GeometryFixtures.tempDir("lin-corpus")
        try Data("It is a truth universally acknowledged, that a single man in possession of a good fortune, must be in want of a wife.".utf8)
            .write(to: dir.appendingPathComponent("a.txt"))
        let corpus = try Corpus(paths: [dir.path])
        let relu = try LinearizeAnalysis.run(original: original, linearized: try load(.relu), surrogate: .relu, corpus: corpus, maxWindows: 4)
        let pwl = try LinearizeAnalysis.run(original: original, linearized: try load(.pwl), surrogate: .pwl, corpus: corpus, maxWindows: 4)
        XCTAssertGreaterThan(relu.tokens, 10)
        XCTAssertEqual(relu.layers[0].meanFlips, 0, "layer 0's pre-activations are upstream of every GELU")
        XCTAssertGreaterThan(relu.meanOutputChange, 0)
        XCTAssertLessThan(pwl.meanOutputChange, relu.meanOutputChange)
        XCTAssertLessThan(pwl.meanHiddenRelativeError, relu.meanHiddenRelativeError)
        // The original against itself moves nothing.
        let same = try LinearizeAnalysis.run(original: original, linearized: original, surrogate: .relu, corpus: corpus, maxWindows: 4)
        XCTAssertEqual(same.maxOutputChange, 0, accuracy: 1e-9)
        XCTAssertEqual(same.layers.map(\.meanFlips), [0, 0])
    }
}
