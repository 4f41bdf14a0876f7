import PolytopeModel

/// The schemas of the built-in kinds, in the form plugin kinds declare theirs, so `inspect`
/// shows both alike. Descriptive: each built-in kind still validates its nodes in its builder.
/// A kind missing here (or a new built-in kind added without one) shows "schema not declared".
public enum BuiltinSchemas {
    typealias S = KindSchema
    static let x = [S.Input("x", width: "d")]
    static let layout = S.Attr("layout", .string, default: .string("in_out"), doc: "in_out: weight [in, out]; out_in: weight [out, in]")

    public static let table: [String: KindSchema] = [
        "token_embedding@1": S(inputs: [], params: [.init("weight", shape: ["vocab", "d"])], doc: "token embedding lookup"),
        "pos_embedding@1": S(inputs: [], params: [.init("weight", shape: ["positions", "d"])],
                             attrs: [.init("offset", .int, default: .int(0), doc: "added to each position")], doc: "learned positional embedding"),
        "token_type_embedding@1": S(inputs: [], params: [.init("weight", shape: ["types", "d"])], doc: "token type (segment) embedding"),
        "layer_norm@1": S(inputs: x, params: [.init("weight", shape: ["d"]), .init("bias", shape: ["d"], optional: true)],
                          attrs: [.init("eps", .float, default: .float(1e-5))], doc: "layer norm over the last dim"),
        "attention@1": S(inputs: x, params: [
            .init("qkv_weight", shape: ["d", "d3"], optional: true, doc: "fused q, k, v (or q_weight, k_weight, v_weight [d, d])"),
            .init("qkv_bias", shape: ["d3"], optional: true),
            .init("q_weight", shape: ["d", "d"], optional: true), .init("k_weight", shape: ["d", "d"], optional: true),
            .init("v_weight", shape: ["d", "d"], optional: true), .init("q_bias", shape: ["d"], optional: true),
            .init("k_bias", shape: ["d"], optional: true), .init("v_bias", shape: ["d"], optional: true),
            .init("o_weight", shape: ["d", "d"]), .init("o_bias", shape: ["d"], optional: true),
        ], attrs: [.init("n_heads", .int), .init("causal", .bool, default: .bool(false)), layout], doc: "multi-head attention with output projection"),
        "linear@1": S(inputs: x, params: [.init("weight", shape: ["d", "out"]), .init("bias", shape: ["out"], optional: true)],
                      attrs: [layout], doc: "affine map"),
        "relu@1": S(inputs: x, doc: "max(x, 0); knot 0"),
        "gelu@1": S(inputs: x, doc: "x·Φ(x); linearised knot 0"),
        "gelu_new@1": S(inputs: x, doc: "GELU tanh approximation; linearised knot 0"),
        "solu@1": S(inputs: x, params: [.init("ln_weight", shape: ["d"]), .init("ln_bias", shape: ["d"], optional: true)],
                    attrs: [.init("eps", .float, default: .float(1e-5))], doc: "x·softmax(x) then layer norm; knot 0"),
        "add@1": S(inputs: [.init("a", width: "d"), .init("b", width: "d", doc: "2 or more inputs")], doc: "elementwise sum"),
        "silu@1": S(inputs: x, doc: "x·σ(x); linearised knot 0"),
        "mul@1": S(inputs: [.init("a", width: "d"), .init("b", width: "d")], doc: "elementwise product (gated MLP)"),
        "rms_norm@1": S(inputs: x, params: [.init("weight", shape: ["d"])],
                        attrs: [.init("eps", .float, default: .float(1e-6)), .init("weight_offset", .float, default: .float(0))],
                        doc: "x / rms(x) * (weight_offset + weight)"),
        "rotary_attention@1": S(inputs: x, params: [
            .init("qkv_weight", shape: ["qkv_rows", "d"], optional: true, doc: "fused, or q_weight [q_rows, d], k_weight, v_weight [kv_rows, d]"),
            .init("qkv_bias", shape: ["qkv_rows"], optional: true),
            .init("q_weight", shape: ["q_rows", "d"], optional: true), .init("k_weight", shape: ["kv_rows", "d"], optional: true),
            .init("v_weight", shape: ["kv_rows", "d"], optional: true), .init("q_bias", shape: ["q_rows"], optional: true),
            .init("k_bias", shape: ["kv_rows"], optional: true), .init("v_bias", shape: ["kv_rows"], optional: true),
            .init("o_weight", shape: ["d", "q_rows"]), .init("o_bias", shape: ["d"], optional: true),
        ], attrs: [
            .init("n_heads", .int), .init("n_kv_heads", .int, doc: "default n_heads"), .init("head_dim", .int, doc: "default d / n_heads"),
            .init("rotary_dim", .int, doc: "default head_dim"), .init("theta", .float, default: .float(10000)),
            .init("causal", .bool, default: .bool(true)), .init("qkv_layout", .string, default: .string("blocked")),
        ], doc: "attention with rotary position embeddings (grouped-query)"),
        "unembed@1": S(inputs: x, params: [.init("weight", shape: ["vocab", "d"]), .init("bias", shape: ["vocab"], optional: true)],
                       attrs: [.init("layout", .string, default: .string("out_in"))], doc: "logits"),
    ]

    /// `kind` with its schema from the table when it declares none itself.
    public static func describe(_ kind: LayerKind) -> LayerKind {
        guard kind.schema == nil, let s = table[kind.id] else { return kind }
        return kind.with(schema: s)
    }
}
