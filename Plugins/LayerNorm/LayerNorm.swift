import PolytopeModel

/// Layer normalisation over each row: (x - mean) / sqrt(var + eps) * weight + bias
/// (Ba et al. 2016), the biased variance as in PyTorch.
final class LayerNormLayer: Layer, @unchecked Sendable {
    let weight: [Float]
    let bias: [Float]?
    let eps: Float
    var outputWidth: Int { weight.count }

    init(weight: [Float], bias: [Float]?, eps: Float) {
        self.weight = weight
        self.bias = bias
        self.eps = eps
    }

    func forward(_ inputs: [Matrix], context: ForwardContext) throws -> Matrix {
        var out = inputs[0]
        out.layerNormalize(weight: weight, bias: bias, eps: eps, threading: context.threading)
        return out
    }
}

public enum LayerNormKinds {
    /// `layer_norm`: params `weight` [d], optional `bias` [d]; attr `eps` (float, default 1e-5).
    public static let layerNorm = LayerKind(name: "layer_norm", summary: "layer norm over the last dim: weight [d], bias [d], eps") { ctx in
        try ctx.allowParams(["weight", "bias"])
        let d = try ctx.singleInputWidth()
        let w = try ctx.param("weight", shape: [.exactly(d)])
        let b = try ctx.optionalParam("bias", shape: [.exactly(d)])
        let eps = try ctx.float("eps", default: 1e-5)
        guard eps > 0 else { throw ModelError.badAttr(node: ctx.node.name, attr: "eps", expected: "a positive float", found: "\(eps)") }
        return LayerNormLayer(weight: w.values, bias: b?.values, eps: Float(eps))
    }

    public static let all = [layerNorm]
}

