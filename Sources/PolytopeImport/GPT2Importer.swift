import PolytopeModel

/// GPT-2 (`model_type: gpt2`) as a graph with TransformerLens hook names:
/// hook_embed + hook_pos_embed -> blocks.0.hook_resid_pre; per block: ln1, attention
/// (hook_attn_out), hook_resid_mid, ln2, mlp.hook_pre, mlp.hook_post, hook_mlp_out,
/// hook_resid_post (alias blocks.{l+1}.hook_resid_pre); ln_final.hook_normalized, logits.
enum GPT2Importer {
    static let activations = ["relu": "relu", "gelu": "gelu", "gelu_new": "gelu_new", "gelu_pytorch_tanh": "gelu_new",
                              "solu": "solu"]

    static func build(_ ck: HFCheckpoint, tensors: inout TensorCollector) throws -> ModelSpec {
        let layers = try ck.int("n_layer", "num_hidden_layers")
        let heads = try ck.int("n_head", "num_attention_heads")
        let eps = ck.double("layer_norm_epsilon", default: 1e-5)
        let actName = try ck.string("activation_function", default: "gelu_new")
        guard let act = activations[actName] else {
            throw ImportError.unsupported("activation_function '\(actName)' (supported: \(activations.keys.sorted().joined(separator: ", ")))")
        }
        if (ck.config["scale_attn_by_inverse_layer_idx"] as? Bool) == true {
            throw ImportError.unsupported("scale_attn_by_inverse_layer_idx = true")
        }
        if let s = ck.config["scale_attn_weights"] as? Bool, !s { throw ImportError.unsupported("scale_attn_weights = false") }
        // Checkpoints of GPT2LMHeadModel prefix with "transformer."; GPT2Model does not.
        let prefix = ck.weights.contains("transformer.wte.weight") ? "transformer." : ""
        func k(_ s: String) -> String { prefix + s }

        var spec = ModelSpec()
        spec.architecture = "gpt2"
        spec.contextLength = try ck.int("n_positions", "n_ctx")
        let wte = try tensors.add(k("wte.weight"))
        spec.nodes.append(NodeSpec(name: "hook_embed", kind: "token_embedding", params: ["weight": wte]))
        spec.nodes.append(NodeSpec(name: "hook_pos_embed", kind: "pos_embedding", params: ["weight": try tensors.add(k("wpe.weight"))]))
        spec.nodes.append(NodeSpec(name: "blocks.0.hook_resid_pre", kind: "add", inputs: ["hook_embed", "hook_pos_embed"]))
        var resid = "blocks.0.hook_resid_pre"
        for l in 0..<layers {
            let h = k("h.\(l).")
            let b = "blocks.\(l)."
            spec.nodes.append(NodeSpec(name: b + "ln1.hook_normalized", kind: "layer_norm", inputs: [resid],
                                       params: ["weight": try tensors.add(h + "ln_1.weight"), "bias": try tensors.add(h + "ln_1.bias")],
                                       attrs: ["eps": .float(eps)]))
            spec.nodes.append(NodeSpec(name: b + "hook_attn_out", kind: "attention", inputs: [b + "ln1.hook_normalized"],
                                       params: ["qkv_weight": try tensors.add(h + "attn.c_attn.weight"),
                                                "qkv_bias": try tensors.add(h + "attn.c_attn.bias"),
                                                "o_weight": try tensors.add(h + "attn.c_proj.weight"),
                                                "o_bias": try tensors.add(h + "attn.c_proj.bias")],
                                       attrs: ["n_heads": .int(Int64(heads)), "causal": .bool(true), "layout": .string("in_out")]))
            spec.nodes.append(NodeSpec(name: b + "hook_resid_mid", kind: "add", inputs: [resid, b + "hook_attn_out"]))
            spec.nodes.append(NodeSpec(name: b + "ln2.hook_normalized", kind: "layer_norm", inputs: [b + "hook_resid_mid"],
                                       params: ["weight": try tensors.add(h + "ln_2.weight"), "bias": try tensors.add(h + "ln_2.bias")],
                                       attrs: ["eps": .float(eps)]))
            spec.nodes.append(NodeSpec(name: b + "mlp.hook_pre", kind: "linear", inputs: [b + "ln2.hook_normalized"],
                                       params: ["weight": try tensors.add(h + "mlp.c_fc.weight"), "bias": try tensors.add(h + "mlp.c_fc.bias")],
                                       attrs: ["layout": .string("in_out")]))
            var actNode = NodeSpec(name: b + "mlp.hook_post", kind: act, inputs: [b + "mlp.hook_pre"])
            if act == "solu" {
                actNode.params = ["ln_weight": try tensors.add(h + "mlp.ln.weight"), "ln_bias": try tensors.add(h + "mlp.ln.bias")]
                actNode.attrs = ["eps": .float(eps)]
            }
            spec.nodes.append(actNode)
            spec.nodes.append(NodeSpec(name: b + "hook_mlp_out", kind: "linear", inputs: [b + "mlp.hook_post"],
                                       params: ["weight": try tensors.add(h + "mlp.c_proj.weight"), "bias": try tensors.add(h + "mlp.c_proj.bias")],
                                       attrs: ["layout": .string("in_out")]))
            var post = NodeSpec(name: b + "hook_resid_post", kind: "add", inputs: [b + "hook_resid_mid", b + "hook_mlp_out"])
            if l + 1 < layers { post.aliases = ["blocks.\(l + 1).hook_resid_pre"] }
            spec.nodes.append(post)
            resid = b + "hook_resid_post"
        }
        spec.nodes.append(NodeSpec(name: "ln_final.hook_normalized", kind: "layer_norm", inputs: [resid],
                                   params: ["weight": try tensors.add(k("ln_f.weight")), "bias": try tensors.add(k("ln_f.bias"))],
                                   attrs: ["eps": .float(eps)]))
        // lm_head is usually tied to wte and then absent from the file.
        let unembed = ck.weights.contains("lm_head.weight") ? try tensors.add("lm_head.weight") : wte
        spec.nodes.append(NodeSpec(name: "logits", kind: "unembed", inputs: ["ln_final.hook_normalized"],
                                   params: ["weight": unembed], attrs: ["layout": .string("out_in")]))
        return spec
    }
}
