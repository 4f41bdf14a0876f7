import ArgumentParser
import Foundation
import PolytopeClustering
import PolytopeCodes
import PolytopeIO

/// `polytope cluster`: k-medoids or HDBSCAN on polytope codes by Hamming distance.
struct ClusterCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cluster",
        abstract: "Cluster polytope codes with k-medoids (FasterPAM) or HDBSCAN on Hamming distance.",
        discussion: """
        CODES is a code file written by `polytope run` / the probe, or a NumPy .npy array: packed \
        uint8 [N, ceil(bits/8)] (np.packbits order) or bool [N, bits]. Several files are \
        concatenated in order; they must have the same width.

        The distance mode follows from --memory: the full N x N UInt16 matrix (2 N^2 bytes) when it \
        fits, else matrix-free FasterPAM (distances recomputed from the codes) up to 100,000 codes, \
        else CLARA (FasterPAM on samples, then all codes assigned). The mode used is in the output.

        --method hdbscan: density-based clusters with a noise label (-1), no K. Exact (no N x N \
        matrix) up to 200,000 codes; above, or with --hdbscan-sample S, HDBSCAN on S sampled codes \
        and every other code assigned through its nearest sample code (docs/clustering.md).

        Example:
          polytope cluster out/codes/blocks.3.mlp.hook_pre.plcodes --k 20 --seed 1 --out clusters.json
          polytope cluster codes.npy --k 50 --init lab --memory 512M --threads 2 --out c.json --verbose
          polytope cluster codes.npy --method hdbscan --min-cluster-size 10 --out h.json --labels h.npy
          polytope cluster out/probe/codes-layer1.plcodes --k 100 --sample 20000 --out medoids-layer1.json

        Writes (atomically) JSON with "medoids", "labels", "loss", "iterations", "swaps", "mode", \
        "kernel", "silhouette" and per-cluster "clusters": [{"medoid","size","mean_distance","max_distance"}]; \
        HDBSCAN: "labels" (-1 noise), "probabilities", "outlier_scores", "noise", per-cluster \
        "clusters": [{"label","size","stability","birth_distance","exemplar"}].
        """)

    @Argument(help: "Code file(s) (.plcodes) or .npy arrays (packed uint8 or bool).")
    var codes: [String]

    @Option(help: "k-medoids: number of clusters (1 <= K <= number of codes); required unless --method hdbscan.")
    var k: Int?

    @Option(help: "Random seed for the initialisation and sampling (results are reproducible for a seed).")
    var seed: UInt64 = 0

    @OptionGroup(title: "Clustering")
    var clustering: ClusteringOptions

    @Option(help: "Threads for distance computation (default: all CPUs).")
    var threads: Int = cpuCount

    @Option(name: .customLong("silhouette-sample"), help: "Codes sampled for the silhouette when N > 20,000 (exact below).")
    var silhouetteSample: Int = 2000

    @Option(help: "Output JSON path (written atomically).")
    var out: String

    @Option(help: ArgumentHelp("Also write the labels as int32 .npy (-1: HDBSCAN noise), atomically.", valueName: "PATH"))
    var labels: String?

    @Option(help: ArgumentHelp("At scale: FasterPAM on a CLARA sample of M codes of one code file (only those rows are read) and write the medoids (rows and codes) to --out; label every code with polytope assign. Same medoids as --method clara --samples 1 --sample-size M.", valueName: "M"))
    var sample: Int?

    @Flag(help: "Report the Hamming kernel, the mode and timings on stderr.")
    var verbose = false

    func validate() throws {
        if clustering.isHDBSCAN {
            guard k == nil else { throw CodesCommandError("--k is for k-medoids; --method hdbscan finds the number of clusters itself (set --min-cluster-size)") }
        } else {
            guard let k else { throw CodesCommandError("--k is required for --method \(clustering.method) (or use --method hdbscan)") }
            guard k >= 1 else { throw CodesCommandError("--k must be at least 1 (got \(k))") }
        }
        guard threads >= 1 else { throw CodesCommandError("--threads must be at least 1 (got \(threads))") }
    }

    func run() throws {
        let outURL = URL(fileURLWithPath: out)
        let outDir = outURL.deletingLastPathComponent().path
        guard access(outDir.isEmpty ? "." : outDir, W_OK) == 0 else {
            throw CodesCommandError("cannot write \(out): directory \(outDir) is missing or not writable")
        }
        if let sample {
            try runSample(sample, outURL: outURL)
            return
        }
        let start = Date()
        var matrix: CodeMatrix? = nil
        for path in codes {
            let part = try CodeMatrix.load(from: URL(fileURLWithPath: path))
            if matrix == nil {
                matrix = part
            } else if part.bits != matrix!.bits {
                throw CodesCommandError("\(path): codes are \(part.bits) bits wide but \(codes[0]) has \(matrix!.bits); all inputs must have the same width")
            } else {
                try matrix!.append(contentsOf: part)
            }
        }
        guard let all = matrix, all.rows > 0 else { throw CodesCommandError("no codes to cluster: \(codes.joined(separator: ", ")) holds 0 rows") }
        if clustering.isHDBSCAN {
            try runHDBSCAN(all, start: start, outURL: outURL)
            return
        }
        let k = self.k!
        guard k <= all.rows else { throw CodesCommandError("--k \(k) is larger than the number of codes (\(all.rows))") }
        let options = clustering.kmedoids(count: all.rows, k: k, seed: seed, threads: threads)
        let chosen = KMedoids.chooseMode(count: all.rows, options: options)
        if verbose {
            FileHandle.standardError.write(Data("polytope cluster: \(all.rows) codes of \(all.bits) bits, kernel \(HammingKernel.current), mode \(chosen), init \(options.initialization), \(threads) threads\n".utf8))
        }
        let result = try KMedoids.cluster(all, k: k, options: options)
        let clustered = Date()
        // Quality on Hamming distance: reuse a matrix only when it fits the budget.
        let d: any Dissimilarity = chosen == .matrix
            ? PrecomputedDissimilarity(codes: all, threads: threads) : CodeDissimilarity(codes: all, threads: threads)
        let sil = ClusterQuality.silhouette(d, labels: result.labels, k: k, sampleSize: silhouetteSample, seed: seed)
        let stats = ClusterQuality.stats(d, medoids: result.medoids, labels: result.labels)
        let report = ClusterReport(
            n: all.rows, bits: all.bits, k: k, medoids: result.medoids, labels: result.labels, loss: result.loss,
            iterations: result.iterations, swaps: result.swaps, method: result.method.rawValue,
            initialization: result.initialization.rawValue, mode: result.mode.rawValue, kernel: HammingKernel.current.rawValue,
            seed: seed, threads: threads, memoryBudget: options.memoryBudget, claraSamples: result.samples,
            claraSampleSize: result.sampleSize, silhouette: sil.mean, silhouetteSampled: sil.sampled,
            silhouetteEvaluated: sil.evaluated, medoidSilhouette: ClusterQuality.medoidSilhouette(d, medoids: result.medoids),
            clusters: stats.map { .init(medoid: $0.medoid, size: $0.size, meanDistance: $0.meanDistance, maxDistance: $0.maxDistance) },
            seconds: clustered.timeIntervalSince(start))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try AtomicFile.write(try encoder.encode(report), to: outURL)
        try writeLabels(result.labels)
        if verbose {
            FileHandle.standardError.write(Data(String(format: "polytope cluster: loss %d, %d iterations, %d swaps, silhouette %.4f%@, %.2f s -> %@\n",
                                                       result.loss, result.iterations, result.swaps, sil.mean,
                                                       sil.sampled ? " (sampled)" : "", clustered.timeIntervalSince(start), out).utf8))
        }
    }
}

/// The JSON written by `polytope cluster`.
struct ClusterReport: Encodable {
    struct Cluster: Encodable {
        var medoid: Int
        var size: Int
        var meanDistance: Double
        var maxDistance: Int
        enum CodingKeys: String, CodingKey {
            case medoid, size
            case meanDistance = "mean_distance"
            case maxDistance = "max_distance"
        }
    }

    var n: Int
    var bits: Int
    var k: Int
    var medoids: [Int]
    var labels: [Int]
    var loss: Int
    var iterations: Int
    var swaps: Int
    var method: String
    var initialization: String
    var mode: String
    var kernel: String
    var seed: UInt64
    var threads: Int
    var memoryBudget: Int
    var claraSamples: Int?
    var claraSampleSize: Int?
    var silhouette: Double
    var silhouetteSampled: Bool
    var silhouetteEvaluated: Int
    var medoidSilhouette: Double
    var clusters: [Cluster]
    var seconds: Double

    enum CodingKeys: String, CodingKey {
        case n, bits, k, medoids, labels, loss, iterations, swaps, method, mode, kernel, seed, threads, silhouette, clusters, seconds
        case initialization = "init"
        case memoryBudget = "memory_budget"
        case claraSamples = "clara_samples"
        case claraSampleSize = "clara_sample_size"
        case silhouetteSampled = "silhouette_sampled"
        case silhouetteEvaluated = "silhouette_evaluated"
        case medoidSilhouette = "medoid_silhouette"
    }
}

/// A one-line command failure (printed as `Error: ...`, exit status 1).
struct CodesCommandError: Error, CustomStringConvertible {
    var description: String
    init(_ message: String) { description = message }
}
