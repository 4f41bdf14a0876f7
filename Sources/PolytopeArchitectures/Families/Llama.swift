import PolytopeModel

/// The Hugging Face config of `LlamaForCausalLM` (SmolLM2, Llama 2/3 without rope scaling) and
/// `Qwen2ForCausalLM` (q/k/v bias), as far as the graph needs it.
struct LlamaConfig: Decodable {
    var model_type: String
    var hidden_size: Int
    var num_hidden_layers: Int
    var num_attention_heads: Int
    var num_key_value_heads: Int?
    var head_dim: Int?
    var intermediate_size: Int
    var rms_norm_eps: Double?
    var max_position_embeddings: Int
    var hidden_act: String?
    var attention_bias: Bool?
    var mlp_bias: Bool?
    var tie_word_embeddings: Bool?
    var rope_theta: Double?
    var rope_parameters: JSONValue?
    var rope_scaling: JSONValue?
    var pretraining_tp: Int?
    var use_sliding_window: Bool?
}

/// Llama-family graph with TransformerLens hook names: hook_embed (= blocks.0.hook_resid_pre);
/// per block ln1.hook_normalized (RMSNorm), hook_attn_out (grouped-query rotary attention),
/// hook_resid_mid, ln2.hook_normalized, mlp.hook_pre (gate projection, the codes' source),
/// mlp.hook_pre_linear (up projection), mlp.hook_act (SiLU of the gate; not a TransformerLens
/// name), mlp.hook_post (their product), hook_mlp_out, hook_resid_post; ln_final.hook_normalized,
/// logits (tied to the embedding unless `tie_word_embeddings` is false).
enum LlamaImporter: ArchitectureFamily {
    static let modelTypes = ["llama", "qwen2"]
    static let activations = ["silu": "silu", "swish": "silu", "gelu": "gelu", "gelu_pytorch_tanh": "gelu_new", "gelu_new": "gelu_new"]

    static func build(_ ck: HFCheckpoint, tensors: inout TensorCollector) throws -> ModelSpec {
        var spec = try graph(try ck.decode(LlamaConfig.self), tensors: &tensors)
        spec.tokenizer = try TokenizerImport.bpe(ck)
        return spec
    }

    static func graph<T: TensorSource>(_ c: LlamaConfig, tensors: inout T) throws -> ModelSpec {
        let qwen = c.model_type == "qwen2"
        let heads = c.num_attention_heads, kv = c.num_key_value_heads ?? heads
        let hd = c.head_dim ?? c.hidden_size / heads
        guard let act = activations[c.hidden_act ?? "silu"] else {
            throw ImportError.unsupported("hidden_act '\(c.hidden_act ?? "")' (supported: \(activations.keys.sorted().joined(separator: ", ")))")
        }
        if let tp = c.pretraining_tp, tp != 1 { throw ImportError.unsupported("pretraining_tp = \(tp) (only 1)") }
        if qwen, c.use_sliding_window == true { throw ImportError.unsupported("use_sliding_window = true (Qwen2 sliding-window attention)") }
        let rope = try RopeSettings.resolve(theta: c.rope_theta, base: nil, pct: nil, partial: nil, parameters: c.rope_parameters,
                                            scaling: c.rope_scaling, defaultTheta: 10000, defaultPartial: 1)
        let eps = c.rms_norm_eps ?? 1e-6
        let attnBias = qwen || (c.attention_bias ?? false), outBias = !qwen && (c.attention_bias ?? false)
        let mlpBias = c.mlp_bias ?? false
        let prefix = tensors.contains("model.embed_tokens.weight") ? "model." : ""
        func k(_ s: String) -> String { prefix + s }
        func linear(_ name: String, _ input: String, _ key: String, bias: Bool) throws -> NodeSpec {
            var p = ["weight": try tensors.add(k(key + ".weight"))]
            if bias { p["bias"] = try tensors.add(k(key + ".bias")) }
            return NodeSpec(name: name, kind: "linear", inputs: [input], params: p, attrs: ["layout": .string("out_in")])
        }
        func norm(_ name: String, _ input: String, _ key: String) throws -> NodeSpec {
            NodeSpec(name: name, kind: "rms_norm", inputs: [input], params: ["weight": try tensors.add(k(key + ".weight"))],
                     attrs: ["eps": .float(eps)])
        }

        var spec = ModelSpec()
        var blocks: [BlockAnatomy] = []
        spec.architecture = c.model_type
        spec.contextLength = c.max_position_embeddings
        let wte = try tensors.add(k("embed_tokens.weight"))
        spec.nodes.append(NodeSpec(name: HookName.embed, kind: "token_embedding", params: ["weight": wte],
                                   aliases: [HookName.block(0).residPre]))
        var resid = HookName.embed
        for l in 0..<c.num_hidden_layers {
            let h = "layers.\(l).", b = HookName.block(l)
            spec.nodes.append(try norm(b.ln1Normalized, resid, h + "input_layernorm"))
            var ap: [String: String] = [:]
            for r in ["q", "k", "v", "o"] {
                ap[r + "_weight"] = try tensors.add(k(h + "self_attn.\(r)_proj.weight"))
                if r == "o" ? outBias : attnBias { ap[r + "_bias"] = try tensors.add(k(h + "self_attn.\(r)_proj.bias")) }
            }
            spec.nodes.append(NodeSpec(name: b.attnOut, kind: "rotary_attention", inputs: [b.ln1Normalized], params: ap,
                                       attrs: ["n_heads": .int(Int64(heads)), "n_kv_heads": .int(Int64(kv)), "head_dim": .int(Int64(hd)),
                                               "rotary_dim": .int(Int64(hd)), "theta": .float(rope.theta), "causal": .bool(true)]))
            spec.nodes.append(NodeSpec(name: b.residMid, kind: "add", inputs: [resid, b.attnOut]))
            spec.nodes.append(try norm(b.ln2Normalized, b.residMid, h + "post_attention_layernorm"))
            spec.nodes.append(try linear(b.mlpPre, b.ln2Normalized, h + "mlp.gate_proj", bias: mlpBias))
            spec.nodes.append(try linear(b.mlpPreLinear, b.ln2Normalized, h + "mlp.up_proj", bias: mlpBias))
            spec.nodes.append(NodeSpec(name: b.mlpAct, kind: act, inputs: [b.mlpPre]))
            spec.nodes.append(NodeSpec(name: b.mlpPost, kind: "mul", inputs: [b.mlpAct, b.mlpPreLinear]))
            spec.nodes.append(try linear(b.mlpOut, b.mlpPost, h + "mlp.down_proj", bias: mlpBias))
            var post = NodeSpec(name: b.residPost, kind: "add", inputs: [b.residMid, b.mlpOut])
            if l + 1 < c.num_hidden_layers { post.aliases = [HookName.block(l + 1).residPre] }
            spec.nodes.append(post)
            blocks.append(BlockAnatomy(
                residPre: b.residPre, residMid: b.residMid, residPost: b.residPost,
                attention: b.attnOut, causal: true,
                mlp: MLPAnatomy(norm: b.ln2Normalized, input: b.ln2Normalized, pre: b.mlpPre,
                                activation: b.mlpAct, up: b.mlpPreLinear, post: b.mlpPost, out: b.mlpOut)))
            resid = b.residPost
        }
        spec.nodes.append(try norm(HookName.lnFinal, resid, "norm"))
        let tied = c.tie_word_embeddings ?? false
        let unembed = tied ? wte : try tensors.add("lm_head.weight")
        spec.nodes.append(NodeSpec(name: HookName.logits, kind: "unembed", inputs: [HookName.lnFinal],
                                   params: ["weight": unembed], attrs: ["layout": .string("out_in")]))
        // Gated MLP: codes from the gate projection (mlp.hook_pre), knots of the SiLU node.
        spec.anatomy = Anatomy(family: c.model_type, blocks: blocks, tiedUnembedding: tied, embed: HookName.embed,
                               finalNorm: HookName.lnFinal, logits: HookName.logits)
        return spec
    }
}
