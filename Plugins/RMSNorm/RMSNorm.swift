import PolytopeModel

/// Root-mean-square layer normalisation (Zhang & Sennrich 2019, "Root Mean Square Layer
/// Normalization"): x / sqrt(mean(x²) + eps) * (offset + weight), per row, the mean of squares
/// accumulated in Double. `offset` is 0 for Llama / Qwen / SmolLM2 and 1 for Gemma, whose
/// checkpoints store `w` for a gain of `1 + w`. - Complexity: O(rows·d).
final class RMSNormLayer: Layer, @unchecked Sendable {
    let gain: [Float]
    let eps: Double
    var outputWidth: Int { gain.count }

    init(weight: [Float], offset: Float, eps: Double) {
        gain = weight.map { offset + $0 }
        self.eps = eps
    }

    func forward(_ inputs: [Matrix], context: ForwardContext) throws -> Matrix {
        var out = inputs[0]
        let d = out.cols, n = out.rows, eps = self.eps
        gain.withUnsafeBufferPointer { g in
            out.data.withUnsafeMutableBufferPointer { x in
                let base = x.baseAddress!, gain = g.baseAddress!
                context.threading.forEachChunk(count: n, cost: 3 * d) { rows in
                    for r in rows {
                        let row = base + r * d
                        var sq = 0.0
                        for c in 0..<d { let v = Double(row[c]); sq += v * v }
                        let inv = Float(1 / (sq / Double(d) + eps).squareRoot())
                        for c in 0..<d { row[c] = row[c] * inv * gain[c] }
                    }
                }
            }
        }
        return out
    }
}

public enum RMSNormKinds {
    /// `rms_norm`: params `weight` [d]; attrs `eps` (float, default 1e-6), `weight_offset`
    /// (float, default 0; Gemma's `1 + w` is 1).
    public static let rmsNorm = LayerKind(name: "rms_norm", summary: "RMS norm over the last dim: x / rms(x) * (weight_offset + weight [d]), eps") { ctx in
        try ctx.allowParams(["weight"])
        let d = try ctx.singleInputWidth()
        let w = try ctx.param("weight", shape: [.exactly(d)])
        let eps = try ctx.float("eps", default: 1e-6)
        guard eps > 0 else { throw ModelError.badAttr(node: ctx.node.name, attr: "eps", expected: "a positive float", found: "\(eps)") }
        let offset = try ctx.float("weight_offset", default: 0)
        return RMSNormLayer(weight: w.values, offset: Float(offset), eps: eps)
    }

    public static let all = [rmsNorm]
}
