/// The model's anatomy in protobuf text format (message `Anatomy`), so `polytope model
/// to-text` / `from-text` keep it.
extension ModelText {
    static func anatomy(_ a: Anatomy) -> String {
        func field(_ name: String, _ value: String?) -> String { value.map { " \(name): \(quote($0))" } ?? "" }
        var o = "anatomy {\n  family: \(quote(a.family))\n"
        for b in a.blocks {
            let m = b.mlp
            o += "  blocks {" + field("resid_pre", b.residPre) + field("resid_mid", b.residMid) + field("resid_post", b.residPost)
                + field("attn", b.attention) + " causal: \(b.causal) parallel: \(b.parallel)\n"
            o += "    mlp {" + field("norm", m.norm) + field("input", m.input) + field("pre", m.pre) + field("activation", m.activation)
                + field("up", m.up) + field("post", m.post) + field("out", m.out) + " }\n  }\n"
        }
        for t in a.prefixTokens { o += "  prefix_tokens: \(t)\n" }
        for t in a.suffixTokens { o += "  suffix_tokens: \(t)\n" }
        o += "  tied_unembedding: \(a.tiedUnembedding)\n  embed: \(quote(a.embed))\n"
        if let f = a.finalNorm { o += "  final_norm: \(quote(f))\n" }
        if let l = a.logits { o += "  logits: \(quote(l))\n" }
        return o + "}\n"
    }
}
