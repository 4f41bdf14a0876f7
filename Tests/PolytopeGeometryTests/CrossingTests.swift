import Foundation
import PolytopeGeometry
import PolytopeModel
import XCTest

/// Exact crossings of one ReLU layer against brute-force sampling of the pre-activations,
/// computed here independently in double precision from the known weights.
final class CrossingTests: XCTestCase {
    static let d = 8, units = 64

    /// Pre-activations W·x + b of x = a·x0 + b·x1, in double precision.
    func pre(_ w: [Float], _ bias: [Float], _ x0: [Float], _ x1: [Float], _ a: Double, _ b: Double) -> [Double] {
        let d = Self.d, u = Self.units
        let x = (0..<d).map { a * Double(x0[$0]) + b * Double(x1[$0]) }
        return (0..<u).map { j in (0..<d).reduce(Double(bias[j])) { $0 + x[$1] * Double(w[$1 * u + j]) } }
    }

    /// Samples `n` evenly spaced t and returns, per unit flip between neighbours, (unit, interval midpoint).
    func sampledFlips(n: Int, _ at: (Double) -> [Double]) -> [(Int, Double)] {
        var flips: [(Int, Double)] = []
        var prev = at(0).map { $0 > 0 }
        for i in 1..<n {
            let t = Double(i) / Double(n - 1)
            let cur = at(t).map { $0 > 0 }
            for j in 0..<cur.count where cur[j] != prev[j] { flips.append((j, t - 0.5 / Double(n - 1))) }
            prev = cur
        }
        return flips
    }

    func assertAgree(_ exact: [Crossing], _ sampled: [(Int, Double)], tolerance: Double, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(exact.count, sampled.count, "crossing count", file: file, line: line)
        var remaining = sampled
        for c in exact {
            guard let k = remaining.firstIndex(where: { $0.0 == c.unit && abs($0.1 - c.t) <= tolerance }) else {
                XCTFail("exact crossing of unit \(c.unit) at t=\(c.t) has no sampled flip within \(tolerance)", file: file, line: line)
                continue
            }
            remaining.remove(at: k)
        }
    }

    func testStraightPathCrossingsMatchSamplingAt1e5Points() throws {
        let (model, w, b) = try GeometryFixtures.singleReLU(d: Self.d, units: Self.units)
        let site = try MLPSite(model: model, layer: 0)
        XCTAssertEqual(site.inputHook, "hook_embed")
        let x0 = GeometryFixtures.values(Self.d, seed: 101).map { $0 * 3 }, x1 = GeometryFixtures.values(Self.d, seed: 202).map { $0 * 3 }
        let path = try ActivationPath(from: x0, to: x1, kind: .straight)
        let exact = PathAnalysis.exactCrossings(site: site, path: path, tolerance: 1e-9)
        XCTAssertGreaterThan(exact.count, 10, "the path must cross boundaries for the test to mean anything")
        let n = 100_001
        let sampled = sampledFlips(n: n) { t in self.pre(w, b, x0, x1, 1 - t, t) }
        // Positions agree to half the sample spacing (5e-6), plus float rounding of the weights.
        assertAgree(exact, sampled, tolerance: 0.5 / Double(n - 1) + 1e-7)
    }

    func testSphericalPathCrossingsMatchSamplingAt1e5Points() throws {
        let (model, w, b) = try GeometryFixtures.singleReLU(d: Self.d, units: Self.units, seed: 11)
        let site = try MLPSite(model: model, layer: 0)
        let x0 = GeometryFixtures.values(Self.d, seed: 303).map { $0 * 3 }, x1 = GeometryFixtures.values(Self.d, seed: 404).map { $0 * 2 }
        let path = try ActivationPath(from: x0, to: x1, kind: .spherical)
        XCTAssertEqual(path.kind, .spherical)
        let exact = PathAnalysis.exactCrossings(site: site, path: path, tolerance: 1e-9)
        XCTAssertGreaterThan(exact.count, 10)
        let n = 100_001
        let sampled = sampledFlips(n: n) { t in
            let (a, c) = path.coefficients(t)
            return self.pre(w, b, x0, x1, a, c)
        }
        assertAgree(exact, sampled, tolerance: 0.5 / Double(n - 1) + 1e-7)
    }

    /// A unit whose pre-activation along the arc rises above the knot and falls back crosses
    /// twice; both roots must be found (the split at the stationary point).
    func testSphericalSolverFindsBothRootsOfAnArc() {
        // x0 = (1, 0), x1 = (-1, 0.0001) ~ half circle; unit reads the second coordinate minus 0.5.
        let omega = Double.pi * 0.9
        // u = W x0 = 0, v = W x1 = sin(omega) (unit vector at angle omega, second coordinate), bias -0.5.
        let c = BoundarySolver.spherical(u: [0], v: [sin(omega)], bias: [-0.5], omega: omega, knots: [0], layer: 0, tolerance: 1e-12)
        XCTAssertEqual(c.count, 2)
        // sin(theta) = 0.5 at theta = pi/6 and 5pi/6.
        XCTAssertEqual(c[0].t, (Double.pi / 6) / omega, accuracy: 1e-9)
        XCTAssertEqual(c[1].t, (5 * Double.pi / 6) / omega, accuracy: 1e-9)
    }

    func testStraightSolverKnownAnswer() {
        let c = BoundarySolver.straight(p0: [-1, 2, 5], p1: [3, -2, 6], knots: [0], layer: 3)
        XCTAssertEqual(c.map(\.t), [0.25, 0.5])
        XCTAssertEqual(c.map(\.unit), [0, 1])
        XCTAssertEqual(c.map(\.layer), [3, 3])
    }

    /// The sampled counter, run through the model runtime on layer 0 itself (affine along a
    /// straight path, so no unit crosses twice), finds every exact crossing to its resolution.
    func testDenseCounterThroughRuntimeMatchesExactCrossings() throws {
        let (model, _, _) = try GeometryFixtures.singleReLU(d: Self.d, units: Self.units)
        let site = try MLPSite(model: model, layer: 0)
        let point = TokenPoint(spec: "test", tokens: [1], position: 0, tokenText: "t")
        let runner = try InjectionRunner(model: model, point: point, injectHook: site.inputHook, codeLayers: [0])
        let x0 = GeometryFixtures.values(Self.d, seed: 101).map { $0 * 3 }, x1 = GeometryFixtures.values(Self.d, seed: 202).map { $0 * 3 }
        let path = try ActivationPath(from: x0, to: x1, kind: .straight)
        let exact = PathAnalysis.exactCrossings(site: site, path: path, tolerance: 1e-9)
        let resolution = 1e-6
        let counter = DenseCrossingCounter(samples: 33, resolution: resolution, layers: [0], layerOffsets: [0])
        let dense = try counter.run { ts in try runner.evaluate(ts.map { path.point($0) }).map(\.regions) }
        XCTAssertEqual(dense.crossings.reduce(0) { $0 + $1.count }, exact.count)
        for c in exact {
            XCTAssertTrue(dense.crossings.contains { abs($0.t - c.t) <= resolution + 1e-6 }, "no sampled event near t=\(c.t)")
        }
    }
}
