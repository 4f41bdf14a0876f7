import Foundation
import PolytopeGeometry
import PolytopeModel
import XCTest

/// The local affine map's Jacobian against finite differences of the runtime, and its
/// spectral norm against independent bounds.
final class AffineNormTests: XCTestCase {
    func testJacobianMatchesFiniteDifferencesOfTheRuntime() throws {
        let model = try GeometryFixtures.tiny("gpt2-relu")
        let site = try MLPSite(model: model, layer: 1)
        let map = try MLPAffineMap(model: model, site: site)
        let ids: [Int32] = [5, 17, 42]
        let pos = 2
        let base = try model.forward(ForwardContext(sequences: [ids]), capture: [site.inputHook])[site.inputHook]!
        let x = Array(base.row(pos))
        let j = map.jacobian(mask: map.mask(x))
        let d = site.inWidth, eps: Float = 1e-3
        // One sequence per input coordinate, that coordinate nudged by eps at `pos`.
        var data: [Float] = []
        for i in 0..<d {
            var m = base.data
            m[pos * d + i] += eps
            data += m
        }
        data += base.data
        let ctx = ForwardContext(sequences: [[Int32]](repeating: ids, count: d + 1))
        let out = try model.forward(ctx, capture: [site.outHook], overrides: [site.inputHook: Matrix(rows: (d + 1) * ids.count, cols: d, data: data)])[site.outHook]!
        let y0 = out.row(d * ids.count + pos)
        // The nudge must stay inside the polytope for the Jacobian to be exact.
        let pre = site.preActivations(x)
        XCTAssertGreaterThan(pre.map { abs($0) }.min()!, 0.01, "a unit is too close to its knot for this eps")
        var worst: Float = 0
        for i in 0..<d {
            let yi = out.row(i * ids.count + pos)
            for (o, (a, b)) in zip(yi, y0).enumerated() { worst = max(worst, abs((a - b) / eps - j[i, o])) }
        }
        XCTAssertLessThan(worst, 1e-2, "finite differences (float, eps 1e-3) against the Jacobian")
    }

    func testSpectralNormWithinIndependentBounds() throws {
        let model = try GeometryFixtures.tiny("gpt2-relu")
        let site = try MLPSite(model: model, layer: 0)
        let map = try MLPAffineMap(model: model, site: site)
        let x = GeometryFixtures.values(site.inWidth, seed: 9)
        let norms = map.norms(at: x)
        let j = map.jacobian(mask: map.mask(x))
        // A = JᵀJ-like Gram (J Jᵀ, in x in); λ_max ≤ tr(A^k)^(1/k) ≤ n^(1/k) λ_max, k = 2^8.
        let n = j.rows
        var a = [Double](repeating: 0, count: n * n)
        for r in 0..<n { for c in 0..<n { var s = 0.0; for k in 0..<j.cols { s += Double(j[r, k]) * Double(j[c, k]) }; a[r * n + c] = s } }
        var logScale = 0.0
        for _ in 0..<8 {
            let f = a.map { $0 * $0 }.reduce(0, +).squareRoot()
            a = a.map { $0 / f }
            logScale = 2 * (logScale + log(f))
            var b = [Double](repeating: 0, count: n * n)
            for r in 0..<n { for k in 0..<n where a[r * n + k] != 0 { for c in 0..<n { b[r * n + c] += a[r * n + k] * a[k * n + c] } } }
            a = b
        }
        let trace = (0..<n).reduce(0.0) { $0 + a[$1 * n + $1] }
        let upper = exp((log(trace) + logScale) / 256).squareRoot()  // ≥ σ_max, ≤ n^(1/512) σ_max
        XCTAssertLessThanOrEqual(norms.spectral, upper * (1 + 1e-6))
        XCTAssertGreaterThanOrEqual(norms.spectral, upper / pow(Double(n), 1.0 / 512) * (1 - 1e-6))
        XCTAssertLessThanOrEqual(norms.spectral, norms.frobenius)
    }
}
