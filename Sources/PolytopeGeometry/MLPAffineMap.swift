import Foundation
import PolytopeModel

/// Layer L's MLP as a local affine map. Inside one polytope (fixed code c) a ReLU MLP is
/// affine: mlp(x) = ((x W_in + b_in) ∘ c) W_out + b_out, with Jacobian J = W_in diag(c) W_out
/// (row-vector convention: dy = dx J). For GELU the same formula is its ReLU linearisation.
public struct MLPAffineMap: Sendable {
    public let site: MLPSite
    /// Output projection [units, out] row-major and its bias.
    public let wOut: [Float]
    public let bOut: [Float]
    public let outWidth: Int

    public init(model: Model, site: MLPSite) throws {
        guard !site.isGated else {
            throw GeometryError.unsupportedMLP(layer: site.layer, reason: "it is a gated MLP (act(x·W_gate) ⊙ (x·W_up)): inside a region it is quadratic in x, not affine, so it has no local affine map or affine norm (path crossings and scaling still work; see docs/families.md)")
        }
        let (w, b, din, dout) = try MLPSite.affine(model: model, hook: site.outHook, input: site.postHook, layer: site.layer)
        guard din == site.units else {
            throw GeometryError.unsupportedMLP(layer: site.layer, reason: "output projection takes \(din) units, the MLP has \(site.units)")
        }
        self.site = site
        wOut = w
        bOut = b
        outWidth = dout
    }

    /// The code (unit on: pre-activation above its first knot) of an input row.
    public func mask(_ x: [Float]) -> [Bool] {
        let k = Double(site.knots[0])
        return site.preActivations(x).map { $0 > k }
    }

    /// ((x W_in + b_in) ∘ mask) W_out + b_out, in double precision.
    ///
    /// - Complexity: O(in · units + units · out).
    public func apply(_ x: [Float], mask: [Bool]) -> [Double] {
        let pre = site.preActivations(x)
        var y = bOut.map(Double.init)
        for j in 0..<site.units where mask[j] {
            let h = pre[j]
            let base = j * outWidth
            for o in 0..<outWidth { y[o] += h * Double(wOut[base + o]) }
        }
        return y
    }

    /// J = W_in[:, mask] · W_out[mask, :], [in, out].
    ///
    /// - Complexity: O(in · |mask| · out) in one sgemm.
    public func jacobian(mask: [Bool]) -> Matrix {
        let on = mask.indices.filter { mask[$0] }
        let din = site.inWidth, k = on.count
        var a = [Float](repeating: 0, count: din * max(k, 1))
        var b = [Float](repeating: 0, count: max(k, 1) * outWidth)
        for (c, j) in on.enumerated() {
            for i in 0..<din { a[i * k + c] = site.wIn[i * site.units + j] }
            for o in 0..<outWidth { b[c * outWidth + o] = wOut[j * outWidth + o] }
        }
        var out = Matrix(zeros: din, outWidth)
        guard k > 0 else { return out }
        out.data.withUnsafeMutableBufferPointer { o in
            a.withUnsafeBufferPointer { pa in
                b.withUnsafeBufferPointer { pb in
                    BLAS.gemm(m: din, n: outWidth, k: k, a: pa.baseAddress!, lda: k, b: pb.baseAddress!, ldb: outWidth,
                              c: o.baseAddress!, ldc: outWidth)
                }
            }
        }
        return out
    }

    /// Norms of the local affine map.
    public struct Norms: Codable, Sendable, Equatable {
        public var spectral: Double
        public var frobenius: Double
        public var activeUnits: Int
    }

    /// Spectral norm by power iteration on JᵀJ (Golub & Van Loan §8.2; stops when the estimate
    /// changes by under 1e-9 relative, at most 500 rounds) and the Frobenius norm.
    ///
    /// - Complexity: O(in · out) per round after building J.
    public func norms(at x: [Float]) -> Norms {
        let m = mask(x)
        let j = jacobian(mask: m)
        var fro = 0.0
        for v in j.data { fro += Double(v) * Double(v) }
        return Norms(spectral: Self.spectralNorm(j), frobenius: fro.squareRoot(), activeUnits: m.filter { $0 }.count)
    }

    static func spectralNorm(_ j: Matrix) -> Double {
        let r = j.rows, c = j.cols
        var v = (0..<c).map { 1.0 + 0.01 * Double($0 % 7) }
        var sigma = 0.0
        for _ in 0..<500 {
            var u = [Double](repeating: 0, count: r)
            for i in 0..<r { var s = 0.0; for k in 0..<c { s += Double(j.data[i * c + k]) * v[k] }; u[i] = s }
            var w = [Double](repeating: 0, count: c)
            for i in 0..<r where u[i] != 0 { let ui = u[i]; for k in 0..<c { w[k] += Double(j.data[i * c + k]) * ui } }
            let n = (w.reduce(0) { $0 + $1 * $1 }).squareRoot()
            if n == 0 { return 0 }
            let next = n.squareRoot()
            v = w.map { $0 / n }
            if abs(next - sigma) <= 1e-9 * next { sigma = next; break }
            sigma = next
        }
        return sigma
    }
}
