/// What each part of a model's graph is: the residual stream, attention, and the MLP whose
/// pre-activations give the polytope codes; the sequence markers around every window.
///
/// Written by the importer (one family file of `PolytopeArchitectures`), stored in the model
/// file (`proto/polytope.proto`, message `Anatomy`) and validated on load (`Model.init`), so
/// that no other code has to recognise a model's structure from node names or layer kinds.
/// Names are hook names (node names or aliases).
public struct Anatomy: Sendable, Equatable {
    /// Architecture family, e.g. "gpt2", "bert".
    public var family: String
    /// Block `L` is `blocks[L]`.
    public var blocks: [BlockAnatomy]
    /// Token ids put before every window (BOS, [CLS]) and after it ([SEP], EOS).
    public var prefixTokens: [Int32]
    public var suffixTokens: [Int32]
    /// The logits use the token embedding matrix.
    public var tiedUnembedding: Bool
    /// The node whose output enters block 0.
    public var embed: String
    /// The final norm and the logits, when the model has them (encoders may have neither).
    public var finalNorm: String?
    public var logits: String?

    public init(family: String, blocks: [BlockAnatomy], prefixTokens: [Int32] = [], suffixTokens: [Int32] = [],
                tiedUnembedding: Bool = false, embed: String, finalNorm: String? = nil, logits: String? = nil) {
        self.family = family
        self.blocks = blocks
        self.prefixTokens = prefixTokens
        self.suffixTokens = suffixTokens
        self.tiedUnembedding = tiedUnembedding
        self.embed = embed
        self.finalNorm = finalNorm
        self.logits = logits
    }

    /// The block indices (MLP layers) of the model.
    public var layers: [Int] { Array(blocks.indices) }

    /// The anatomy with every hook name it refers to passed through `f` (a renamed node).
    public func mappingHooks(_ f: (String) -> String) -> Anatomy {
        var a = self
        a.embed = f(embed)
        a.finalNorm = finalNorm.map(f)
        a.logits = logits.map(f)
        a.blocks = blocks.map { b in
            var b = b
            b.residPre = f(b.residPre)
            b.residMid = b.residMid.map(f)
            b.residPost = f(b.residPost)
            b.attention = b.attention.map(f)
            b.mlp.norm = b.mlp.norm.map(f)
            b.mlp.input = f(b.mlp.input)
            b.mlp.pre = f(b.mlp.pre)
            b.mlp.activation = f(b.mlp.activation)
            b.mlp.up = b.mlp.up.map(f)
            b.mlp.post = f(b.mlp.post)
            b.mlp.out = f(b.mlp.out)
            return b
        }
        return a
    }

    /// Every hook name the anatomy refers to, with the role it plays (for validation and `inspect`).
    public var roles: [(role: String, hook: String)] {
        var out: [(String, String)] = [("embed", embed)]
        if let finalNorm { out.append(("final_norm", finalNorm)) }
        if let logits { out.append(("logits", logits)) }
        for (l, b) in blocks.enumerated() {
            out += b.roles.map { ("blocks[\(l)].\($0.role)", $0.hook) }
        }
        return out
    }
}

/// One transformer block.
public struct BlockAnatomy: Sendable, Equatable {
    public var residPre: String
    /// The residual stream between attention and MLP; nil for parallel blocks.
    public var residMid: String?
    public var residPost: String
    /// The attention node (nil in MLP-only toy blocks), and whether a position sees only
    /// earlier positions.
    public var attention: String?
    public var causal: Bool
    /// Attention and MLP read the same input (GPT-NeoX's parallel residual).
    public var parallel: Bool
    public var mlp: MLPAnatomy

    public init(residPre: String, residMid: String?, residPost: String, attention: String?, causal: Bool,
                parallel: Bool = false, mlp: MLPAnatomy) {
        self.residPre = residPre
        self.residMid = residMid
        self.residPost = residPost
        self.attention = attention
        self.causal = causal
        self.parallel = parallel
        self.mlp = mlp
    }

    public var roles: [(role: String, hook: String)] {
        var out = [("resid_pre", residPre), ("resid_post", residPost)]
        if let attention { out.append(("attn", attention)) }
        if let residMid { out.append(("resid_mid", residMid)) }
        return out + mlp.roles.map { ("mlp.\($0.role)", $0.hook) }
    }
}

/// The MLP of a block. Codes are taken from `pre`: for a plain MLP the input projection, for
/// a gated one (SwiGLU, GeGLU) the gate projection, whose sign decides the gate's region.
public struct MLPAnatomy: Sendable, Equatable {
    /// The input norm; nil when the MLP reads `input` as it is.
    public var norm: String?
    /// The node whose output the MLP reads (the norm's output when there is a norm).
    public var input: String
    /// The pre-activation the codes come from.
    public var pre: String
    /// The activation node; its kind declares the knots.
    public var activation: String
    /// Gated MLPs: the up projection, multiplied with the activation's output.
    public var up: String?
    /// The post-activation (gated: act(gate) * up), input of the output projection.
    public var post: String
    /// The output projection.
    public var out: String

    public init(norm: String?, input: String, pre: String, activation: String, up: String? = nil, post: String, out: String) {
        self.norm = norm
        self.input = input
        self.pre = pre
        self.activation = activation
        self.up = up
        self.post = post
        self.out = out
    }

    public var isGated: Bool { up != nil }

    public var roles: [(role: String, hook: String)] {
        var out = [("input", input), ("pre", pre), ("activation", activation), ("post", post), ("out", self.out)]
        if let norm { out.append(("norm", norm)) }
        if let up { out.append(("up", up)) }
        return out
    }
}
