import PolytopeModel

/// Logits = x W_U (+ b). GPT-2 ties W_U to the token embedding: the node names the same
/// tensor with `layout` "out_in" ([vocab, d]), so nothing is copied.
final class UnembedLayer: Layer, @unchecked Sendable {
    let weight: [Float]
    let bias: [Float]?
    let d: Int
    let outputWidth: Int
    let transposed: Bool

    init(weight: [Float], bias: [Float]?, d: Int, vocab: Int, transposed: Bool) {
        self.weight = weight
        self.bias = bias
        self.d = d
        self.outputWidth = vocab
        self.transposed = transposed
    }

    func forward(_ inputs: [Matrix], context: ForwardContext) throws -> Matrix {
        BLAS.linear(inputs[0], weight: weight, inWidth: d, outWidth: outputWidth, transposed: transposed, bias: bias)
    }
}

public enum UnembedKinds {
    /// `unembed`: params `weight` [vocab, d] (attr `layout` "out_in", default, as a tied embedding) or
    /// [d, vocab] ("in_out"), optional `bias` [vocab].
    public static let unembed = LayerKind(name: "unembed", summary: "logits: weight [vocab, d] (layout out_in, tied) or [d, vocab], bias [vocab]") { ctx in
        try ctx.allowParams(["weight", "bias"])
        let d = try ctx.singleInputWidth()
        let layout = try ctx.string("layout", default: "out_in", oneOf: ["in_out", "out_in"])
        let transposed = layout == "out_in"
        let w = try ctx.param("weight", shape: transposed ? [.any("vocab"), .exactly(d)] : [.exactly(d), .any("vocab")])
        let vocab = transposed ? w.shape[0] : w.shape[1]
        let b = try ctx.optionalParam("bias", shape: [.exactly(vocab)])
        return UnembedLayer(weight: w.values, bias: b?.values, d: d, vocab: vocab, transposed: transposed)
    }

    public static let all = [unembed]
}
