/// Arithmetic of the forward pass's matrix products. `.fp32` everywhere by default; `.bf16`
/// (opt-in) rounds the inputs of every product to bfloat16 and accumulates in fp32
/// (AVX512-BF16 `vdpbf16ps`): the GEMMs and attention's scores and weighted sums; softmax,
/// norms and activations stay fp32. `.bf16Mixed` rounds the GEMMs' inputs except those of the
/// MLPs' input projections (`mlp.pre`, and `mlp.up` of gated MLPs: the products whose signs are
/// the polytope codes) and keeps attention fp32: about a third of a block's GEMM work in fp32,
/// for roughly a third fewer flipped bits (bench/README.md).
public enum Precision: String, Sendable, CaseIterable, Codable {
    case fp32
    case bf16
    case bf16Mixed = "bf16-mixed"

    /// Whether some matrix products run in bf16.
    public var usesBF16: Bool { self != .fp32 }

    /// Why this CPU cannot run the precision, or nil when it can.
    public var unsupportedReason: String? {
        switch self {
        case .fp32: return nil
        case .bf16, .bf16Mixed:
            if CPU.features.contains(.avx512bf16) { return nil }
            let amx = CPU.features.contains(.amxbf16) ? " (it has AMX-BF16, which these kernels do not use yet)" : ""
            return "precision \(rawValue) needs a CPU with AVX512-BF16; this one (\(CPU.brand.isEmpty ? "unknown" : CPU.brand)) has [\(CPU.featureNames.joined(separator: ", "))]\(amx)"
        }
    }

    public var isSupported: Bool { unsupportedReason == nil }
}
