/// The one vocabulary of hook names: for each family the names TransformerLens gives the same
/// values (`HookedTransformer` for decoders, `HookedEncoder` for BERT), so a researcher's
/// habits carry over. Node names of imported models come only from here.
public enum HookName {
    // HookedTransformer, top level.
    public static let embed = "hook_embed"
    public static let posEmbed = "hook_pos_embed"
    public static let lnFinal = "ln_final.hook_normalized"
    public static let logits = "logits"

    // HookedEncoder (BERT): the embedding module `embed` and its layer norm.
    public static let encoderEmbed = "embed.hook_embed"
    public static let encoderPosEmbed = "embed.hook_pos_embed"
    public static let encoderTokenTypeEmbed = "embed.hook_token_type_embed"
    /// The sum of the three embeddings (TransformerLens has no hook for it).
    public static let encoderEmbedSum = "embed.hook_sum"
    public static let encoderEmbedNormalized = "embed.ln.hook_normalized"
    public static let fullEmbed = "hook_full_embed"

    /// The hooks of block `layer`.
    public static func block(_ layer: Int) -> Block { Block(layer: layer) }

    public struct Block: Sendable {
        public let layer: Int
        var prefix: String { "blocks.\(layer)." }

        public var residPre: String { prefix + "hook_resid_pre" }
        public var residMid: String { prefix + "hook_resid_mid" }
        public var residPost: String { prefix + "hook_resid_post" }
        public var attnOut: String { prefix + "hook_attn_out" }
        public var mlpOut: String { prefix + "hook_mlp_out" }
        public var ln1Normalized: String { prefix + "ln1.hook_normalized" }
        public var ln2Normalized: String { prefix + "ln2.hook_normalized" }
        /// BERT: the block's output, the layer norm of `hook_resid_post`.
        public var normalizedResidPost: String { prefix + "hook_normalized_resid_post" }
        /// The MLP's pre-activation (for gated MLPs: the gate projection, TransformerLens's `mlp.hook_pre`).
        public var mlpPre: String { prefix + "mlp.hook_pre" }
        /// Gated MLPs: the up projection (TransformerLens `mlp.hook_pre_linear`).
        public var mlpPreLinear: String { prefix + "mlp.hook_pre_linear" }
        public var mlpPost: String { prefix + "mlp.hook_post" }
    }
}
