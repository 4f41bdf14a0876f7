import Foundation
import PolytopeModel

/// Multi-head scaled dot-product attention (Vaswani et al. 2017) with its output projection,
/// causal (GPT-2) or bidirectional (BERT), with a key padding mask from the sequence lengths.
///
/// Q, K and V for all rows of all sequences come from one GEMM on the fused weight packed at
/// load; the attention itself is `AttentionKernel.run` (fused and tiled, parallel over
/// batch x heads) reading Q, K, V in place. - Complexity: O(rows·d² + batch·seqLen²·d).
final class AttentionLayer: AttentionLikeLayer, @unchecked Sendable {
    let d: Int
    let heads: Int
    let causal: Bool
    /// Projection to [rows, 3d] (q | k | v).
    let qkv: PackedWeight
    let qkvBias: [Float]?
    let out: PackedWeight
    let outBias: [Float]?
    var outputWidth: Int { d }
    var isCausal: Bool { causal }

    init(d: Int, heads: Int, causal: Bool, qkv: [Float], qkvBias: [Float]?, qkvTransposed: Bool,
         out: [Float], outBias: [Float]?, outTransposed: Bool) {
        self.d = d
        self.heads = heads
        self.causal = causal
        self.qkv = PackedWeight(qkv, inWidth: d, outWidth: 3 * d, transposed: qkvTransposed)
        self.qkvBias = qkvBias
        self.out = PackedWeight(out, inWidth: d, outWidth: d, transposed: outTransposed)
        self.outBias = outBias
    }

    func forward(_ inputs: [Matrix], context: ForwardContext) throws -> Matrix {
        let x = inputs[0]
        let dh = d / heads, ld = 3 * d, d = self.d
        let proj = qkv.apply(x, bias: qkvBias, threading: context.threading, precision: context.precision)
        let ctx = [Float](unsafeUninitializedCapacity: x.rows * d) { c, count in
            proj.data.withUnsafeBufferPointer { p in
                let base = p.baseAddress!
                AttentionKernel.run(batch: context.batch, seqLen: context.seqLen, heads: heads, kvHeads: heads, headDim: dh,
                                    q: base, ldq: ld, k: base + d, ldk: ld, v: base + 2 * d, ldv: ld,
                                    out: c.baseAddress!, ldo: d, lengths: context.lengths, causal: causal,
                                    scale: 1 / Float(dh).squareRoot(), threading: context.threading, precision: context.precision)
            }
            count = x.rows * d
        }
        return out.apply(Matrix(rows: x.rows, cols: d, data: ctx), bias: outBias, threading: context.threading,
                         precision: context.precision)
    }
}

public enum AttentionKinds {
    /// `attention`: attrs `n_heads` (int), `causal` (bool, default false), `layout` ("in_out" as GPT-2's
    /// Conv1D, default, or "out_in" as torch Linear). Params either fused `qkv_weight` ([d, 3d] / [3d, d]) and
    /// `qkv_bias` [3d], or `q_weight`, `k_weight`, `v_weight` ([d, d]) with `q_bias`, `k_bias`, `v_bias` [d];
    /// and `o_weight` [d, d], `o_bias` [d]. Biases are optional.
    public static let attention = LayerKind(
        name: "attention",
        summary: "multi-head attention with output projection; causal or bidirectional, key padding mask"
    ) { ctx in
        try ctx.allowParams(["qkv_weight", "qkv_bias", "q_weight", "k_weight", "v_weight", "q_bias", "k_bias", "v_bias", "o_weight", "o_bias"])
        let d = try ctx.singleInputWidth()
        let heads = try ctx.positive("n_heads", ctx.int("n_heads"))
        guard d % heads == 0 else {
            throw ModelError.badAttr(node: ctx.node.name, attr: "n_heads", expected: "a divisor of the width \(d)", found: "\(heads)")
        }
        let causal = try ctx.bool("causal", default: false)
        let layout = try ctx.string("layout", default: "in_out", oneOf: ["in_out", "out_in"])
        let transposed = layout == "out_in"
        let dd: LayerBuildContext.Dim = .exactly(d), d3: LayerBuildContext.Dim = .exactly(3 * d)
        var qkv: [Float], qkvBias: [Float]?
        if ctx.hasParam("qkv_weight") {
            qkv = try ctx.param("qkv_weight", shape: transposed ? [d3, dd] : [dd, d3]).values
            qkvBias = try ctx.optionalParam("qkv_bias", shape: [d3])?.values
        } else {
            let ws = try ["q_weight", "k_weight", "v_weight"].map { try ctx.param($0, shape: [dd, dd]).values }
            // Interleave into one [d, 3d] (or [3d, d]) matrix so one sgemm projects all three.
            if transposed {
                qkv = ws[0] + ws[1] + ws[2]
            } else {
                qkv = [Float](repeating: 0, count: 3 * d * d)
                for r in 0..<d { for (j, w) in ws.enumerated() { for c in 0..<d { qkv[r * 3 * d + j * d + c] = w[r * d + c] } } }
            }
            let bs = try ["q_bias", "k_bias", "v_bias"].map { try ctx.optionalParam($0, shape: [dd])?.values }
            qkvBias = bs.allSatisfy({ $0 == nil }) ? nil : bs.flatMap { $0 ?? [Float](repeating: 0, count: d) }
        }
        let o = try ctx.param("o_weight", shape: [dd, dd]).values
        let ob = try ctx.optionalParam("o_bias", shape: [dd])?.values
        return AttentionLayer(d: d, heads: heads, causal: causal, qkv: qkv, qkvBias: qkvBias, qkvTransposed: transposed,
                              out: o, outBias: ob, outTransposed: transposed)
    }

    public static let all = [attention]
}
