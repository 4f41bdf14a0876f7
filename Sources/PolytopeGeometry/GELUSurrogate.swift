import Foundation
import PolytopeModel

/// Piecewise-linear stand-ins for GELU, so a GELU model's polytope partition becomes exact:
/// inside every region of every unit the MLP is then affine.
///
/// - `relu`: max(x, 0), one knot at 0 (the linearisation the codes of GELU already assume).
/// - `pwl`: the continuous piecewise-linear interpolant of GELU at the knots
///   -3, -2, -1, -0.5, 0, 0.5, 1, 2, 3, flat (0) left of -3 and the identity right of 3
///   (GELU(-3) = -0.004, GELU(3) = 2.996); max error about 0.05 (at the kinks near ±0.7).
public enum GELUSurrogate: String, CaseIterable, Sendable {
    case relu
    case pwl

    public static let pwlKnots: [Float] = [-3, -2, -1, -0.5, 0, 0.5, 1, 2, 3]

    public var knots: [Float] { self == .relu ? [0] : Self.pwlKnots }

    /// The surrogate's values at its knots (the PWL interpolant's nodes).
    static let pwlValues: [Float] = pwlKnots.map { k in
        k <= -3 ? 0 : (k >= 3 ? k : 0.5 * k * (1 + Float(erf(Double(k) / 2.0.squareRoot()))))
    }

    /// The surrogate function.
    @Sendable public static func pwlValue(_ x: Float) -> Float {
        let k = pwlKnots, v = pwlValues
        if x <= k[0] { return 0 }
        if x >= k[k.count - 1] { return x }
        var i = 0
        while x > k[i + 1] { i += 1 }
        let w = (x - k[i]) / (k[i + 1] - k[i])
        return v[i] + w * (v[i + 1] - v[i])
    }

    public var function: @Sendable (Float) -> Float {
        switch self {
        case .relu: return { $0 > 0 ? $0 : 0 }
        case .pwl: return GELUSurrogate.pwlValue
        }
    }

    /// The model with every GELU activation of its MLPs (per its anatomy) replaced by the
    /// surrogate: its knots (hence its codes) are then the surrogate's.
    public func linearize(_ model: Model) throws -> Model {
        let anatomy = try model.requireAnatomy()
        let targets = Set(try anatomy.blocks.map { try model.nodeIndex(hook: $0.mlp.activation) })
        let f = function, knots = knots
        return try model.replacingLayers { i, layer in
            guard targets.contains(i), (layer as? ActivationLayer)?.smoothFunction == .gelu else { return nil }
            return SurrogateActivation(width: layer.outputWidth, knots: knots, f: f)
        }
    }

    /// Whether the model has GELU activations in its MLPs.
    public static func hasGELU(_ model: Model) -> Bool {
        (model.spec.anatomy?.blocks ?? []).contains { b in
            model.hookIndex[b.mlp.activation].map { (model.layers[$0] as? ActivationLayer)?.smoothFunction == .gelu } ?? false
        }
    }
}

/// An elementwise piecewise-linear activation with the given knots.
final class SurrogateActivation: ActivationLayer, @unchecked Sendable {
    let outputWidth: Int
    let knots: [Float]
    let f: @Sendable (Float) -> Float

    init(width: Int, knots: [Float], f: @escaping @Sendable (Float) -> Float) {
        outputWidth = width
        self.knots = knots
        self.f = f
    }

    func forward(_ inputs: [Matrix], context: ForwardContext) throws -> Matrix {
        var out = inputs[0]
        let f = self.f
        out.data.withUnsafeMutableBufferPointer { x in
            let base = x.baseAddress!
            context.threading.forEachChunk(count: x.count, cost: 16) { r in
                for i in r { base[i] = f(base[i]) }
            }
        }
        return out
    }
}
