import CKernels
import COpenBLAS
import Foundation

/// The matrix-product kernel of the forward pass, chosen once at start-up from the CPU's
/// features (never from OpenBLAS's own CPU detection, which falls back to a generic SSE3
/// kernel on CPUs it does not know):
///
/// - `.avx512`: PolytopeLens' own packed GEMM (CKernels): weights packed once at load into
///   32-column panels, a 12 x 32 register-blocked FMA micro-kernel, and a bf16 twin on
///   `vdpbf16ps`. Chosen whenever the CPU has AVX-512 F/BW/VL/DQ.
/// - `.openBLAS`: OpenBLAS sgemm, single-threaded per call (we split rows over threads
///   ourselves), on CPUs without AVX-512. Its core type is reported as OpenBLAS chose it.
///
/// `POLYTOPE_GEMM=openblas` forces the second (benchmarks compare the two that way).
public enum GEMMKernel: String, Sendable {
    case avx512 = "polytope-avx512"
    case openBLAS = "openblas"

    public static let chosen: GEMMKernel = {
        let k = choose(features: CPU.features, forced: ProcessInfo.processInfo.environment["POLYTOPE_GEMM"])
        // Threads come from our own split; OpenBLAS's pool would oversubscribe the cores.
        if k == .openBLAS { openblas_set_num_threads(1) }
        return k
    }()

    /// The rule: our AVX-512 kernels wherever the CPU has AVX-512, unless `forced` is "openblas".
    public static func choose(features: CPU.Features, forced: String?) -> GEMMKernel {
        forced != "openblas" && features.contains(.avx512) ? .avx512 : .openBLAS
    }

    /// OpenBLAS kernel names that use no AVX-512 (its generic and pre-AVX-512 cores).
    public static let nonAVX512OpenBLASCores: Set<String> = [
        "Prescott", "Katmai", "Coppermine", "Northwood", "Core2", "Penryn", "Dunnington", "Nehalem",
        "Sandybridge", "Haswell", "Zen", "Atom", "Barcelona", "Bobcat", "Bulldozer", "Piledriver",
        "Steamroller", "Excavator", "Opteron", "Athlon", "Banias", "Nano",
    ]

    /// One line for reports: the kernel that runs, with OpenBLAS's core when OpenBLAS runs,
    /// e.g. "polytope-avx512 (fp32 FMA 12x32; bf16 vdpbf16ps)" or "openblas Haswell".
    public var description: String {
        switch self {
        case .avx512:
            let bf16 = CPU.features.contains(.avx512bf16) ? "bf16 vdpbf16ps" : "no bf16"
            return "polytope-avx512 (fp32 FMA \(CK_MR)x\(CK_NR); \(bf16))"
        case .openBLAS:
            return "openblas \(BLAS.coreName)"
        }
    }

    /// True when this kernel runs generic (non-AVX-512) code on a CPU that has AVX-512.
    public var isGenericOnThisCPU: Bool {
        guard CPU.features.contains(.avx512) else { return false }
        switch self {
        case .avx512: return false
        case .openBLAS: return GEMMKernel.nonAVX512OpenBLASCores.contains(BLAS.coreName)
        }
    }
}

/// A weight matrix prepared once at load for `y = x W + b`: packed into the chosen kernel's
/// panels (fp32; bf16 packed on first bf16 use), or kept as given for OpenBLAS.
///
/// - Complexity: packing O(in * out) once; `apply` O(rows * in * out) split over threads.
public final class PackedWeight: @unchecked Sendable {
    public let inWidth: Int
    public let outWidth: Int
    let kernel: GEMMKernel
    /// OpenBLAS only: the weight as given, [in, out] or (transposed) [out, in].
    let raw: [Float]
    let transposed: Bool
    let f32: UnsafeMutablePointer<Float>?
    private var bf16: UnsafeMutablePointer<UInt16>?
    private let lock = NSLock()
    var panels: Int { (outWidth + Int(CK_NR) - 1) / Int(CK_NR) }

    /// `weight` is [in, out] (`transposed == false`, GPT-2's Conv1D) or [out, in] (torch Linear).
    public init(_ weight: [Float], inWidth: Int, outWidth: Int, transposed: Bool, kernel: GEMMKernel = .chosen) {
        precondition(weight.count == inWidth * outWidth && inWidth > 0 && outWidth > 0)
        self.inWidth = inWidth
        self.outWidth = outWidth
        self.kernel = kernel
        self.transposed = transposed
        switch kernel {
        case .avx512:
            precondition(CPU.features.contains(.avx512), "the AVX-512 GEMM on a CPU without AVX-512")
            let n = ck_pack_f32_size(Int32(inWidth), Int32(outWidth))
            let p = UnsafeMutableRawPointer.allocate(byteCount: n * 4, alignment: 64).bindMemory(to: Float.self, capacity: n)
            weight.withUnsafeBufferPointer { ck_pack_f32($0.baseAddress!, Int32(inWidth), Int32(outWidth), transposed ? 1 : 0, p) }
            f32 = p
            raw = []
        case .openBLAS:
            f32 = nil
            raw = weight
        }
    }

    deinit {
        f32?.deallocate()
        bf16?.deallocate()
    }

    /// The bf16 panels, made from the fp32 panels on first use (each panel is a K x 32 matrix).
    func bf16Panels() -> UnsafePointer<UInt16> {
        lock.lock()
        defer { lock.unlock() }
        if let bf16 { return UnsafePointer(bf16) }
        let k = Int32(inWidth), k2 = (inWidth + 1) / 2
        let n = ck_pack_bf16_size(k, Int32(outWidth))
        let p = UnsafeMutableRawPointer.allocate(byteCount: n * 2, alignment: 64).bindMemory(to: UInt16.self, capacity: n)
        for panel in 0..<panels {
            ck_pack_bf16(f32! + panel * inWidth * Int(CK_NR), k, CK_NR, 0, p + panel * k2 * 2 * Int(CK_NR))
        }
        bf16 = p
        return UnsafePointer(p)
    }

    /// `x W + bias` for all rows of `x`, a new matrix.
    public func apply(_ x: Matrix, bias: [Float]?, threading: Threading, precision: Precision = .fp32) -> Matrix {
        precondition(x.cols == inWidth)
        let rows = x.rows, n = outWidth
        let data = [Float](unsafeUninitializedCapacity: rows * n) { buf, count in
            x.data.withUnsafeBufferPointer { a in
                if let bias {
                    bias.withUnsafeBufferPointer { b in
                        apply(a: a.baseAddress!, lda: inWidth, rows: rows, bias: b.baseAddress, c: buf.baseAddress!, ldc: n,
                              threading: threading, precision: precision)
                    }
                } else {
                    apply(a: a.baseAddress!, lda: inWidth, rows: rows, bias: nil, c: buf.baseAddress!, ldc: n,
                          threading: threading, precision: precision)
                }
            }
            count = rows * n
        }
        return Matrix(rows: rows, cols: n, data: data)
    }

    /// c[rows, out] = a[rows, in] W + bias (bias may be nil), split over the threads: by rows
    /// when there are enough for every thread, else by 32-column panels. `precision` must be
    /// supported (the model checks before a pass).
    public func apply(a: UnsafePointer<Float>, lda: Int, rows: Int, bias: UnsafePointer<Float>?,
                      c: UnsafeMutablePointer<Float>, ldc: Int, threading: Threading, precision: Precision = .fp32) {
        guard rows > 0 else { return }
        let k = Int32(inWidth), n = Int32(outWidth), panels = self.panels
        switch kernel {
        case .avx512:
            let bfp = precision.usesBF16 ? bf16Panels() : nil
            let f = UnsafePointer(f32!)
            func run(_ r: Range<Int>, _ p: Range<Int>) {
                if let bfp {
                    ck_gemm_bf16_avx512(Int32(r.count), n, k, a + r.lowerBound * lda, lda, bfp, bias, c + r.lowerBound * ldc, ldc, 0,
                                        Int32(p.lowerBound), Int32(p.upperBound))
                } else {
                    ck_gemm_f32_avx512(Int32(r.count), n, k, a + r.lowerBound * lda, lda, f, bias, c + r.lowerBound * ldc, ldc, 0,
                                       Int32(p.lowerBound), Int32(p.upperBound))
                }
            }
            if threading.threads == 1 || rows * inWidth * outWidth < 1 << 18 {
                run(0..<rows, 0..<panels)
            } else if rows >= threading.threads * 2 * Int(CK_MR) {
                threading.split(count: rows, grain: Int(CK_MR)) { run($0, 0..<panels) }
            } else {
                threading.split(count: panels) { run(0..<rows, $0) }
            }
        case .openBLAS:
            precondition(!precision.usesBF16, "bf16 needs the AVX-512 kernels")
            raw.withUnsafeBufferPointer { w in
                let wp = w.baseAddress!
                func run(_ r: Range<Int>) {
                    let cr = c + r.lowerBound * ldc
                    if let bias { for i in 0..<r.count { (cr + i * ldc).update(from: bias, count: outWidth) } }
                    BLAS.gemm(transB: transposed, m: r.count, n: outWidth, k: inWidth, a: a + r.lowerBound * lda, lda: lda,
                              b: wp, ldb: transposed ? inWidth : outWidth, beta: bias == nil ? 0 : 1, c: cr, ldc: ldc)
                }
                if threading.threads == 1 || rows * inWidth * outWidth < 1 << 18 { run(0..<rows) } else { threading.split(count: rows, grain: 16, run) }
            }
        }
    }
}

/// What the forward pass runs on this machine, for reports (`bench`, `inspect --json`, the
/// probe's summary): CPU, its features, the GEMM kernel chosen and OpenBLAS's own core choice.
public enum ForwardRuntime {
    /// glibc malloc tuned once for large short-lived matrices (`ck_tune_allocator`): without it
    /// each pass page-faults its layer outputs in again.
    static let allocatorTuned: Bool = {
        ck_tune_allocator()
        return true
    }()

    public static var report: [String: Any] {
        [
            "cpu": CPU.brand, "cpu_features": CPU.featureNames, "gemm_kernel": GEMMKernel.chosen.rawValue,
            "gemm_kernel_detail": GEMMKernel.chosen.description, "blas_core": BLAS.coreName,
            "precisions": Precision.allCases.filter(\.isSupported).map(\.rawValue),
        ]
    }
}
