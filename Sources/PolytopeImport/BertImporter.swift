import PolytopeModel

/// BERT (`model_type: bert`, e.g. all-MiniLM-L6-v2), post-LN, as a graph with TransformerLens
/// style names: hook_embed + hook_pos_embed + hook_token_type_embed -> embed.ln
/// (alias blocks.0.hook_resid_pre); per block: hook_attn_out, attn residual, hook_resid_mid
/// (layer norm), mlp.hook_pre, mlp.hook_post, hook_mlp_out, mlp residual, hook_resid_post
/// (layer norm; alias blocks.{l+1}.hook_resid_pre). The final hook_resid_post is the
/// model's last_hidden_state.
enum BertImporter {
    static let activations = ["relu": "relu", "gelu": "gelu", "gelu_new": "gelu_new", "gelu_pytorch_tanh": "gelu_new"]

    static func build(_ ck: HFCheckpoint, tensors: inout TensorCollector) throws -> ModelSpec {
        let layers = try ck.int("num_hidden_layers")
        let heads = try ck.int("num_attention_heads")
        let eps = ck.double("layer_norm_eps", default: 1e-12)
        let actName = try ck.string("hidden_act", default: "gelu")
        guard let act = activations[actName] else {
            throw ImportError.unsupported("hidden_act '\(actName)' (supported: \(activations.keys.sorted().joined(separator: ", ")))")
        }
        let posType = try ck.string("position_embedding_type", default: "absolute")
        guard posType == "absolute" else { throw ImportError.unsupported("position_embedding_type '\(posType)' (only absolute)") }
        let prefix = ck.weights.contains("bert.embeddings.word_embeddings.weight") ? "bert." : ""
        func k(_ s: String) -> String { prefix + s }
        /// LayerNorm parameters are `weight`/`bias`, or `gamma`/`beta` in older checkpoints.
        func ln(_ base: String) throws -> [String: String] {
            ["weight": try tensors.add(try ck.key([k(base + ".weight"), k(base + ".gamma")])),
             "bias": try tensors.add(try ck.key([k(base + ".bias"), k(base + ".beta")]))]
        }

        var spec = ModelSpec()
        spec.architecture = "bert"
        spec.contextLength = try ck.int("max_position_embeddings")
        spec.nodes.append(NodeSpec(name: "hook_embed", kind: "token_embedding",
                                   params: ["weight": try tensors.add(k("embeddings.word_embeddings.weight"))]))
        spec.nodes.append(NodeSpec(name: "hook_pos_embed", kind: "pos_embedding",
                                   params: ["weight": try tensors.add(k("embeddings.position_embeddings.weight"))]))
        var embedInputs = ["hook_embed", "hook_pos_embed"]
        if ck.weights.contains(k("embeddings.token_type_embeddings.weight")) {
            spec.nodes.append(NodeSpec(name: "hook_token_type_embed", kind: "token_type_embedding",
                                       params: ["weight": try tensors.add(k("embeddings.token_type_embeddings.weight"))]))
            embedInputs.append("hook_token_type_embed")
        }
        spec.nodes.append(NodeSpec(name: "embed.hook_sum", kind: "add", inputs: embedInputs))
        spec.nodes.append(NodeSpec(name: "embed.ln.hook_normalized", kind: "layer_norm", inputs: ["embed.hook_sum"],
                                   params: try ln("embeddings.LayerNorm"), attrs: ["eps": .float(eps)],
                                   aliases: ["blocks.0.hook_resid_pre"]))
        var resid = "embed.ln.hook_normalized"
        for l in 0..<layers {
            let h = "encoder.layer.\(l)."
            let b = "blocks.\(l)."
            var attnParams: [String: String] = [:]
            for (role, key) in [("q", "query"), ("k", "key"), ("v", "value")] {
                attnParams[role + "_weight"] = try tensors.add(k(h + "attention.self.\(key).weight"))
                attnParams[role + "_bias"] = try tensors.add(k(h + "attention.self.\(key).bias"))
            }
            attnParams["o_weight"] = try tensors.add(k(h + "attention.output.dense.weight"))
            attnParams["o_bias"] = try tensors.add(k(h + "attention.output.dense.bias"))
            spec.nodes.append(NodeSpec(name: b + "hook_attn_out", kind: "attention", inputs: [resid], params: attnParams,
                                       attrs: ["n_heads": .int(Int64(heads)), "causal": .bool(false), "layout": .string("out_in")]))
            spec.nodes.append(NodeSpec(name: b + "hook_attn_residual", kind: "add", inputs: [resid, b + "hook_attn_out"]))
            spec.nodes.append(NodeSpec(name: b + "hook_resid_mid", kind: "layer_norm", inputs: [b + "hook_attn_residual"],
                                       params: try ln(h + "attention.output.LayerNorm"), attrs: ["eps": .float(eps)]))
            spec.nodes.append(NodeSpec(name: b + "mlp.hook_pre", kind: "linear", inputs: [b + "hook_resid_mid"],
                                       params: ["weight": try tensors.add(k(h + "intermediate.dense.weight")),
                                                "bias": try tensors.add(k(h + "intermediate.dense.bias"))],
                                       attrs: ["layout": .string("out_in")]))
            spec.nodes.append(NodeSpec(name: b + "mlp.hook_post", kind: act, inputs: [b + "mlp.hook_pre"]))
            spec.nodes.append(NodeSpec(name: b + "hook_mlp_out", kind: "linear", inputs: [b + "mlp.hook_post"],
                                       params: ["weight": try tensors.add(k(h + "output.dense.weight")),
                                                "bias": try tensors.add(k(h + "output.dense.bias"))],
                                       attrs: ["layout": .string("out_in")]))
            spec.nodes.append(NodeSpec(name: b + "hook_mlp_residual", kind: "add", inputs: [b + "hook_resid_mid", b + "hook_mlp_out"]))
            var post = NodeSpec(name: b + "hook_resid_post", kind: "layer_norm", inputs: [b + "hook_mlp_residual"],
                                params: try ln(h + "output.LayerNorm"), attrs: ["eps": .float(eps)])
            if l + 1 < layers { post.aliases = ["blocks.\(l + 1).hook_resid_pre"] }
            spec.nodes.append(post)
            resid = b + "hook_resid_post"
        }
        return spec
    }
}
