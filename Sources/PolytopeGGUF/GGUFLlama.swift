/// A GGUF file of architecture `llama` (SmolLM2, Llama, TinyLlama, ...) read as a Hugging Face
/// `LlamaForCausalLM`: hyperparameters from the `llama.*` metadata, tensors under their HF names
/// with shapes checked against those hyperparameters, and llama.cpp's reordering of the
/// q / k projection rows undone. Other architectures are refused by name.
public struct GGUFLlama: Sendable {
    public struct Hyperparameters: Sendable, Equatable {
        public var layers, width, feedForward, heads, kvHeads, headDim, contextLength, vocabulary: Int
        public var ropeTheta, rmsEps: Double
        /// No `output.weight`: the unembedding is the token embedding.
        public var tiedEmbeddings: Bool
    }

    public let file: GGUFFile
    public let hyper: Hyperparameters
    /// HF tensor name -> GGUF tensor name, for every tensor the model has.
    public let names: [String: String]

    public init(file: GGUFFile) throws {
        self.file = file
        func fail(_ r: String) -> GGUFError { GGUFError(path: file.path, reason: r) }
        guard let arch = file.metadata["general.architecture"]?.string else { throw fail("metadata 'general.architecture' is missing") }
        guard arch == "llama" else { throw fail("architecture '\(arch)' is not supported (only llama)") }
        func int(_ key: String, _ def: Int? = nil) throws -> Int {
            guard let v = file.metadata[key] else {
                if let def { return def }
                throw fail("metadata '\(key)' is missing")
            }
            guard let i = v.int, i > 0, i <= 1 << 24 else { throw fail("metadata '\(key)' is \(v), expected a positive integer") }
            return i
        }
        func double(_ key: String, _ def: Double) throws -> Double {
            guard let v = file.metadata[key] else { return def }
            guard let d = v.double, d > 0, d.isFinite else { throw fail("metadata '\(key)' is \(v), expected a positive number") }
            return d
        }
        if let s = file.metadata["llama.rope.scaling.type"]?.string, s != "none" {
            throw fail("llama.rope.scaling.type '\(s)' is not supported (only unscaled rotary embeddings)")
        }
        let heads = try int("llama.attention.head_count"), width = try int("llama.embedding_length")
        guard width % heads == 0 else { throw fail("llama.embedding_length \(width) is not a multiple of llama.attention.head_count \(heads)") }
        let kv = try int("llama.attention.head_count_kv", heads)
        guard heads % kv == 0 else { throw fail("llama.attention.head_count_kv \(kv) does not divide llama.attention.head_count \(heads)") }
        let headDim = try int("llama.attention.key_length", width / heads)
        let rot = try int("llama.rope.dimension_count", headDim)
        guard rot == headDim else { throw fail("llama.rope.dimension_count \(rot) != head dimension \(headDim) (partial rotary is not supported for llama)") }
        guard let embd = file.tensor(named: "token_embd.weight") else { throw fail("tensor 'token_embd.weight' is missing") }
        var hp = Hyperparameters(layers: try int("llama.block_count"), width: width, feedForward: try int("llama.feed_forward_length"),
                                 heads: heads, kvHeads: kv, headDim: headDim, contextLength: try int("llama.context_length"),
                                 vocabulary: embd.shape[0], ropeTheta: try double("llama.rope.freq_base", 10000),
                                 rmsEps: try double("llama.attention.layer_norm_rms_epsilon", 1e-5),
                                 tiedEmbeddings: file.tensor(named: "output.weight") == nil)
        if let v = file.metadata["llama.vocab_size"], v.int != hp.vocabulary {
            throw fail("llama.vocab_size \(v) disagrees with token_embd.weight's \(hp.vocabulary) rows")
        }
        hp.vocabulary = embd.shape[0]
        let d = hp.width, q = heads * headDim, k = kv * headDim, ff = hp.feedForward
        var expect: [(String, String, [Int])] = [
            ("token_embd.weight", "model.embed_tokens.weight", [hp.vocabulary, d]),
            ("output_norm.weight", "model.norm.weight", [d]),
        ]
        if !hp.tiedEmbeddings { expect.append(("output.weight", "lm_head.weight", [hp.vocabulary, d])) }
        for l in 0..<hp.layers {
            let g = "blk.\(l).", h = "model.layers.\(l)."
            expect += [
                (g + "attn_norm.weight", h + "input_layernorm.weight", [d]),
                (g + "attn_q.weight", h + "self_attn.q_proj.weight", [q, d]),
                (g + "attn_k.weight", h + "self_attn.k_proj.weight", [k, d]),
                (g + "attn_v.weight", h + "self_attn.v_proj.weight", [k, d]),
                (g + "attn_output.weight", h + "self_attn.o_proj.weight", [d, q]),
                (g + "ffn_norm.weight", h + "post_attention_layernorm.weight", [d]),
                (g + "ffn_gate.weight", h + "mlp.gate_proj.weight", [ff, d]),
                (g + "ffn_up.weight", h + "mlp.up_proj.weight", [ff, d]),
                (g + "ffn_down.weight", h + "mlp.down_proj.weight", [d, ff]),
            ]
        }
        var names: [String: String] = [:]
        for (g, h, shape) in expect {
            guard let t = file.tensor(named: g) else { throw fail("tensor '\(g)' is missing") }
            guard t.shape == shape else { throw fail("tensor '\(g)' has shape \(t.shape), the metadata implies \(shape)") }
            names[h] = g
        }
        self.hyper = hp
        self.names = names
    }

    /// The tensor named `hf` (a Hugging Face name) as float32, row-major [out, in]; q and k
    /// projections with llama.cpp's per-head row interleaving undone.
    public func floats(hf: String) throws -> [Float] {
        guard let g = names[hf], let t = file.tensor(named: g) else { throw GGUFError(path: file.path, reason: "tensor for '\(hf)' is missing") }
        let values = try file.floats(t)
        if g.hasSuffix("attn_q.weight") { return Self.unpermute(values, heads: hyper.heads, rowWidth: hyper.width) }
        if g.hasSuffix("attn_k.weight") { return Self.unpermute(values, heads: hyper.kvHeads, rowWidth: hyper.width) }
        return values
    }

    /// Undoes llama.cpp's `permute` (convert_hf_to_gguf.py): within each head, HF rows
    /// [half s][i] (rotate-half layout) were stored as [i][s] (interleaved pairs).
    public static func unpermute(_ w: [Float], heads: Int, rowWidth: Int) -> [Float] {
        let rows = w.count / rowWidth, hd = rows / heads, half = hd / 2
        var out = [Float](repeating: 0, count: w.count)
        for h in 0..<heads {
            for s in 0..<2 {
                for i in 0..<half {
                    let src = (h * hd + i * 2 + s) * rowWidth, dst = (h * hd + s * half + i) * rowWidth
                    for c in 0..<rowWidth { out[dst + c] = w[src + c] }
                }
            }
        }
        return out
    }
}
