import Foundation
import PolytopeModel

/// Multi-head scaled dot-product attention (Vaswani et al. 2017) with its output projection,
/// causal (GPT-2) or bidirectional (BERT), with a key padding mask from the sequence lengths.
///
/// Q, K and V for all rows of all sequences come from one sgemm (fused, as GPT-2's `c_attn`,
/// or three); scores and the weighted sum run per (sequence, head) as strided sgemms on those
/// matrices, with no copies. - Complexity: O(rows·d² + batch·seqLen²·d).
final class AttentionLayer: Layer, @unchecked Sendable {
    let d: Int
    let heads: Int
    let causal: Bool
    /// Projection to [rows, 3d] (q | k | v).
    let qkv: [Float]
    let qkvBias: [Float]?
    let qkvTransposed: Bool
    let out: [Float]
    let outBias: [Float]?
    let outTransposed: Bool
    var outputWidth: Int { d }

    init(d: Int, heads: Int, causal: Bool, qkv: [Float], qkvBias: [Float]?, qkvTransposed: Bool,
         out: [Float], outBias: [Float]?, outTransposed: Bool) {
        self.d = d
        self.heads = heads
        self.causal = causal
        self.qkv = qkv
        self.qkvBias = qkvBias
        self.qkvTransposed = qkvTransposed
        self.out = out
        self.outBias = outBias
        self.outTransposed = outTransposed
    }

    func forward(_ inputs: [Matrix], context: ForwardContext) throws -> Matrix {
        let x = inputs[0]
        let t = context.seqLen, dh = d / heads, ld = 3 * d
        let proj = BLAS.linear(x, weight: qkv, inWidth: d, outWidth: ld, transposed: qkvTransposed, bias: qkvBias)
        var ctxM = Matrix(zeros: x.rows, d)
        let scale = 1 / Float(dh).squareRoot()
        let heads = self.heads, d = self.d, causal = self.causal
        proj.data.withUnsafeBufferPointer { p in
            ctxM.data.withUnsafeMutableBufferPointer { c in
                let pBase = p.baseAddress!, cBase = c.baseAddress!
                // One (sequence, head) pair per item; each chunk has its own score buffer.
                Parallel.forEachChunk(count: context.batch * heads, cost: 2 * t * t * dh) { items in
                    let s = UnsafeMutablePointer<Float>.allocate(capacity: t * t)
                    defer { s.deallocate() }
                    for item in items {
                        let b = item / heads, h = item % heads
                        let base = pBase + b * t * ld
                        let q = base + h * dh, k = base + d + h * dh, v = base + 2 * d + h * dh
                        BLAS.gemm(transB: true, m: t, n: t, k: dh, alpha: scale, a: q, lda: ld, b: k, ldb: ld, c: s, ldc: t)
                        AttentionLayer.softmaxRows(s, t: t, validKeys: context.lengths[b], causal: causal)
                        BLAS.gemm(m: t, n: dh, k: t, a: s, lda: t, b: v, ldb: ld, c: cBase + b * t * d + h * dh, ldc: d)
                    }
                }
            }
        }
        return BLAS.linear(ctxM, weight: out, inWidth: d, outWidth: d, transposed: outTransposed, bias: outBias)
    }

    /// Masked softmax of each score row: keys at or past `validKeys` (padding) and, when causal,
    /// keys after the query get weight 0. A row with no visible key (a padding query of an empty
    /// sequence) becomes all zeros.
    static func softmaxRows(_ s: UnsafeMutablePointer<Float>, t: Int, validKeys: Int, causal: Bool) {
        for i in 0..<t {
            let row = s + i * t
            let visible = causal ? min(validKeys, i + 1) : validKeys
            guard visible > 0 else {
                for j in 0..<t { row[j] = 0 }
                continue
            }
            var mx = -Float.infinity
            for j in 0..<visible { mx = max(mx, row[j]) }
            var sum: Float = 0
            for j in 0..<visible { let e = FastMath.exp(row[j] - mx); row[j] = e; sum += e }
            let inv = 1 / sum
            for j in 0..<visible { row[j] *= inv }
            for j in visible..<t { row[j] = 0 }
        }
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
