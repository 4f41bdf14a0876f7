import Foundation

/// One boundary crossing of one unit's knot along a path parameterised by t in [0, 1].
public struct Crossing: Codable, Sendable, Equatable {
    public var t: Double
    /// MLP layer of the unit.
    public var layer: Int
    /// Unit index within the layer; -1 when only a count is known (dense sampling).
    public var unit: Int
    /// Units whose region changed at this point (1 for an exact crossing; for dense sampling,
    /// the Hamming distance across the resolved interval).
    public var count: Int

    public init(t: Double, layer: Int, unit: Int, count: Int = 1) {
        self.t = t
        self.layer = layer
        self.unit = unit
        self.count = count
    }
}

/// Exact crossings of the knots of affine-then-elementwise units along straight and
/// spherical paths (the polytope boundaries of one MLP layer; Black et al. 2022, "Interpreting
/// Neural Networks through the Polytope Lens", arXiv 2211.12312).
public enum BoundarySolver {
    /// Straight path x(t) = (1 - t) x0 + t x1: each unit's pre-activation is affine in t,
    /// p(t) = p0 + t (p1 - p0), so it meets knot k once at t = (k - p0) / (p1 - p0) unless
    /// p1 == p0. Crossings with t in the open interval (0, 1), sorted by t.
    ///
    /// - Complexity: O(units · knots) plus the sort.
    public static func straight(p0: [Double], p1: [Double], knots: [Float], layer: Int) -> [Crossing] {
        precondition(p0.count == p1.count)
        var out: [Crossing] = []
        for j in 0..<p0.count {
            let d = p1[j] - p0[j]
            if d == 0 { continue }
            for k in knots {
                let t = (Double(k) - p0[j]) / d
                if t > 0, t < 1 { out.append(Crossing(t: t, layer: layer, unit: j)) }
            }
        }
        return out.sorted { ($0.t, $0.unit) < ($1.t, $1.unit) }
    }

    /// Spherical path (slerp on the raw vectors, Shoemake 1985): with Ω the angle between x0 and
    /// x1, x(t) = sin((1-t)Ω)/sin Ω · x0 + sin(tΩ)/sin Ω · x1. Writing u = W x0, v = W x1, a unit's
    /// pre-activation is p(θ) = u cos θ + q sin θ + b with θ = tΩ and q = (v - u cos Ω) / sin Ω.
    /// On θ in [0, Ω] (Ω ≤ π) its derivative vanishes at most where tan θ = q / u, so splitting
    /// at those points leaves monotone pieces with at most one root each: every root is
    /// bracketed, then refined by bisection until the bracket is shorter than `tolerance` in t.
    ///
    /// `u`, `v` are W x0 and W x1 without the bias; `bias` is added here.
    /// - Complexity: O(units · knots · log2(1 / tolerance)).
    public static func spherical(u: [Double], v: [Double], bias: [Double], omega: Double, knots: [Float],
                                 layer: Int, tolerance: Double = 1e-9) -> [Crossing] {
        precondition(u.count == v.count && u.count == bias.count)
        precondition(omega > 0 && omega <= Double.pi + 1e-12)
        let s = sin(omega), c = cos(omega)
        var out: [Crossing] = []
        for j in 0..<u.count {
            let p = u[j], q = (v[j] - u[j] * c) / s
            // Stationary points of p cos θ + q sin θ in (0, Ω), as t.
            let phi = atan2(q, p)
            var cuts: [Double] = [0]
            for m in -1...2 {
                let theta = phi + Double(m) * Double.pi
                if theta > 0, theta < omega { cuts.append(theta / omega) }
            }
            cuts.append(1)
            cuts.sort()
            for k in knots {
                let off = bias[j] - Double(k)
                func f(_ t: Double) -> Double { p * cos(t * omega) + q * sin(t * omega) + off }
                for i in 0..<(cuts.count - 1) {
                    var lo = cuts[i], hi = cuts[i + 1]
                    var flo = f(lo)
                    let fhi = f(hi)
                    // A unit is "on" when p > k (as its code bit), so brackets use that sign.
                    guard (flo > 0) != (fhi > 0) else { continue }
                    while hi - lo > tolerance {
                        let mid = 0.5 * (lo + hi), fm = f(mid)
                        if (fm > 0) == (flo > 0) { lo = mid; flo = fm } else { hi = mid }
                    }
                    let t = 0.5 * (lo + hi)
                    if t > 0, t < 1 { out.append(Crossing(t: t, layer: layer, unit: j)) }
                }
            }
        }
        return out.sorted { ($0.t, $0.unit) < ($1.t, $1.unit) }
    }
}
