import Foundation
import PolytopeGeometry
import PolytopeModel
import PolytopeProbe
import XCTest

/// Within one polytope a ReLU MLP is affine: W_out · diag(code) · (W_in x + b_in) + b_out
/// equals the runtime's `blocks.L.hook_mlp_out` for real tokens.
final class AffineIdentityTests: XCTestCase {
    func check(_ model: Model, text: String, maxTokens: Int = 64) throws {
        let tok = try ModelTokenizer.make(for: model)
        let ids = Array(try tok.encode(text).map { Int32($0.id) }.prefix(maxTokens))
        for l in MLPSite.layers(of: model) {
            let site = try MLPSite(model: model, layer: l)
            let map = try MLPAffineMap(model: model, site: site)
            let out = try model.forward(ForwardContext(sequences: [ids]), capture: [site.inputHook, site.outHook])
            let x = out[site.inputHook]!, y = out[site.outHook]!
            var worst = 0.0, scale = 0.0
            for r in 0..<x.rows {
                let xr = Array(x.row(r))
                let f = map.apply(xr, mask: map.mask(xr))
                for (o, v) in zip(f, y.row(r)) {
                    worst = max(worst, abs(o - Double(v)))
                    scale = max(scale, abs(o))
                }
            }
            XCTAssertLessThan(worst, 1e-5 * max(1, scale) * 10, "layer \(l): max |formula - runtime| = \(worst), scale \(scale)")
        }
    }

    func testAffineFormulaMatchesRuntimeOnTinyReLUModel() throws {
        try check(try GeometryFixtures.tiny("gpt2-relu"), text: "It is a truth universally acknowledged, that a single man in possession of a good fortune")
    }

    func testAffineFormulaMatchesRuntimeOnDefaultReLUModel() throws {
        guard let model = try GeometryFixtures.defaultModel("gpt2-relu.pb") else {
            throw XCTSkip("models/gpt2-relu.pb is not present")
        }
        try check(model, text: "It is a truth universally acknowledged, that a single man in possession of a good fortune", maxTokens: 16)
    }

    /// A GELU model is not affine inside a polytope: the same formula must miss by far more
    /// than float tolerance (so the ReLU test above is not passing trivially).
    func testFormulaIsOnlyApproximateForGELU() throws {
        let model = try GeometryFixtures.tiny("gpt2-gelu-new")
        let site = try MLPSite(model: model, layer: 0)
        let map = try MLPAffineMap(model: model, site: site)
        let ids: [Int32] = [5, 17, 42, 99, 3]
        let out = try model.forward(ForwardContext(sequences: [ids]), capture: [site.inputHook, site.outHook])
        var worst = 0.0
        for r in 0..<ids.count {
            let xr = Array(out[site.inputHook]!.row(r))
            for (o, v) in zip(map.apply(xr, mask: map.mask(xr)), out[site.outHook]!.row(r)) { worst = max(worst, abs(o - Double(v))) }
        }
        XCTAssertGreaterThan(worst, 1e-3)
    }
}
