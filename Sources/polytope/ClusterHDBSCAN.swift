import Foundation
import PolytopeClustering
import PolytopeCodes
import PolytopeIO

extension ClusterCommand {
    /// `--method hdbscan`: clusters, writes the JSON (and labels), atomically.
    func runHDBSCAN(_ all: CodeMatrix, start: Date, outURL: URL) throws {
        let options = clustering.hdbscan(threads: threads)
        try HDBSCAN.validate(count: all.rows, options: options)
        let sample = clustering.hdbscanSampleSize(count: all.rows)
        if verbose {
            FileHandle.standardError.write(Data("polytope cluster: HDBSCAN on \(all.rows) codes of \(all.bits) bits, kernel \(HammingKernel.current), \(sample.map { "sample of \($0) + assignment" } ?? "exact"), \(threads) threads\n".utf8))
        }
        let r = try clustering.runHDBSCAN(all, seed: seed, threads: threads)
        let report = HDBSCANReport(r, n: all.rows, bits: all.bits, seed: seed, threads: threads, seconds: Date().timeIntervalSince(start))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try AtomicFile.write(try encoder.encode(report), to: outURL)
        try writeLabels(r.labels)
        if verbose {
            FileHandle.standardError.write(Data(String(format: "polytope cluster: %d clusters, %d noise codes (%.1f%%), %.2f s -> %@\n",
                                                       r.clusterCount, r.noiseCount, 100 * Double(r.noiseCount) / Double(all.rows),
                                                       report.seconds, out).utf8))
        }
    }

    /// `--labels PATH`: int32 .npy, -1 for noise.
    func writeLabels(_ labels: [Int]) throws {
        guard let path = self.labels else { return }
        try NPYArray(int32: labels.map { Int32($0) }, shape: [labels.count]).write(to: URL(fileURLWithPath: path))
    }
}

/// The JSON written by `polytope cluster --method hdbscan`.
struct HDBSCANReport: Encodable {
    struct Cluster: Encodable {
        var label: Int
        var size: Int
        /// Null when infinite (a cluster of identical codes: λ = 1/0).
        var stability: Double?
        var birthDistance: Int
        /// The member with the highest membership probability (lowest index among equals).
        var exemplar: Int
        enum CodingKeys: String, CodingKey {
            case label, size, stability, exemplar
            case birthDistance = "birth_distance"
        }
    }

    var n: Int
    var bits: Int
    var method = "hdbscan"
    var minClusterSize: Int
    var minSamples: Int
    var selection: String
    var epsilon: Double
    var mode: String
    var sampleSize: Int?
    var labels: [Int]
    var probabilities: [Double]
    var outlierScores: [Double]
    var noise: Int
    var clusters: [Cluster]
    var kernel: String
    var seed: UInt64
    var threads: Int
    var seconds: Double
    var timings: [String: Double]

    enum CodingKeys: String, CodingKey {
        case n, bits, method, selection, epsilon, mode, labels, probabilities, noise, clusters, kernel, seed, threads, seconds, timings
        case minClusterSize = "min_cluster_size"
        case minSamples = "min_samples"
        case sampleSize = "sample_size"
        case outlierScores = "outlier_scores"
    }

    init(_ r: HDBSCANResult, n: Int, bits: Int, seed: UInt64, threads: Int, seconds: Double) {
        self.n = n
        self.bits = bits
        minClusterSize = r.options.minClusterSize
        minSamples = r.options.minSamples ?? r.options.minClusterSize
        selection = r.options.selection.rawValue
        epsilon = r.options.epsilon
        mode = r.approximation == nil ? "exact" : "sample+assignment"
        sampleSize = r.approximation?.sampleSize
        labels = r.labels
        probabilities = r.probabilities
        outlierScores = r.outlierScores
        noise = r.noiseCount
        let stabilities = r.stabilities
        var birth = [Int: Int32]()
        for i in 0..<r.tree.rowCount where r.tree.childSize[i] > 1 { birth[r.tree.child[i]] = r.tree.distance[i] }
        var exemplar = [Int](repeating: -1, count: r.clusterCount)
        for (x, l) in r.labels.enumerated() where l >= 0 {
            if exemplar[l] < 0 || r.probabilities[x] > r.probabilities[exemplar[l]] { exemplar[l] = x }
        }
        let sizes = r.clusterSizes
        clusters = r.selectedClusters.enumerated().map { l, id in
            Cluster(label: l, size: sizes[l], stability: stabilities[id - r.tree.points].isFinite ? stabilities[id - r.tree.points] : nil,
                    birthDistance: Int(birth[id] ?? 0), exemplar: exemplar[l])
        }
        kernel = HammingKernel.current.rawValue
        self.seed = seed
        self.threads = threads
        self.seconds = seconds
        timings = r.timings
    }
}
