/// The one vocabulary of hook names: for each family the names TransformerLens gives the same
/// values (`HookedTransformer` for decoders, `HookedEncoder` for BERT), so a researcher's
/// habits carry over. Node names of imported models come only from here: the family files
/// never spell or concatenate a hook name (`HookNameBoundaryTests` scans for it).
public enum HookName {
    // HookedTransformer, top level.
    /// The token embedding, `W_E[tokens]`.
    public static let embed = "hook_embed"
    /// The learned position embedding, `W_pos[positions]` (GPT-2, OPT; rotary families have none).
    public static let posEmbed = "hook_pos_embed"
    /// The final norm's output (scale and bias applied), the unembedding's input.
    public static let lnFinal = "ln_final.hook_normalized"
    /// The unembedding's output, one score per vocabulary entry.
    public static let logits = "logits"

    // HookedEncoder (BERT): the embedding module `embed` and its layer norm.
    /// BERT: the token (word-piece) embedding.
    public static let encoderEmbed = "embed.hook_embed"
    /// BERT: the absolute position embedding.
    public static let encoderPosEmbed = "embed.hook_pos_embed"
    /// BERT: the token-type (segment) embedding.
    public static let encoderTokenTypeEmbed = "embed.hook_token_type_embed"
    /// The sum of the three embeddings (TransformerLens has no hook for it).
    public static let encoderEmbedSum = "embed.hook_sum"
    /// BERT: the embedding layer norm's output, block 0's input.
    public static let encoderEmbedNormalized = "embed.ln.hook_normalized"
    /// BERT: TransformerLens's name for the embedding module's output.
    public static let fullEmbed = "hook_full_embed"

    /// The hooks of block `layer`.
    public static func block(_ layer: Int) -> Block { Block(layer: layer) }

    /// The hooks of one transformer block, `blocks.{layer}.…`.
    public struct Block: Sendable {
        public let layer: Int
        var prefix: String { "blocks.\(layer)." }

        /// The residual stream entering the block (block 0: the embedding).
        public var residPre: String { prefix + "hook_resid_pre" }
        /// The residual stream after attention was added, `resid_pre + attn_out` (sequential
        /// blocks only; a parallel NeoX block has none).
        public var residMid: String { prefix + "hook_resid_mid" }
        /// The residual stream leaving the block, after the MLP was added (BERT: before its
        /// post-norm).
        public var residPost: String { prefix + "hook_resid_post" }
        /// The attention sublayer's output, after the output projection and its bias.
        public var attnOut: String { prefix + "hook_attn_out" }
        /// The MLP sublayer's output, after the down (`W_out`) projection and its bias.
        public var mlpOut: String { prefix + "hook_mlp_out" }
        /// The first norm's output (scale and bias applied): pre-norm families, the attention's
        /// input; BERT (post-norm), the norm after attention, the MLP's input.
        public var ln1Normalized: String { prefix + "ln1.hook_normalized" }
        /// The second norm's output: pre-norm families, the MLP's input; BERT, the block's output.
        public var ln2Normalized: String { prefix + "ln2.hook_normalized" }
        /// BERT: the block's output, the layer norm of `hook_resid_post`.
        public var normalizedResidPost: String { prefix + "hook_normalized_resid_post" }
        /// The MLP's pre-activation, `x·W_in + b_in` (for gated MLPs: the gate projection,
        /// TransformerLens's `mlp.hook_pre`).
        public var mlpPre: String { prefix + "mlp.hook_pre" }
        /// Gated MLPs: the up projection (TransformerLens `mlp.hook_pre_linear`).
        public var mlpPreLinear: String { prefix + "mlp.hook_pre_linear" }
        /// Gated MLPs: the activation of the gate projection, `act(mlp.hook_pre)`, before it is
        /// multiplied by `mlp.hook_pre_linear`. TransformerLens has no hook for it (its gated
        /// MLP goes straight from `hook_pre` to `hook_post`); here it is the node whose knots
        /// the codes come from.
        public var mlpAct: String { prefix + "mlp.hook_act" }
        /// The MLP's hidden activations, the down projection's input: `act(mlp.hook_pre)`, or for
        /// gated MLPs `act(mlp.hook_pre) * mlp.hook_pre_linear`.
        public var mlpPost: String { prefix + "mlp.hook_post" }
    }
}
