import KindActivations
import KindAttention
import KindEmbedding
import KindLayerNorm
import KindLinear
import KindMultiply
import KindRMSNorm
import KindResidualAdd
import KindRotaryAttention
import KindUnembed
import PolytopeModel

/// The layer kinds that ship with PolytopeLens, one module each under `Plugins/`.
/// Adding a built-in kind: a folder under `Plugins/`, its name in `Package.swift`, a line here.
public enum BuiltinKinds {
    public static let all: [LayerKind] =
        EmbeddingKinds.all + LayerNormKinds.all + AttentionKinds.all + LinearKinds.all
        + ActivationKinds.all + ResidualAddKinds.all + UnembedKinds.all
        + RMSNormKinds.all + RotaryAttentionKinds.all + MultiplyKinds.all
}

extension LayerRegistry {
    /// A registry holding every built-in kind.
    public static func builtins() -> LayerRegistry {
        let r = LayerRegistry()
        for k in BuiltinKinds.all { try! r.register(BuiltinSchemas.describe(k)) }
        return r
    }
}
