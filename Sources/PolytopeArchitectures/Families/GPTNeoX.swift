import PolytopeModel

/// The Hugging Face config of `GPTNeoXForCausalLM` (Pythia), as far as the graph needs it.
struct GPTNeoXConfig: Decodable {
    var hidden_size: Int
    var num_hidden_layers: Int
    var num_attention_heads: Int
    var intermediate_size: Int
    var layer_norm_eps: Double?
    var max_position_embeddings: Int
    var hidden_act: String?
    var use_parallel_residual: Bool?
    var attention_bias: Bool?
    var tie_word_embeddings: Bool?
    var rotary_pct: Double?
    var rotary_emb_base: Double?
    var rope_theta: Double?
    var partial_rotary_factor: Double?
    var rope_parameters: JSONValue?
    var rope_scaling: JSONValue?
}

/// GPT-NeoX graph with TransformerLens hook names: hook_embed (= blocks.0.hook_resid_pre);
/// per block ln1.hook_normalized, hook_attn_out (rotary on the first `rotary_pct` of each head,
/// fused per-head `query_key_value`), ln2.hook_normalized, mlp.hook_pre, mlp.hook_post,
/// hook_mlp_out, hook_resid_post = resid_pre + attn_out + mlp_out with `use_parallel_residual`
/// (both branches read resid_pre), else through hook_resid_mid; ln_final.hook_normalized,
/// logits (`embed_out`, untied unless `tie_word_embeddings`).
enum GPTNeoXImporter: ArchitectureFamily {
    static let modelTypes = ["gpt_neox"]
    static let activations = ["gelu": "gelu", "gelu_new": "gelu_new", "gelu_pytorch_tanh": "gelu_new", "relu": "relu"]

    static func build(_ ck: HFCheckpoint, tensors: inout TensorCollector) throws -> ModelSpec {
        let c = try ck.decode(GPTNeoXConfig.self)
        let heads = c.num_attention_heads
        guard c.hidden_size % heads == 0 else {
            throw ImportError.badConfig(path: ck.configPath, reason: "hidden_size \(c.hidden_size) is not a multiple of num_attention_heads \(heads)")
        }
        let hd = c.hidden_size / heads
        guard let act = activations[c.hidden_act ?? "gelu"] else {
            throw ImportError.unsupported("hidden_act '\(c.hidden_act ?? "")' (supported: \(activations.keys.sorted().joined(separator: ", ")))")
        }
        let rope = try RopeSettings.resolve(theta: c.rope_theta, base: c.rotary_emb_base, pct: c.rotary_pct, partial: c.partial_rotary_factor,
                                            parameters: c.rope_parameters, scaling: c.rope_scaling, defaultTheta: 10000, defaultPartial: 0.25)
        let rot = Int(Double(hd) * rope.partialFactor)
        guard rot % 2 == 0 else { throw ImportError.unsupported("rotary dimension \(rot) (head size \(hd) × \(rope.partialFactor)) is odd") }
        let eps = c.layer_norm_eps ?? 1e-5
        let parallel = c.use_parallel_residual ?? true, bias = c.attention_bias ?? true
        let prefix = ck.weights.contains("gpt_neox.embed_in.weight") ? "gpt_neox." : ""
        func k(_ s: String) -> String { prefix + s }
        func ln(_ name: String, _ input: String, _ key: String) throws -> NodeSpec {
            NodeSpec(name: name, kind: "layer_norm", inputs: [input],
                     params: ["weight": try tensors.add(k(key + ".weight")), "bias": try tensors.add(k(key + ".bias"))],
                     attrs: ["eps": .float(eps)])
        }
        func linear(_ name: String, _ input: String, _ key: String) throws -> NodeSpec {
            NodeSpec(name: name, kind: "linear", inputs: [input],
                     params: ["weight": try tensors.add(k(key + ".weight")), "bias": try tensors.add(k(key + ".bias"))],
                     attrs: ["layout": .string("out_in")])
        }

        var spec = ModelSpec()
        var blocks: [BlockAnatomy] = []
        spec.architecture = "gpt_neox"
        spec.contextLength = c.max_position_embeddings
        let wte = try tensors.add(k("embed_in.weight"))
        spec.nodes.append(NodeSpec(name: HookName.embed, kind: "token_embedding", params: ["weight": wte],
                                   aliases: [HookName.block(0).residPre]))
        var resid = HookName.embed
        for l in 0..<c.num_hidden_layers {
            let h = "layers.\(l).", b = HookName.block(l)
            spec.nodes.append(try ln(b.ln1Normalized, resid, h + "input_layernorm"))
            var ap = ["qkv_weight": try tensors.add(k(h + "attention.query_key_value.weight")),
                      "o_weight": try tensors.add(k(h + "attention.dense.weight"))]
            if bias {
                ap["qkv_bias"] = try tensors.add(k(h + "attention.query_key_value.bias"))
                ap["o_bias"] = try tensors.add(k(h + "attention.dense.bias"))
            }
            spec.nodes.append(NodeSpec(name: b.attnOut, kind: "rotary_attention", inputs: [b.ln1Normalized], params: ap,
                                       attrs: ["n_heads": .int(Int64(heads)), "rotary_dim": .int(Int64(rot)), "theta": .float(rope.theta),
                                               "causal": .bool(true), "qkv_layout": .string("per_head")]))
            let mlpInput: String
            if parallel {
                mlpInput = resid
            } else {
                spec.nodes.append(NodeSpec(name: b.residMid, kind: "add", inputs: [resid, b.attnOut]))
                mlpInput = b.residMid
            }
            spec.nodes.append(try ln(b.ln2Normalized, mlpInput, h + "post_attention_layernorm"))
            spec.nodes.append(try linear(b.mlpPre, b.ln2Normalized, h + "mlp.dense_h_to_4h"))
            spec.nodes.append(NodeSpec(name: b.mlpPost, kind: act, inputs: [b.mlpPre]))
            spec.nodes.append(try linear(b.mlpOut, b.mlpPost, h + "mlp.dense_4h_to_h"))
            let sum = parallel ? [resid, b.attnOut, b.mlpOut] : [b.residMid, b.mlpOut]
            var post = NodeSpec(name: b.residPost, kind: "add", inputs: sum)
            if l + 1 < c.num_hidden_layers { post.aliases = [HookName.block(l + 1).residPre] }
            spec.nodes.append(post)
            blocks.append(BlockAnatomy(
                residPre: b.residPre, residMid: parallel ? nil : b.residMid, residPost: b.residPost,
                attention: b.attnOut, causal: true, parallel: parallel,
                mlp: MLPAnatomy(norm: b.ln2Normalized, input: b.ln2Normalized, pre: b.mlpPre,
                                activation: b.mlpPost, post: b.mlpPost, out: b.mlpOut)))
            resid = b.residPost
        }
        spec.nodes.append(try ln(HookName.lnFinal, resid, "final_layer_norm"))
        let tied = c.tie_word_embeddings ?? false
        let unembed = tied ? wte : try tensors.add("embed_out.weight")
        spec.nodes.append(NodeSpec(name: HookName.logits, kind: "unembed", inputs: [HookName.lnFinal],
                                   params: ["weight": unembed], attrs: ["layout": .string("out_in")]))
        spec.tokenizer = try TokenizerImport.bpe(ck)
        spec.anatomy = Anatomy(family: "gpt_neox", blocks: blocks, tiedUnembedding: tied, embed: HookName.embed,
                               finalNorm: HookName.lnFinal, logits: HookName.logits)
        return spec
    }
}
