/// What a built layer can tell about itself, so that code which needs a layer's mathematics
/// (geometry's affine maps, the vocabulary size) asks the layer rather than matching kind names.

/// A layer computing y = x W + b.
public protocol AffineLayer: Layer {
    var inWidth: Int { get }
    /// W as [in, out] row-major (whatever the stored layout) and b (zeros when absent), read
    /// from the model's weights (layers keep only their packed copy).
    func affineWeights(_ store: WeightStore) throws -> (weight: [Float], bias: [Float])
}

/// A layer that looks token ids up in a table of `vocabularySize` rows.
public protocol TokenEmbeddingLayer: Layer {
    var vocabularySize: Int { get }
}

/// Attention, bidirectional or causal.
public protocol AttentionLikeLayer: Layer {
    var isCausal: Bool { get }
}

/// Smooth activations whose polytope codes are taken at a linearisation's knot.
public enum SmoothFunction: String, Sendable {
    case gelu, silu, solu
}

extension ActivationLayer {
    /// Default: exactly piecewise linear between the knots (ReLU-like).
    public var smoothFunction: SmoothFunction? { nil }
    /// Whether the activation is exactly piecewise linear between its knots.
    public var isExactlyPiecewiseLinear: Bool { smoothFunction == nil }
}
