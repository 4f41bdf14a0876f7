import CKernels

/// What this CPU offers the forward pass, detected once at start-up (cpuid plus the register
/// state the OS saves), so kernels are chosen at run time on whichever machine runs the binary.
public enum CPU {
    public struct Features: OptionSet, Sendable {
        public let rawValue: Int32
        public init(rawValue: Int32) { self.rawValue = rawValue }
        public static let avx2 = Features(rawValue: Int32(CK_CPU_AVX2))
        public static let avx512 = Features(rawValue: Int32(CK_CPU_AVX512))
        public static let avx512bf16 = Features(rawValue: Int32(CK_CPU_AVX512BF16))
        public static let avx512vnni = Features(rawValue: Int32(CK_CPU_AVX512VNNI))
        public static let amxbf16 = Features(rawValue: Int32(CK_CPU_AMXBF16))
    }

    public static let features = Features(rawValue: ck_cpu_features())

    /// The CPU's brand string, e.g. "AMD EPYC" or "Intel(R) Xeon(R) Platinum 8488C".
    public static let brand: String = {
        var buf = [CChar](repeating: 0, count: 64)
        ck_cpu_brand(&buf, buf.count)
        return String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }()

    /// Feature names present, for reports: e.g. ["avx2", "avx512", "avx512-bf16", "avx512-vnni"].
    public static var featureNames: [String] {
        let all: [(Features, String)] = [(.avx2, "avx2"), (.avx512, "avx512"), (.avx512bf16, "avx512-bf16"),
                                         (.avx512vnni, "avx512-vnni"), (.amxbf16, "amx-bf16")]
        return all.filter { features.contains($0.0) }.map(\.1)
    }
}
