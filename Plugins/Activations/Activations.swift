import Foundation
import PolytopeModel

/// An elementwise activation; every kind here has one knot at 0, so a unit's polytope bit is
/// pre-activation > 0 (for GELU and SoLU that is the knot of their ReLU linearisation).
final class ElementwiseActivation: ActivationLayer, @unchecked Sendable {
    let outputWidth: Int
    let knots: [Float] = [0]
    let f: @Sendable (Float) -> Float

    init(width: Int, f: @escaping @Sendable (Float) -> Float) {
        outputWidth = width
        self.f = f
    }

    func forward(_ inputs: [Matrix], context: ForwardContext) throws -> Matrix {
        var out = inputs[0]
        let f = self.f
        out.data.withUnsafeMutableBufferPointer { x in
            let base = x.baseAddress!
            Parallel.forEachChunk(count: x.count, cost: 16) { r in
                for i in r { base[i] = f(base[i]) }
            }
        }
        return out
    }
}

/// SoLU (Elhage et al. 2022, "Softmax Linear Units"): x * softmax(x) over the hidden units,
/// then its layer norm, as TransformerLens's `solu_ln` MLPs.
final class SoLULayer: ActivationLayer, @unchecked Sendable {
    let outputWidth: Int
    let knots: [Float] = [0]
    let lnWeight: [Float]
    let lnBias: [Float]?
    let eps: Float

    init(width: Int, lnWeight: [Float], lnBias: [Float]?, eps: Float) {
        outputWidth = width
        self.lnWeight = lnWeight
        self.lnBias = lnBias
        self.eps = eps
    }

    func forward(_ inputs: [Matrix], context: ForwardContext) throws -> Matrix {
        var out = inputs[0]
        let d = out.cols
        out.data.withUnsafeMutableBufferPointer { x in
            for r in 0..<out.rows {
                let row = x.baseAddress! + r * d
                var mx = -Float.infinity
                for c in 0..<d { mx = max(mx, row[c]) }
                var sum: Float = 0
                for c in 0..<d { sum += Foundation.exp(row[c] - mx) }
                for c in 0..<d { row[c] = row[c] * Foundation.exp(row[c] - mx) / sum }
            }
        }
        out.layerNormalize(weight: lnWeight, bias: lnBias, eps: eps)
        return out
    }
}

public enum ActivationFunctions {
    @Sendable public static func relu(_ x: Float) -> Float { x > 0 ? x : 0 }
    /// GELU with the exact Gaussian CDF: x * Φ(x) (Hendrycks & Gimpel 2016).
    @Sendable public static func gelu(_ x: Float) -> Float { 0.5 * x * (1 + erf(x * 0.70710678118654752)) }
    /// GELU's tanh approximation, GPT-2's `gelu_new`.
    @Sendable public static func geluTanh(_ x: Float) -> Float {
        0.5 * x * (1 + tanh(0.79788456080286536 * (x + 0.044715 * x * x * x)))
    }
}

public enum ActivationKinds {
    static func elementwise(_ name: String, _ summary: String, _ f: @escaping @Sendable (Float) -> Float) -> LayerKind {
        LayerKind(name: name, summary: summary, knots: [0]) { ctx in
            try ctx.allowParams([])
            return ElementwiseActivation(width: try ctx.singleInputWidth(), f: f)
        }
    }

    public static let relu = elementwise("relu", "max(x, 0); knot 0", ActivationFunctions.relu)
    public static let gelu = elementwise("gelu", "x·Φ(x) with erf; linearised knot 0", ActivationFunctions.gelu)
    public static let geluTanh = elementwise("gelu_new", "GELU tanh approximation (GPT-2 gelu_new); linearised knot 0", ActivationFunctions.geluTanh)

    /// `solu`: params `ln_weight`, optional `ln_bias` [d]; attr `eps` (default 1e-5).
    public static let solu = LayerKind(name: "solu", summary: "x·softmax(x) then layer norm (ln_weight, ln_bias); knot 0", knots: [0]) { ctx in
        try ctx.allowParams(["ln_weight", "ln_bias"])
        let d = try ctx.singleInputWidth()
        let w = try ctx.param("ln_weight", shape: [.exactly(d)])
        let b = try ctx.optionalParam("ln_bias", shape: [.exactly(d)])
        return SoLULayer(width: d, lnWeight: w.values, lnBias: b?.values, eps: Float(try ctx.float("eps", default: 1e-5)))
    }

    public static let all = [relu, gelu, geluTanh, solu]
}
