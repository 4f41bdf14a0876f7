import ArgumentParser
import Foundation
import PolytopeClustering
import PolytopeCodes
#if canImport(Glibc)
import Glibc
#endif

/// `polytope bench`: timings of the Hamming kernels and of clustering, as JSON on stdout.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmark Hamming distances and k-medoids clustering (prints JSON).",
        discussion: """
        Uses the codes in --codes, or synthetic clustered codes (--n, --bits, --seed). Build in release \
        mode for meaningful numbers: swift build -c release.

        Examples:
          polytope bench hamming --n 10000 --bits 1536 --threads 2
          polytope bench hamming --codes codes.npy --all-kernels
          polytope bench cluster --codes codes.npy --k 20 --k 50
          polytope bench cluster --n 1000000 --bits 3072 --k 50
        """,
        subcommands: [HammingBench.self, ClusterBench.self, ForwardBench.self])
}

/// Options shared by the benchmarks: where the codes come from.
struct BenchCodes: ParsableArguments {
    @Option(help: "Codes to use (.npy packed uint8 / bool, or a code file); overrides --n/--bits.")
    var codes: String?

    @Option(help: "Number of synthetic codes.")
    var n: Int = 10_000

    @Option(help: "Bits per synthetic code.")
    var bits: Int = 1536

    @Option(help: "Seed for the synthetic codes and the clustering.")
    var seed: UInt64 = 0

    @Option(name: .customLong("save-codes"), help: "Also write the codes used as packed uint8 .npy (to feed other tools the same data).")
    var saveCodes: String?

    @Option(help: "Threads (default: all CPUs).")
    var threads: Int = cpuCount

    func load() throws -> CodeMatrix {
        let codes: CodeMatrix
        if let path = self.codes {
            codes = try CodeMatrix.load(from: URL(fileURLWithPath: path))
        } else {
            codes = try SyntheticCodes.make(rows: n, bits: bits, seed: seed)
        }
        if let saveCodes { try codes.writeNPY(to: URL(fileURLWithPath: saveCodes)) }
        return codes
    }
}

struct HammingBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hamming", abstract: "Time the all-pairs Hamming distance matrix.")

    @OptionGroup var source: BenchCodes

    @Flag(name: .customLong("all-kernels"), help: "Time every kernel path this CPU supports, not only the chosen one.")
    var allKernels = false

    @Option(help: "Repetitions; the fastest is reported.")
    var repeats: Int = 3

    func run() throws {
        let codes = try source.load()
        let chosen = HammingKernel.current
        var rows: [[String: Any]] = []
        for kernel in allKernels ? HammingKernel.supported : [chosen] {
            HammingKernel.force(kernel)
            var best = Double.infinity
            for _ in 0..<max(1, repeats) {
                let t0 = Date()
                let m = codes.allPairs(threads: source.threads)
                best = min(best, Date().timeIntervalSince(t0))
                precondition(m.count == codes.rows)
            }
            let pairs = Double(codes.rows) * Double(codes.rows - 1) / 2
            rows.append(["kernel": kernel.rawValue, "seconds": best, "distances_per_second": pairs / best,
                         "distances_per_second_per_thread": pairs / best / Double(source.threads)])
        }
        HammingKernel.force(nil)
        printJSON(["benchmark": "hamming-all-pairs", "kernel": chosen.rawValue, "n": codes.rows, "bits": codes.bits,
                   "threads": source.threads, "results": rows, "peak_rss_bytes": peakRSS()])
    }
}

struct ClusterBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cluster",
        abstract: "Time the distance matrix plus FasterPAM (or the mode the budget picks), or HDBSCAN.",
        discussion: """
        Examples:
          polytope bench cluster --codes codes.npy --k 20 --k 50
          polytope bench cluster --method hdbscan --n 100000 --bits 1536 --min-cluster-size 20 --threads 2
          polytope bench cluster --method hdbscan --n 50000 --hdbscan-sample 10000 --compare-exact
        """)

    @OptionGroup var source: BenchCodes

    @Option(help: "k-medoids: number of clusters (repeatable).")
    var k: [Int] = [20]

    @OptionGroup(title: "Clustering")
    var clustering: ClusteringOptions

    @Flag(name: .customLong("compare-exact"), help: "HDBSCAN with a sample: also run exact HDBSCAN and report the adjusted Rand index.")
    var compareExact = false

    @Option(name: .customLong("labels-out"), help: ArgumentHelp("HDBSCAN: write the labels as int32 .npy (to compare with other tools).", valueName: "PATH"))
    var labelsOut: String?

    func run() throws {
        let codes = try source.load()
        if clustering.isHDBSCAN {
            try benchHDBSCAN(codes)
            return
        }
        let maxK = self.k.max() ?? 1
        let options = clustering.kmedoids(count: codes.rows, k: maxK, seed: source.seed, threads: source.threads)
        let mode = KMedoids.chooseMode(count: codes.rows, options: options)
        var results: [[String: Any]] = []
        var matrixSeconds: Double? = nil
        var matrix: PrecomputedDissimilarity? = nil
        if mode == .matrix {
            let t0 = Date()
            matrix = PrecomputedDissimilarity(codes: codes, threads: source.threads)
            matrixSeconds = Date().timeIntervalSince(t0)
        }
        for k in self.k {
            guard k >= 1 && k <= codes.rows else { throw ValidationError("--k \(k) out of range 1...\(codes.rows)") }
            var options = clustering.kmedoids(count: codes.rows, k: k, seed: source.seed, threads: source.threads)
            let t0 = Date()
            let r: KMedoidsResult
            if let matrix {
                r = KMedoids.run(matrix, k: k, options: options)
            } else {
                options.mode = mode
                r = try KMedoids.cluster(codes, k: k, options: options)
            }
            let seconds = Date().timeIntervalSince(t0)
            results.append(["k": k, "seconds": seconds, "total_seconds": seconds + (matrixSeconds ?? 0), "loss": r.loss,
                            "iterations": r.iterations, "swaps": r.swaps, "mode": r.mode.rawValue, "init": r.initialization.rawValue])
        }
        var out: [String: Any] = ["benchmark": "cluster", "kernel": HammingKernel.current.rawValue, "n": codes.rows,
                                  "bits": codes.bits, "threads": source.threads, "mode": mode.rawValue,
                                  "method": options.method.rawValue, "init": options.initialization.rawValue,
                                  "memory_budget": options.memoryBudget, "results": results, "peak_rss_bytes": peakRSS()]
        if let matrixSeconds { out["matrix_seconds"] = matrixSeconds }
        printJSON(out)
    }
}

/// Clustered synthetic codes: `clusters` random centres, each code a centre with each bit
/// flipped with probability `flip` (SplitMix64-seeded, reproducible).
enum SyntheticCodes {
    static func make(rows: Int, bits: Int, seed: UInt64, clusters: Int = 64, flip: Double = 0.15) throws -> CodeMatrix {
        var state = seed
        func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        let bpr = (bits + 7) / 8
        let centres = (0..<clusters).map { _ in (0..<bpr).map { _ in UInt8(truncatingIfNeeded: next()) } }
        let threshold = UInt64(flip * 256)
        var bytes = [UInt8](repeating: 0, count: rows * bpr)
        for r in 0..<rows {
            let c = centres[Int(next() % UInt64(clusters))]
            for b in 0..<bpr {
                // Flip each bit with probability ~flip: 8 independent bytes of randomness per byte.
                var mask: UInt8 = 0
                var rnd = next()
                for bit in 0..<8 {
                    if (rnd & 0xFF) < threshold { mask |= 1 << bit }
                    rnd >>= 8
                }
                bytes[r * bpr + b] = c[b] ^ mask
            }
        }
        return try bytes.withUnsafeBytes { try CodeMatrix(bits: bits, packedBytes: $0, rows: rows) }
    }
}

/// Peak resident set size of this process in bytes (getrusage; Linux reports KiB).
func peakRSS() -> Int {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Int(usage.ru_maxrss) * 1024
}

func printJSON(_ object: [String: Any]) {
    if let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) {
        print(String(decoding: data, as: UTF8.self))
    }
}
