import CKernels

/// The popcount paths of the CKernels Hamming kernels, chosen at run time (see ckernels.h).
public enum HammingKernel: String, CaseIterable, Sendable, CustomStringConvertible {
    case portable
    case popcnt
    case avx2
    case avx512 = "avx512-vpopcntdq"

    var c: ck_kernel {
        switch self {
        case .portable: return CK_KERNEL_PORTABLE
        case .popcnt: return CK_KERNEL_POPCNT
        case .avx2: return CK_KERNEL_AVX2
        case .avx512: return CK_KERNEL_AVX512
        }
    }

    public var description: String { rawValue }

    /// Whether this CPU can run the path.
    public var isSupported: Bool { ck_kernel_supported(c) != 0 }

    /// The path in use (the best supported unless forced).
    public static var current: HammingKernel {
        let k = ck_kernel_current()
        return allCases.first { $0.c == k } ?? .portable
    }

    /// The paths this CPU supports.
    public static var supported: [HammingKernel] { allCases.filter(\.isSupported) }

    /// Forces a path (nil: back to the best). Returns false if the CPU lacks it.
    /// Not safe while other threads compute distances; for tests and benchmarks.
    @discardableResult
    public static func force(_ kernel: HammingKernel?) -> Bool {
        ck_kernel_force(kernel?.c ?? CK_KERNEL_AUTO) == 0
    }
}

/// Number of online CPUs.
public var cpuCount: Int { Int(ck_cpu_count()) }
