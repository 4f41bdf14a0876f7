import PolytopeModel

/// BERT (`model_type: bert`, e.g. all-MiniLM-L6-v2; transformers `modeling_bert.py`): post-LN
/// blocks, bidirectional attention, windows wrapped in [CLS] ... [SEP]. Hook names as
/// TransformerLens's `HookedEncoder` / `BertBlock`:
///
///     resid_pre ─ attention ─► hook_attn_out
///     hook_resid_mid = resid_pre + attn_out            (BertSelfOutput, before its LayerNorm)
///     ln1.hook_normalized = LN(resid_mid)               (the MLP's input)
///     mlp.hook_pre ─► mlp.hook_post ─► hook_mlp_out
///     hook_resid_post = ln1.hook_normalized + mlp_out  (BertOutput, before its LayerNorm)
///     ln2.hook_normalized = hook_normalized_resid_post = LN(resid_post) = next block's resid_pre
///
/// The last block's `ln2.hook_normalized` is the model's last_hidden_state.
enum BERTFamily: ArchitectureFamily {
    static let modelTypes = ["bert"]
    static let activations = ["relu": "relu", "gelu": "gelu", "gelu_new": "gelu_new", "gelu_pytorch_tanh": "gelu_new"]

    /// The config.json settings this adapter reads (transformers `BertConfig`).
    struct Config: Decodable {
        var numHiddenLayers: Int
        var numAttentionHeads: Int
        var maxPositionEmbeddings: Int
        var layerNormEps: Double?
        var hiddenAct: String?
        var positionEmbeddingType: String?
        var isDecoder: Bool?
        var addCrossAttention: Bool?

        enum CodingKeys: String, CodingKey {
            case numHiddenLayers = "num_hidden_layers", numAttentionHeads = "num_attention_heads"
            case maxPositionEmbeddings = "max_position_embeddings", layerNormEps = "layer_norm_eps", hiddenAct = "hidden_act"
            case positionEmbeddingType = "position_embedding_type", isDecoder = "is_decoder", addCrossAttention = "add_cross_attention"
        }
    }

    static func build(_ ck: HFCheckpoint, tensors: inout TensorCollector) throws -> ModelSpec {
        let cfg = try ck.decode(Config.self)
        let actName = cfg.hiddenAct ?? "gelu"
        guard let act = activations[actName] else {
            throw ImportError.unsupported("hidden_act '\(actName)' (supported: \(activations.keys.sorted().joined(separator: ", ")))")
        }
        let posType = cfg.positionEmbeddingType ?? "absolute"
        guard posType == "absolute" else { throw ImportError.unsupported("position_embedding_type '\(posType)' (only absolute)") }
        if cfg.isDecoder == true { throw ImportError.unsupported("is_decoder = true") }
        if cfg.addCrossAttention == true { throw ImportError.unsupported("add_cross_attention = true") }
        let eps = AttrValue.float(cfg.layerNormEps ?? 1e-12)
        let prefix = ck.has("bert.embeddings.word_embeddings.weight") ? "bert." : ""
        func k(_ s: String) -> String { prefix + s }
        /// LayerNorm parameters are `weight`/`bias`, or `gamma`/`beta` in older checkpoints.
        func ln(_ base: String) throws -> [String: String] {
            ["weight": try tensors.add(try ck.key([k(base + ".weight"), k(base + ".gamma")])),
             "bias": try tensors.add(try ck.key([k(base + ".bias"), k(base + ".beta")]))]
        }

        var spec = ModelSpec()
        spec.architecture = "bert"
        spec.contextLength = cfg.maxPositionEmbeddings
        spec.nodes.append(NodeSpec(name: HookName.encoderEmbed, kind: "token_embedding",
                                   params: ["weight": try tensors.add(k("embeddings.word_embeddings.weight"))]))
        spec.nodes.append(NodeSpec(name: HookName.encoderPosEmbed, kind: "pos_embedding",
                                   params: ["weight": try tensors.add(k("embeddings.position_embeddings.weight"))]))
        var embedInputs = [HookName.encoderEmbed, HookName.encoderPosEmbed]
        if ck.has(k("embeddings.token_type_embeddings.weight")) {
            spec.nodes.append(NodeSpec(name: HookName.encoderTokenTypeEmbed, kind: "token_type_embedding",
                                       params: ["weight": try tensors.add(k("embeddings.token_type_embeddings.weight"))]))
            embedInputs.append(HookName.encoderTokenTypeEmbed)
        }
        spec.nodes.append(NodeSpec(name: HookName.encoderEmbedSum, kind: "add", inputs: embedInputs))
        spec.nodes.append(NodeSpec(name: HookName.encoderEmbedNormalized, kind: "layer_norm", inputs: [HookName.encoderEmbedSum],
                                   params: try ln("embeddings.LayerNorm"), attrs: ["eps": eps],
                                   aliases: [HookName.fullEmbed, HookName.block(0).residPre]))
        var resid = HookName.encoderEmbedNormalized
        var blocks: [BlockAnatomy] = []
        for l in 0..<cfg.numHiddenLayers {
            let h = "encoder.layer.\(l)."
            let b = HookName.block(l)
            var attnParams: [String: String] = [:]
            for (role, key) in [("q", "query"), ("k", "key"), ("v", "value")] {
                attnParams[role + "_weight"] = try tensors.add(k(h + "attention.self.\(key).weight"))
                attnParams[role + "_bias"] = try tensors.add(k(h + "attention.self.\(key).bias"))
            }
            attnParams["o_weight"] = try tensors.add(k(h + "attention.output.dense.weight"))
            attnParams["o_bias"] = try tensors.add(k(h + "attention.output.dense.bias"))
            spec.nodes.append(NodeSpec(name: b.attnOut, kind: "attention", inputs: [resid], params: attnParams,
                                       attrs: ["n_heads": .int(Int64(cfg.numAttentionHeads)), "causal": .bool(false), "layout": .string("out_in")]))
            spec.nodes.append(NodeSpec(name: b.residMid, kind: "add", inputs: [resid, b.attnOut]))
            spec.nodes.append(NodeSpec(name: b.ln1Normalized, kind: "layer_norm", inputs: [b.residMid],
                                       params: try ln(h + "attention.output.LayerNorm"), attrs: ["eps": eps]))
            spec.nodes.append(NodeSpec(name: b.mlpPre, kind: "linear", inputs: [b.ln1Normalized],
                                       params: ["weight": try tensors.add(k(h + "intermediate.dense.weight")),
                                                "bias": try tensors.add(k(h + "intermediate.dense.bias"))],
                                       attrs: ["layout": .string("out_in")]))
            spec.nodes.append(NodeSpec(name: b.mlpPost, kind: act, inputs: [b.mlpPre]))
            spec.nodes.append(NodeSpec(name: b.mlpOut, kind: "linear", inputs: [b.mlpPost],
                                       params: ["weight": try tensors.add(k(h + "output.dense.weight")),
                                                "bias": try tensors.add(k(h + "output.dense.bias"))],
                                       attrs: ["layout": .string("out_in")]))
            spec.nodes.append(NodeSpec(name: b.residPost, kind: "add", inputs: [b.ln1Normalized, b.mlpOut]))
            var out = NodeSpec(name: b.ln2Normalized, kind: "layer_norm", inputs: [b.residPost],
                               params: try ln(h + "output.LayerNorm"), attrs: ["eps": eps], aliases: [b.normalizedResidPost])
            if l + 1 < cfg.numHiddenLayers { out.aliases.append(HookName.block(l + 1).residPre) }
            spec.nodes.append(out)
            blocks.append(BlockAnatomy(residPre: b.residPre, residMid: b.residMid, residPost: b.residPost, attention: b.attnOut,
                                       causal: false,
                                       mlp: MLPAnatomy(norm: b.ln1Normalized, input: b.ln1Normalized, pre: b.mlpPre,
                                                       activation: b.mlpPost, post: b.mlpPost, out: b.mlpOut)))
            resid = b.ln2Normalized
        }
        let tokenizer = try TokenizerImport.wordPiece(ck)
        spec.tokenizer = tokenizer
        var prefixTokens: [Int32] = [], suffixTokens: [Int32] = []
        if let t = tokenizer, let cls = t.specialTokens["[CLS]"], let sep = t.specialTokens["[SEP]"] {
            prefixTokens = [Int32(cls)]
            suffixTokens = [Int32(sep)]
        }
        spec.anatomy = Anatomy(family: "bert", blocks: blocks, prefixTokens: prefixTokens, suffixTokens: suffixTokens,
                               embed: HookName.encoderEmbedNormalized)
        return spec
    }
}
