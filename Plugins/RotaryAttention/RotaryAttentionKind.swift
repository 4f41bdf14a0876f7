import PolytopeModel

public enum RotaryAttentionKinds {
    /// `rotary_attention`: attrs `n_heads`, `n_kv_heads` (default n_heads; divides n_heads),
    /// `head_dim` (default d / n_heads), `rotary_dim` (even, ≤ head_dim, default head_dim; the
    /// partial rotary of GPT-NeoX), `theta` (default 10000), `causal` (default true).
    /// Weights in torch-Linear layout [out, in]: either `q_weight` [n_heads·head_dim, d],
    /// `k_weight` / `v_weight` [n_kv_heads·head_dim, d] with optional `q_bias`, `k_bias`, `v_bias`,
    /// or a fused `qkv_weight` [(n_heads + 2·n_kv_heads)·head_dim, d] (optional `qkv_bias`) whose rows are
    /// q | k | v (attr `qkv_layout` "blocked", default) or, per head, q_h | k_h | v_h (GPT-NeoX's
    /// `query_key_value`, "per_head", needs n_kv_heads = n_heads); `o_weight` [d, n_heads·head_dim], optional `o_bias` [d].
    public static let rotaryAttention = LayerKind(
        name: "rotary_attention",
        summary: "grouped-query attention with rotary positions (rotate-half, partial rotary_dim, theta); causal by default"
    ) { ctx in
        try ctx.allowParams(["qkv_weight", "qkv_bias", "q_weight", "k_weight", "v_weight", "q_bias", "k_bias", "v_bias", "o_weight", "o_bias"])
        let d = try ctx.singleInputWidth()
        let heads = try ctx.positive("n_heads", ctx.int("n_heads"))
        let kvHeads = try ctx.positive("n_kv_heads", ctx.int("n_kv_heads", default: heads))
        guard heads % kvHeads == 0 else {
            throw ModelError.badAttr(node: ctx.node.name, attr: "n_kv_heads", expected: "a divisor of n_heads (\(heads))", found: "\(kvHeads)")
        }
        guard ctx.node.attrs["head_dim"] != nil || d % heads == 0 else {
            throw ModelError.badAttr(node: ctx.node.name, attr: "n_heads", expected: "a divisor of the width \(d) (or give head_dim)", found: "\(heads)")
        }
        let hd = try ctx.positive("head_dim", ctx.int("head_dim", default: d / heads))
        let rot = try ctx.int("rotary_dim", default: hd)
        guard rot >= 0, rot <= hd, rot % 2 == 0 else {
            throw ModelError.badAttr(node: ctx.node.name, attr: "rotary_dim", expected: "an even int in 0...\(hd)", found: "\(rot)")
        }
        let theta = try ctx.float("theta", default: 10000)
        guard theta > 0, theta.isFinite else { throw ModelError.badAttr(node: ctx.node.name, attr: "theta", expected: "a positive float", found: "\(theta)") }
        let causal = try ctx.bool("causal", default: true)
        let qRows = heads * hd, kvRows = kvHeads * hd, all = qRows + 2 * kvRows
        var qkv: [Float], bias: [Float]?
        if ctx.hasParam("qkv_weight") {
            let layout = try ctx.string("qkv_layout", default: "blocked", oneOf: ["blocked", "per_head"])
            qkv = try ctx.param("qkv_weight", shape: [.exactly(all), .exactly(d)]).values
            bias = try ctx.optionalParam("qkv_bias", shape: [.exactly(all)])?.values
            if layout == "per_head" {
                guard kvHeads == heads else {
                    throw ModelError.badAttr(node: ctx.node.name, attr: "qkv_layout", expected: "\"blocked\" when n_kv_heads != n_heads", found: "\"per_head\"")
                }
                qkv = perHeadToBlocked(qkv, heads: heads, headDim: hd, rowWidth: d)
                bias = bias.map { perHeadToBlocked($0, heads: heads, headDim: hd, rowWidth: 1) }
            }
        } else {
            qkv = try ctx.param("q_weight", shape: [.exactly(qRows), .exactly(d)]).values
            qkv += try ctx.param("k_weight", shape: [.exactly(kvRows), .exactly(d)]).values
            qkv += try ctx.param("v_weight", shape: [.exactly(kvRows), .exactly(d)]).values
            let bs = [try ctx.optionalParam("q_bias", shape: [.exactly(qRows)])?.values,
                      try ctx.optionalParam("k_bias", shape: [.exactly(kvRows)])?.values,
                      try ctx.optionalParam("v_bias", shape: [.exactly(kvRows)])?.values]
            let sizes = [qRows, kvRows, kvRows]
            bias = bs.allSatisfy({ $0 == nil }) ? nil : zip(bs, sizes).flatMap { $0 ?? [Float](repeating: 0, count: $1) }
        }
        let o = try ctx.param("o_weight", shape: [.exactly(d), .exactly(qRows)]).values
        let ob = try ctx.optionalParam("o_bias", shape: [.exactly(d)])?.values
        return RotaryAttentionLayer(d: d, heads: heads, kvHeads: kvHeads, headDim: hd, rotaryDim: rot, theta: theta,
                                    causal: causal, qkv: qkv, qkvBias: bias, out: o, outBias: ob)
    }

    /// GPT-NeoX's fused rows [head][q|k|v][head_dim] reordered to [q|k|v][head][head_dim].
    static func perHeadToBlocked(_ w: [Float], heads: Int, headDim hd: Int, rowWidth: Int) -> [Float] {
        var out = [Float](repeating: 0, count: w.count)
        let block = hd * rowWidth
        for h in 0..<heads {
            for j in 0..<3 {
                let src = (h * 3 + j) * block, dst = (j * heads + h) * block
                for i in 0..<block { out[dst + i] = w[src + i] }
            }
        }
        return out
    }

    public static let all = [rotaryAttention]
}
