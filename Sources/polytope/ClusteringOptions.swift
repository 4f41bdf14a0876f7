import ArgumentParser
import PolytopeClustering
import PolytopeCodes

/// The clustering options shared by `probe`, `cluster` and `bench cluster` (one definition, one
/// set of defaults). The number of clusters `--k` stays with each command (required by `cluster`
/// for k-medoids, 100 in `probe`, repeatable in `bench`).
struct ClusteringOptions: ParsableArguments {
    @Option(help: "Clustering: fasterpam (k-medoids, the default), alternate (Voronoi iteration, for comparison), clara (FasterPAM on samples), hdbscan (density-based; label -1 is noise).")
    var method: String = "fasterpam"

    @Option(name: .customLong("init"), help: "k-medoids initialisation: auto (the default: build when the distance matrix fits --memory and k N^2 <= 2e10, else lab), build (PAM BUILD, O(kN^2)), lab (linear approximate BUILD, O(kN)), kmeans++, random.")
    var initialization: String = "auto"

    @Option(help: ArgumentHelp("Memory budget for distance matrices, bytes or with a K/M/G/T suffix (chooses matrix, matrix-free or CLARA).", valueName: "BYTES"))
    var memory: String = "4G"

    @Option(help: "k-medoids distance mode: auto (from --memory), matrix, matrix-free, clara.")
    var mode: String = "auto"

    @Option(name: .customLong("max-iter"), help: "Most FasterPAM sweeps / alternate rounds.")
    var maxIterations: Int = 100

    @Option(help: "CLARA: number of samples.")
    var samples: Int = 5

    @Option(name: .customLong("sample-size"), help: "CLARA: codes per sample (default max(80 + 4K, 2000), at most N).")
    var sampleSize: Int?

    @Option(name: .customLong("min-cluster-size"), help: "HDBSCAN: smallest cluster (>= 2, <= N).")
    var minClusterSize: Int = 5

    @Option(name: .customLong("min-samples"), help: "HDBSCAN: neighbours for core distances, the code itself included (default: --min-cluster-size).")
    var minSamples: Int?

    @Option(help: "HDBSCAN cluster selection: eom (excess of mass, the default) or leaf.")
    var selection: String = "eom"

    @Option(help: "HDBSCAN cluster_selection_epsilon in bits: clusters born closer than this merge upward (default 0).")
    var epsilon: Double = 0

    @Option(name: .customLong("hdbscan-sample"), help: "HDBSCAN: cluster a sample of this many codes exactly and assign the rest to their nearest sample code (default: exact up to 200,000 codes, a 50,000 sample above).")
    var hdbscanSample: Int?

    static let methods = ["fasterpam", "alternate", "clara", "hdbscan"]
    /// Largest N clustered exactly by HDBSCAN when `--hdbscan-sample` is not given.
    static let hdbscanExactLimit = 200_000
    static let hdbscanDefaultSample = 50_000

    var isHDBSCAN: Bool { method == "hdbscan" }

    func validate() throws {
        guard Self.methods.contains(method) else {
            throw ValidationError("--method must be one of \(Self.methods.joined(separator: ", ")) (got '\(method)')")
        }
        guard initialization == "auto" || KMedoidsInit(rawValue: initialization) != nil else {
            throw ValidationError("--init must be one of auto, build, kmeans++, lab, random (got '\(initialization)')")
        }
        guard mode == "auto" || DissimilarityMode(rawValue: mode) != nil else {
            throw ValidationError("--mode must be one of auto, matrix, matrix-free, clara (got '\(mode)')")
        }
        guard MemoryBudget.parse(memory) != nil else {
            throw ValidationError("--memory must be a positive size such as 4G, 512M or 1000000 (got '\(memory)')")
        }
        guard maxIterations >= 1, samples >= 1 else { throw ValidationError("--max-iter and --samples must be at least 1") }
        guard minClusterSize >= 2 else {
            throw ValidationError("--min-cluster-size must be at least 2 (got \(minClusterSize))")
        }
        if let minSamples, minSamples < 1 { throw ValidationError("--min-samples must be at least 1 (got \(minSamples))") }
        guard HDBSCANSelection(rawValue: selection) != nil else {
            throw ValidationError("--selection must be eom or leaf (got '\(selection)')")
        }
        guard epsilon >= 0 && epsilon.isFinite else { throw ValidationError("--epsilon must be a distance >= 0 (got \(epsilon))") }
        if let hdbscanSample, hdbscanSample < 2 { throw ValidationError("--hdbscan-sample must be at least 2 (got \(hdbscanSample))") }
    }

    /// k-medoids options for N codes and k clusters, `--init auto` resolved (left for the
    /// caller to resolve when N is not known yet: `KMedoids.autoInitialization`).
    func kmedoids(count n: Int?, k: Int, seed: UInt64, threads: Int) -> KMedoids.Options {
        let m = KMedoidsMethod(rawValue: method) ?? .fasterPAM
        var o = KMedoids.Options(
            method: m, initialization: KMedoidsInit(rawValue: initialization) ?? .build, seed: seed,
            memoryBudget: MemoryBudget.parse(memory) ?? MemoryBudget.defaultBytes,
            mode: mode == "auto" ? (m == .clara ? .clara : nil) : DissimilarityMode(rawValue: mode), threads: threads,
            maxIterations: maxIterations, claraSamples: samples, claraSampleSize: sampleSize)
        if initialization == "auto", let n { o.initialization = KMedoids.autoInitialization(count: n, k: k, options: o) }
        return o
    }

    /// HDBSCAN options.
    func hdbscan(threads: Int) -> HDBSCAN.Options {
        .init(minClusterSize: minClusterSize, minSamples: minSamples, selection: HDBSCANSelection(rawValue: selection) ?? .eom,
              epsilon: epsilon, threads: threads)
    }

    /// The sample size HDBSCAN uses for N codes (nil: exact).
    func hdbscanSampleSize(count n: Int) -> Int? {
        if let hdbscanSample { return min(hdbscanSample, n) == n ? nil : hdbscanSample }
        return n > Self.hdbscanExactLimit ? Self.hdbscanDefaultSample : nil
    }

    /// Runs HDBSCAN exactly or through the sample approximation.
    func runHDBSCAN(_ codes: CodeMatrix, seed: UInt64, threads: Int) throws -> HDBSCANResult {
        if let s = hdbscanSampleSize(count: codes.rows) {
            return try HDBSCAN.approximate(codes, sampleSize: s, seed: seed, options: hdbscan(threads: threads)).result
        }
        return try HDBSCAN.cluster(codes, options: hdbscan(threads: threads))
    }
}
