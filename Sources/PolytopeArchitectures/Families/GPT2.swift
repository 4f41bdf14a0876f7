import PolytopeModel

/// GPT-2 (`model_type: gpt2`; transformers `modeling_gpt2.py`): pre-LN blocks, fused QKV
/// Conv1D weights stored [in, out], learned positions, unembedding tied to `wte` unless
/// `lm_head.weight` is present. Hook names as TransformerLens's `HookedTransformer`.
enum GPT2Family: ArchitectureFamily {
    static let modelTypes = ["gpt2"]
    static let activations = ["relu": "relu", "gelu": "gelu", "gelu_new": "gelu_new", "gelu_pytorch_tanh": "gelu_new",
                              "solu": "solu"]

    /// The config.json settings this adapter reads (transformers `GPT2Config`).
    struct Config: Decodable {
        var nLayer: Int
        var nHead: Int
        var nPositions: Int
        var layerNormEpsilon: Double
        var activationFunction: String
        var scaleAttnByInverseLayerIdx: Bool
        var scaleAttnWeights: Bool
        var addCrossAttention: Bool

        enum CodingKeys: String, CodingKey {
            case nLayer = "n_layer", nHead = "n_head", nPositions = "n_positions", nCtx = "n_ctx"
            case layerNormEpsilon = "layer_norm_epsilon", activationFunction = "activation_function"
            case scaleAttnByInverseLayerIdx = "scale_attn_by_inverse_layer_idx", scaleAttnWeights = "scale_attn_weights"
            case addCrossAttention = "add_cross_attention"
        }

        init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            nLayer = try c.decode(Int.self, forKey: .nLayer)
            nHead = try c.decode(Int.self, forKey: .nHead)
            nPositions = try c.decodeIfPresent(Int.self, forKey: .nPositions) ?? c.decode(Int.self, forKey: .nCtx)
            layerNormEpsilon = try c.decodeIfPresent(Double.self, forKey: .layerNormEpsilon) ?? 1e-5
            activationFunction = try c.decodeIfPresent(String.self, forKey: .activationFunction) ?? "gelu_new"
            scaleAttnByInverseLayerIdx = try c.decodeIfPresent(Bool.self, forKey: .scaleAttnByInverseLayerIdx) ?? false
            scaleAttnWeights = try c.decodeIfPresent(Bool.self, forKey: .scaleAttnWeights) ?? true
            addCrossAttention = try c.decodeIfPresent(Bool.self, forKey: .addCrossAttention) ?? false
        }
    }

    static func build(_ ck: HFCheckpoint, tensors: inout TensorCollector) throws -> ModelSpec {
        let cfg = try ck.decode(Config.self)
        guard let act = activations[cfg.activationFunction] else {
            throw ImportError.unsupported("activation_function '\(cfg.activationFunction)' (supported: \(activations.keys.sorted().joined(separator: ", ")))")
        }
        if cfg.scaleAttnByInverseLayerIdx { throw ImportError.unsupported("scale_attn_by_inverse_layer_idx = true") }
        if !cfg.scaleAttnWeights { throw ImportError.unsupported("scale_attn_weights = false") }
        if cfg.addCrossAttention { throw ImportError.unsupported("add_cross_attention = true") }
        // Checkpoints of GPT2LMHeadModel prefix with "transformer."; GPT2Model does not.
        let prefix = ck.has("transformer.wte.weight") ? "transformer." : ""
        func k(_ s: String) -> String { prefix + s }
        let eps = AttrValue.float(cfg.layerNormEpsilon)

        var spec = ModelSpec()
        spec.architecture = "gpt2"
        spec.contextLength = cfg.nPositions
        let wte = try tensors.add(k("wte.weight"))
        let embed = HookName.block(0).residPre
        spec.nodes.append(NodeSpec(name: HookName.embed, kind: "token_embedding", params: ["weight": wte]))
        spec.nodes.append(NodeSpec(name: HookName.posEmbed, kind: "pos_embedding", params: ["weight": try tensors.add(k("wpe.weight"))]))
        spec.nodes.append(NodeSpec(name: embed, kind: "add", inputs: [HookName.embed, HookName.posEmbed]))
        var blocks: [BlockAnatomy] = []
        var resid = embed
        for l in 0..<cfg.nLayer {
            let h = k("h.\(l).")
            let b = HookName.block(l)
            spec.nodes.append(NodeSpec(name: b.ln1Normalized, kind: "layer_norm", inputs: [resid],
                                       params: ["weight": try tensors.add(h + "ln_1.weight"), "bias": try tensors.add(h + "ln_1.bias")],
                                       attrs: ["eps": eps]))
            spec.nodes.append(NodeSpec(name: b.attnOut, kind: "attention", inputs: [b.ln1Normalized],
                                       params: ["qkv_weight": try tensors.add(h + "attn.c_attn.weight"),
                                                "qkv_bias": try tensors.add(h + "attn.c_attn.bias"),
                                                "o_weight": try tensors.add(h + "attn.c_proj.weight"),
                                                "o_bias": try tensors.add(h + "attn.c_proj.bias")],
                                       attrs: ["n_heads": .int(Int64(cfg.nHead)), "causal": .bool(true), "layout": .string("in_out")]))
            spec.nodes.append(NodeSpec(name: b.residMid, kind: "add", inputs: [resid, b.attnOut]))
            spec.nodes.append(NodeSpec(name: b.ln2Normalized, kind: "layer_norm", inputs: [b.residMid],
                                       params: ["weight": try tensors.add(h + "ln_2.weight"), "bias": try tensors.add(h + "ln_2.bias")],
                                       attrs: ["eps": eps]))
            spec.nodes.append(NodeSpec(name: b.mlpPre, kind: "linear", inputs: [b.ln2Normalized],
                                       params: ["weight": try tensors.add(h + "mlp.c_fc.weight"), "bias": try tensors.add(h + "mlp.c_fc.bias")],
                                       attrs: ["layout": .string("in_out")]))
            var actNode = NodeSpec(name: b.mlpPost, kind: act, inputs: [b.mlpPre])
            if act == "solu" {
                actNode.params = ["ln_weight": try tensors.add(h + "mlp.ln.weight"), "ln_bias": try tensors.add(h + "mlp.ln.bias")]
                actNode.attrs = ["eps": eps]
            }
            spec.nodes.append(actNode)
            spec.nodes.append(NodeSpec(name: b.mlpOut, kind: "linear", inputs: [b.mlpPost],
                                       params: ["weight": try tensors.add(h + "mlp.c_proj.weight"), "bias": try tensors.add(h + "mlp.c_proj.bias")],
                                       attrs: ["layout": .string("in_out")]))
            var post = NodeSpec(name: b.residPost, kind: "add", inputs: [b.residMid, b.mlpOut])
            if l + 1 < cfg.nLayer { post.aliases = [HookName.block(l + 1).residPre] }
            spec.nodes.append(post)
            blocks.append(anatomy(block: l))
            resid = b.residPost
        }
        spec.nodes.append(NodeSpec(name: HookName.lnFinal, kind: "layer_norm", inputs: [resid],
                                   params: ["weight": try tensors.add(k("ln_f.weight")), "bias": try tensors.add(k("ln_f.bias"))],
                                   attrs: ["eps": eps]))
        // lm_head is usually tied to wte and then absent from the file.
        let tied = !ck.has("lm_head.weight")
        let unembed = tied ? wte : try tensors.add("lm_head.weight")
        spec.nodes.append(NodeSpec(name: HookName.logits, kind: "unembed", inputs: [HookName.lnFinal],
                                   params: ["weight": unembed], attrs: ["layout": .string("out_in")]))
        spec.tokenizer = try TokenizerImport.bpe(ck)
        // GPT-2's tokenizer adds no BOS: windows carry no markers.
        spec.anatomy = Anatomy(family: "gpt2", blocks: blocks, tiedUnembedding: tied, embed: embed,
                               finalNorm: HookName.lnFinal, logits: HookName.logits)
        return spec
    }

    /// Block `l` of a GPT-2 graph built above (also used to infer the anatomy of model files
    /// written before anatomies existed, whose node names are the same).
    static func anatomy(block l: Int) -> BlockAnatomy {
        let b = HookName.block(l)
        return BlockAnatomy(residPre: b.residPre, residMid: b.residMid, residPost: b.residPost, attention: b.attnOut, causal: true,
                            mlp: MLPAnatomy(norm: b.ln2Normalized, input: b.ln2Normalized, pre: b.mlpPre, activation: b.mlpPost,
                                            post: b.mlpPost, out: b.mlpOut))
    }
}
