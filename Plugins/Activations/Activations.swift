import Foundation
import PolytopeModel

/// An elementwise activation; every kind here has one knot at 0, so a unit's polytope bit is
/// pre-activation > 0 (for GELU and SoLU that is the knot of their ReLU linearisation).
final class ElementwiseActivation: ActivationLayer, @unchecked Sendable {
    enum Function: Sendable { case relu, gelu, geluTanh, silu }

    let outputWidth: Int
    let knots: [Float] = [0]
    let function: Function

    init(width: Int, function: Function) {
        outputWidth = width
        self.function = function
    }

    var smoothFunction: SmoothFunction? { function == .relu ? nil : .gelu }

    func forward(_ inputs: [Matrix], context: ForwardContext) throws -> Matrix {
        let input = inputs[0], n = input.data.count
        let function = self.function
        let vector = (function == .gelu || function == .geluTanh) && FastMath.hasVectorKernels
        // Out of place: one read and one write per value, no copy of the input first.
        let data = [Float](unsafeUninitializedCapacity: n) { buf, count in
            let y = buf.baseAddress!
            input.data.withUnsafeBufferPointer { xb in
                let x = xb.baseAddress!
                context.threading.forEachChunk(count: n, cost: 16) { r in
                    if vector {
                        if function == .gelu {
                            FastMath.geluVector(x + r.lowerBound, y + r.lowerBound, count: r.count)
                        } else {
                            FastMath.geluTanhVector(x + r.lowerBound, y + r.lowerBound, count: r.count)
                        }
                        return
                    }
                    // One loop per function, each inlined, so the compiler can vectorize it.
                    switch function {
                    case .relu: for i in r { y[i] = ActivationFunctions.relu(x[i]) }
                    case .gelu: for i in r { y[i] = ActivationFunctions.gelu(x[i]) }
                    case .geluTanh: for i in r { y[i] = ActivationFunctions.geluTanh(x[i]) }
                    case .silu: for i in r { y[i] = ActivationFunctions.silu(x[i]) }
                    }
                }
            }
            count = n
        }
        return Matrix(rows: input.rows, cols: input.cols, data: data)
    }
}

/// SoLU (Elhage et al. 2022, "Softmax Linear Units"): x * softmax(x) over the hidden units,
/// then its layer norm, as TransformerLens's `solu_ln` MLPs.
final class SoLULayer: ActivationLayer, @unchecked Sendable {
    var smoothFunction: SmoothFunction? { .solu }
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
        out.layerNormalize(weight: lnWeight, bias: lnBias, eps: eps, threading: context.threading)
        return out
    }
}

public enum ActivationFunctions {
    @inline(__always) public static func relu(_ x: Float) -> Float { x > 0 ? x : 0 }
    /// GELU with the exact Gaussian CDF: x * Φ(x) (Hendrycks & Gimpel 2016).
    @inline(__always) public static func gelu(_ x: Float) -> Float { 0.5 * x * (1 + erfRational(x * 0.70710678118654752)) }

    /// erf as a rational minimax approximation on [-4, 4] (clamped outside, where erf is ±1 to
    /// float precision), the form Eigen and XLA use for float: no exp, no branches, so the
    /// loop vectorizes. Max absolute error 4.5e-7 against a double-precision erf (tested).
    @inline(__always)
    public static func erfRational(_ x: Float) -> Float {
        let xc = min(max(x, -4), 4)
        let x2 = xc * xc
        var p: Float = -2.72614225801306e-10
        p = x2 * p + 2.77068142495902e-08
        p = x2 * p - 2.10102402082508e-06
        p = x2 * p - 5.69250639462346e-05
        p = x2 * p - 7.34990630326855e-04
        p = x2 * p - 2.95459980854025e-03
        p = x2 * p - 1.60960333262415e-02
        var q: Float = -1.45660718464996e-05
        q = x2 * q - 2.13374055278905e-04
        q = x2 * q - 1.68282697438203e-03
        q = x2 * q - 7.37332916720468e-03
        q = x2 * q - 1.42647390514189e-02
        return xc * p / q
    }
    /// SiLU / swish: x·σ(x) = x / (1 + e^-x) (Elfwing et al. 2018; Ramachandran et al. 2017),
    /// the gate activation of SwiGLU MLPs. Uses `FastMath.exp` (relative error < 2e-7).
    @inline(__always) public static func silu(_ x: Float) -> Float { x / (1 + FastMath.exp(-x)) }
    /// GELU's tanh approximation, GPT-2's `gelu_new`.
    @inline(__always) public static func geluTanh(_ x: Float) -> Float {
        0.5 * x * (1 + tanh(0.79788456080286536 * (x + 0.044715 * x * x * x)))
    }
}

public enum ActivationKinds {
    static func elementwise(_ name: String, _ summary: String, _ f: ElementwiseActivation.Function) -> LayerKind {
        LayerKind(name: name, summary: summary, knots: [0]) { ctx in
            try ctx.allowParams([])
            return ElementwiseActivation(width: try ctx.singleInputWidth(), function: f)
        }
    }

    public static let relu = elementwise("relu", "max(x, 0); knot 0", .relu)
    public static let gelu = elementwise("gelu", "x·Φ(x) with erf; linearised knot 0", .gelu)
    public static let silu = elementwise("silu", "x·σ(x) (SiLU / swish, SwiGLU gate); linearised knot 0", .silu)
    public static let geluTanh = elementwise("gelu_new", "GELU tanh approximation (GPT-2 gelu_new); linearised knot 0", .geluTanh)

    /// `solu`: params `ln_weight`, optional `ln_bias` [d]; attr `eps` (default 1e-5).
    public static let solu = LayerKind(name: "solu", summary: "x·softmax(x) then layer norm (ln_weight, ln_bias); knot 0", knots: [0]) { ctx in
        try ctx.allowParams(["ln_weight", "ln_bias"])
        let d = try ctx.singleInputWidth()
        let w = try ctx.param("ln_weight", shape: [.exactly(d)])
        let b = try ctx.optionalParam("ln_bias", shape: [.exactly(d)])
        return SoLULayer(width: d, lnWeight: w.values, lnBias: b?.values, eps: Float(try ctx.float("eps", default: 1e-5)))
    }

    public static let all = [relu, gelu, geluTanh, silu, solu]
}
