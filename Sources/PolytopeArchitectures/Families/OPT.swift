import Foundation
import PolytopeModel

/// The Hugging Face config of `OPTForCausalLM`, as far as the graph needs it.
struct OPTConfig: Decodable {
    var hidden_size: Int
    var num_hidden_layers: Int
    var num_attention_heads: Int
    var ffn_dim: Int
    var max_position_embeddings: Int
    var word_embed_proj_dim: Int?
    var do_layer_norm_before: Bool?
    var activation_function: String?
    var enable_bias: Bool?
    var layer_norm_elementwise_affine: Bool?
    var _remove_final_layer_norm: Bool?
    var tie_word_embeddings: Bool?
}

/// OPT (pre-LN sizes: 125m, 1.3b and up) with TransformerLens hook names: hook_embed +
/// hook_pos_embed (learned, row = position + 2) -> blocks.0.hook_resid_pre; per block
/// ln1.hook_normalized, hook_attn_out, hook_resid_mid, ln2.hook_normalized, mlp.hook_pre,
/// mlp.hook_post (ReLU), hook_mlp_out, hook_resid_post; ln_final.hook_normalized, logits (tied to
/// the token embedding unless `lm_head.weight` is stored). opt-350m's post-LN layout with
/// `project_in` / `project_out` is refused by name.
enum OPTImporter: ArchitectureFamily {
    static let modelTypes = ["opt"]
    static let activations = ["relu": "relu", "gelu": "gelu", "gelu_new": "gelu_new"]

    /// OPT's tokenizer prepends `</s>` (bos_token_id, 2) unless tokenizer_config.json says
    /// add_bos_token = false.
    static func defaultPrefix(_ ck: HFCheckpoint) -> [Int32] {
        if let p = ck.file("tokenizer_config.json"), let d = FileManager.default.contents(atPath: p),
           let obj = (try? JSONSerialization.jsonObject(with: d)) as? [String: Any], (obj["add_bos_token"] as? Bool) == false {
            return []
        }
        return [Int32((ck.config["bos_token_id"] as? Int) ?? 2)]
    }

    static func build(_ ck: HFCheckpoint, tensors: inout TensorCollector) throws -> ModelSpec {
        let c = try ck.decode(OPTConfig.self)
        if c.do_layer_norm_before == false {
            throw ImportError.unsupported("do_layer_norm_before = false (post-LN OPT, as opt-350m, is not supported)")
        }
        if let p = c.word_embed_proj_dim, p != c.hidden_size {
            throw ImportError.unsupported("word_embed_proj_dim \(p) != hidden_size \(c.hidden_size) (opt-350m's project_in / project_out are not supported)")
        }
        if c._remove_final_layer_norm == true { throw ImportError.unsupported("_remove_final_layer_norm = true") }
        if c.layer_norm_elementwise_affine == false { throw ImportError.unsupported("layer_norm_elementwise_affine = false") }
        guard let act = activations[c.activation_function ?? "relu"] else {
            throw ImportError.unsupported("activation_function '\(c.activation_function ?? "")' (supported: \(activations.keys.sorted().joined(separator: ", ")))")
        }
        guard c.hidden_size % c.num_attention_heads == 0 else {
            throw ImportError.badConfig(path: ck.configPath, reason: "hidden_size \(c.hidden_size) is not a multiple of num_attention_heads \(c.num_attention_heads)")
        }
        let bias = c.enable_bias ?? true
        let prefix = ck.weights.contains("model.decoder.embed_tokens.weight") ? "model.decoder."
            : ck.weights.contains("decoder.embed_tokens.weight") ? "decoder." : ""
        func k(_ s: String) -> String { prefix + s }
        func params(_ key: String, bias b: Bool) throws -> [String: String] {
            var p = ["weight": try tensors.add(k(key + ".weight"))]
            if b { p["bias"] = try tensors.add(k(key + ".bias")) }
            return p
        }
        func ln(_ name: String, _ input: String, _ key: String) throws -> NodeSpec {
            NodeSpec(name: name, kind: "layer_norm", inputs: [input], params: try params(key, bias: true), attrs: ["eps": .float(1e-5)])
        }
        func linear(_ name: String, _ input: String, _ key: String) throws -> NodeSpec {
            NodeSpec(name: name, kind: "linear", inputs: [input], params: try params(key, bias: bias), attrs: ["layout": .string("out_in")])
        }

        var spec = ModelSpec()
        var blocks: [BlockAnatomy] = []
        spec.architecture = "opt"
        spec.contextLength = c.max_position_embeddings
        let wte = try tensors.add(k("embed_tokens.weight"))
        spec.nodes.append(NodeSpec(name: HookName.embed, kind: "token_embedding", params: ["weight": wte]))
        spec.nodes.append(NodeSpec(name: HookName.posEmbed, kind: "pos_embedding", params: ["weight": try tensors.add(k("embed_positions.weight"))],
                                   attrs: ["offset": .int(2)]))
        spec.nodes.append(NodeSpec(name: HookName.block(0).residPre, kind: "add", inputs: [HookName.embed, HookName.posEmbed]))
        var resid = HookName.block(0).residPre
        for l in 0..<c.num_hidden_layers {
            let h = "layers.\(l).", b = HookName.block(l)
            spec.nodes.append(try ln(b.ln1Normalized, resid, h + "self_attn_layer_norm"))
            var ap: [String: String] = [:]
            for (r, key) in [("q", "q_proj"), ("k", "k_proj"), ("v", "v_proj"), ("o", "out_proj")] {
                ap[r + "_weight"] = try tensors.add(k(h + "self_attn.\(key).weight"))
                if bias { ap[r + "_bias"] = try tensors.add(k(h + "self_attn.\(key).bias")) }
            }
            spec.nodes.append(NodeSpec(name: b.attnOut, kind: "attention", inputs: [b.ln1Normalized], params: ap,
                                       attrs: ["n_heads": .int(Int64(c.num_attention_heads)), "causal": .bool(true), "layout": .string("out_in")]))
            spec.nodes.append(NodeSpec(name: b.residMid, kind: "add", inputs: [resid, b.attnOut]))
            spec.nodes.append(try ln(b.ln2Normalized, b.residMid, h + "final_layer_norm"))
            spec.nodes.append(try linear(b.mlpPre, b.ln2Normalized, h + "fc1"))
            spec.nodes.append(NodeSpec(name: b.mlpPost, kind: act, inputs: [b.mlpPre]))
            spec.nodes.append(try linear(b.mlpOut, b.mlpPost, h + "fc2"))
            var post = NodeSpec(name: b.residPost, kind: "add", inputs: [b.residMid, b.mlpOut])
            if l + 1 < c.num_hidden_layers { post.aliases = [HookName.block(l + 1).residPre] }
            spec.nodes.append(post)
            blocks.append(BlockAnatomy(
                residPre: b.residPre, residMid: b.residMid, residPost: b.residPost,
                attention: b.attnOut, causal: true,
                mlp: MLPAnatomy(norm: b.ln2Normalized, input: b.ln2Normalized, pre: b.mlpPre,
                                activation: b.mlpPost, post: b.mlpPost, out: b.mlpOut)))
            resid = b.residPost
        }
        spec.nodes.append(try ln(HookName.lnFinal, resid, "final_layer_norm"))
        let tied = !(ck.weights.contains("lm_head.weight") && c.tie_word_embeddings == false)
        let unembed = tied ? wte : try tensors.add("lm_head.weight")
        spec.nodes.append(NodeSpec(name: HookName.logits, kind: "unembed", inputs: [HookName.lnFinal],
                                   params: ["weight": unembed], attrs: ["layout": .string("out_in")]))
        spec.tokenizer = try TokenizerImport.bpe(ck)
        spec.anatomy = Anatomy(family: "opt", blocks: blocks, tiedUnembedding: tied, embed: HookName.block(0).residPre,
                               finalNorm: HookName.lnFinal, logits: HookName.logits)
        return spec
    }
}
