import Foundation

/// A path between two activation vectors, parameterised by t in [0, 1].
public struct ActivationPath: Sendable {
    public enum Kind: String, Codable, Sendable {
        /// x(t) = (1 - t) x0 + t x1.
        case straight
        /// Slerp on the raw vectors (Shoemake 1985); falls back to straight when the angle is
        /// below 1e-6 rad.
        case spherical
    }

    public let kind: Kind
    public let start: [Float]
    public let end: [Float]
    /// Angle between start and end (radians).
    public let omega: Double

    public init(from start: [Float], to end: [Float], kind: Kind) throws {
        guard start.count == end.count, !start.isEmpty else {
            throw GeometryError.badArgument("path end points have widths \(start.count) and \(end.count)")
        }
        var dot = 0.0, n0 = 0.0, n1 = 0.0
        for i in 0..<start.count {
            dot += Double(start[i]) * Double(end[i])
            n0 += Double(start[i]) * Double(start[i])
            n1 += Double(end[i]) * Double(end[i])
        }
        let cosine = (n0 > 0 && n1 > 0) ? max(-1, min(1, dot / (n0 * n1).squareRoot())) : 1
        let omega = acos(cosine)
        if kind == .spherical, omega > Double.pi - 1e-6 {
            throw GeometryError.badArgument("the end points are antipodal (angle \(omega) rad): the spherical path is not unique")
        }
        self.kind = (kind == .spherical && omega < 1e-6) ? .straight : kind
        self.start = start
        self.end = end
        self.omega = omega
    }

    /// Coefficients (a, b) with x(t) = a x0 + b x1.
    public func coefficients(_ t: Double) -> (Double, Double) {
        switch kind {
        case .straight: return (1 - t, t)
        case .spherical:
            let s = sin(omega)
            return (sin((1 - t) * omega) / s, sin(t * omega) / s)
        }
    }

    public func point(_ t: Double) -> [Float] {
        let (a, b) = coefficients(t)
        return (0..<start.count).map { Float(a * Double(start[$0]) + b * Double(end[$0])) }
    }

    /// Euclidean length of the path from t = 0 to each of `ts` (ascending): exact for a straight
    /// path, by summing 4096 chords per unit of t for a spherical one.
    ///
    /// - Complexity: O(width · 4096) for a spherical path.
    public func arcLength(at ts: [Double]) -> [Double] {
        // |x(t')| = |a' x0 + b' x1| with Gram terms; no need to build points.
        var g00 = 0.0, g01 = 0.0, g11 = 0.0
        for i in 0..<start.count {
            let a = Double(start[i]), b = Double(end[i])
            g00 += a * a; g01 += a * b; g11 += b * b
        }
        func dist(_ t0: Double, _ t1: Double) -> Double {
            let (a0, b0) = coefficients(t0), (a1, b1) = coefficients(t1)
            let da = a1 - a0, db = b1 - b0
            return max(0, da * da * g00 + 2 * da * db * g01 + db * db * g11).squareRoot()
        }
        if kind == .straight { return ts.map { dist(0, $0) } }
        let steps = 4096
        var out: [Double] = []
        var acc = 0.0, tPrev = 0.0
        for t in ts {
            let n = max(1, Int((t - tPrev) * Double(steps)))
            for s in 0..<n {
                acc += dist(tPrev + (t - tPrev) * Double(s) / Double(n), tPrev + (t - tPrev) * Double(s + 1) / Double(n))
            }
            out.append(acc)
            tPrev = t
        }
        return out
    }
}
