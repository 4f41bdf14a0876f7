import PolytopeReport
import Foundation
import PolytopeClustering
import PolytopeCodes
import PolytopeIO
import PolytopeTokenizers

/// How the recorded codes are clustered and summarised.
public struct AnalysisOptions: Sendable {
    public var k = 100
    public var kmedoids = KMedoids.Options(seed: 0)
    /// Cluster with HDBSCAN instead of k-medoids (k-medoids then only for the comparison rows).
    public var hdbscan: HDBSCAN.Options? = nil
    /// HDBSCAN on a sample of this many codes plus assignment (nil: exact up to 200,000 codes,
    /// a 50,000 sample above).
    public var hdbscanSample: Int? = nil

    /// The HDBSCAN sample for N codes (nil: exact).
    public func hdbscanSampleSize(count n: Int) -> Int? {
        if let s = hdbscanSample { return s >= n ? nil : s }
        return n > 200_000 ? 50_000 : nil
    }
    /// Members shown per cluster in the report and clusters.json.
    public var membersShown = 12
    /// Bytes of context each side of a token.
    public var contextBytes = 160
    /// Also cluster the raw activations and list top-activating tokens per neuron.
    public var baselines = false
    /// Baselines use at most this many recorded tokens (a seeded sample; their matrix is n² UInt16).
    public var baselineLimit = 12_000
    /// Clusterings made elsewhere (e.g. `polytope cluster --sample` + `assign` at scale), by layer:
    /// used instead of clustering that layer here.
    public var precomputed: [Int: KMedoidsResult] = [:]
    /// Choose the initialisation after collection (`KMedoids.autoInitialization`).
    public var autoInitialization = false
    /// The hook each layer's codes come from (for the report); filled in by `Probe.run`.
    public var hooks: [Int: String] = [:]
    public init() {}
}

/// Per-layer timing and mode, for summary.json.
public struct LayerTiming: Codable, Sendable {
    public var layer: Int
    public var clusteringSeconds: Double
    public var baselineSeconds: Double?
    public var mode: String
    enum CodingKeys: String, CodingKey {
        case layer, mode
        case clusteringSeconds = "clustering_seconds", baselineSeconds = "baseline_seconds"
    }
}

/// Clusters each layer's codes and builds the report data.
public enum ProbeAnalysis {
    public static func analyze(dir: ProbeDirectory, layers: [Int], modelName: String, corpus: Corpus, tokenizer: any Tokenizer,
                               collection: CollectionResult, options: AnalysisOptions,
                               progress: @escaping ProbeProgress = { _ in }) throws -> (ProbeReportData, [LayerTiming]) {
        let log = { (s: String) throws in try progress(.status(s)) }
        let records = try dir.records()
        guard records.count == collection.rows else {
            throw ProbeError.corruptState("tokens.bin holds \(records.count) records, the probe recorded \(collection.rows)")
        }
        guard records.count >= options.k else { throw ProbeError.tooFewTokens(recorded: records.count, k: options.k) }
        var clusterings: [(Int, CodeMatrix, KMedoidsResult?, Double)] = []
        var densities: [Int: ProbeHDBSCAN.Layer] = [:]
        var timings: [LayerTiming] = []
        var needed = Set<Int>()
        for layer in layers {
            let codes = try dir.codes(layer: layer)
            guard codes.rows == records.count else {
                throw ProbeError.corruptState("codes of layer \(layer) hold \(codes.rows) rows, expected \(records.count)")
            }
            if let h = options.hdbscan {
                try log("layer \(layer): HDBSCAN on \(codes.rows) codes of \(codes.bits) bits (min_cluster_size \(h.minClusterSize))")
                let d = try ProbeHDBSCAN.cluster(codes, options: h, sampleSize: options.hdbscanSampleSize(count: codes.rows), seed: options.kmedoids.seed)
                densities[layer] = d
                try codes.writeNPY(to: dir.codesNPYURL(layer: layer))
                try NPYArray(int32: d.result.labels.map { Int32($0) }, shape: [d.result.labels.count])
                    .write(to: dir.labelsURL(layer: layer))
                for rows in ClusterSummarizer.shownRows(medoids: d.medoids, labels: d.groups, codes: codes, membersShown: options.membersShown) {
                    for r in rows { needed.insert(records[r].document) }
                }
                clusterings.append((layer, codes, nil, d.seconds))
                continue
            }
            try log("layer \(layer): clustering \(codes.rows) codes of \(codes.bits) bits into k = \(options.k) (\(options.kmedoids.method))")
            let t0 = Date()
            let result = try options.precomputed[layer] ?? KMedoids.cluster(codes, k: options.k, options: options.kmedoids)
            guard result.labels.count == codes.rows, result.medoids.count == options.k else {
                throw ProbeError.corruptState("the clustering of layer \(layer) has \(result.labels.count) labels and \(result.medoids.count) medoids, expected \(codes.rows) and k = \(options.k)")
            }
            let seconds = Date().timeIntervalSince(t0)
            clusterings.append((layer, codes, result, seconds))
            try codes.writeNPY(to: dir.codesNPYURL(layer: layer))
            // Every recorded token's cluster, in row order (int32), beside its codes.
            try NPYArray(int32: result.labels.map { Int32($0) }, shape: [result.labels.count])
                .write(to: dir.labelsURL(layer: layer))
            for rows in ClusterSummarizer.shownRows(medoids: result.medoids, labels: result.labels, codes: codes,
                                                    membersShown: options.membersShown) {
                for r in rows { needed.insert(records[r].document) }
            }
        }
        let texts = try DocumentTexts(corpus: corpus, needed: needed)
        let tokenIDs = records.map(\.tokenID), prevIDs = records.map(\.previousTokenID)
        var layerData: [LayerClusters] = []
        for (layer, codes, kmedoidsResult, seconds) in clusterings {
            let result = kmedoidsResult
            let summarizer = ClusterSummarizer(codes: codes, records: records, texts: texts, tokenizer: tokenizer,
                                               membersShown: options.membersShown, contextBytes: options.contextBytes)
            if let d = densities[layer] {
                layerData.append(try hdbscanLayer(d, layer: layer, codes: codes, summarizer: summarizer, tokenIDs: tokenIDs,
                                                  previousIDs: prevIDs, options: options))
                timings.append(LayerTiming(layer: layer, clusteringSeconds: seconds, baselineSeconds: nil,
                                           mode: d.result.approximation == nil ? "hdbscan-exact" : "hdbscan-sample"))
                continue
            }
            guard let result else { continue }
            let silhouette = ClusterQuality.silhouette(CodeDissimilarity(codes: codes, threads: options.kmedoids.threads),
                                                       labels: result.labels, k: options.k, exactLimit: 5_000, sampleSize: 2_000,
                                                       seed: options.kmedoids.seed)
            var measures = [Monosemanticity.measures(method: "polytope codes (Hamming)",
                                                     groups: Monosemanticity.groups(labels: result.labels, k: options.k),
                                                     tokenIDs: tokenIDs, previousIDs: prevIDs)]
            var baselineSeconds: Double?
            if options.baselines {
                let t0 = Date()
                measures += try baselines(dir: dir, layer: layer, codes: codes, tokenIDs: tokenIDs, previousIDs: prevIDs,
                                          options: options, log: log)
                baselineSeconds = Date().timeIntervalSince(t0)
            }
            layerData.append(LayerClusters(
                layer: layer, hook: options.hooks[layer] ?? "", bits: codes.bits, tokens: codes.rows, k: options.k,
                loss: Double(result.loss), iterations: result.iterations, method: result.method.rawValue,
                mode: result.mode.rawValue, silhouette: silhouette.mean,
                clusters: summarizer.summaries(medoids: result.medoids, labels: result.labels), measures: measures))
            timings.append(LayerTiming(layer: layer, clusteringSeconds: seconds, baselineSeconds: baselineSeconds, mode: result.mode.rawValue))
        }
        let iso = ISO8601DateFormatter()
        let data = ProbeReportData(model: modelName, corpus: corpus.paths, documents: collection.documents,
                                   tokensSeen: collection.tokensSeen, tokensRecorded: records.count, layers: layerData,
                                   createdAt: iso.string(from: Date()))
        return (data, timings)
    }

    /// Activation clusterings (cosine, Euclidean) and the neuron view, on the same tokens (or a
    /// seeded sample of them when there are more than `baselineLimit`).
    static func baselines(dir: ProbeDirectory, layer: Int, codes: CodeMatrix, tokenIDs: [Int], previousIDs: [Int],
                          options: AnalysisOptions, log: (String) throws -> Void) throws -> [ClusteringMeasures] {
        let n = tokenIDs.count, width = codes.bits
        var acts = try ActivationBaselines.load(dir.activationsURL(layer: layer), rows: n, width: width)
        var rows = Array(0..<n)
        var note = ""
        if n > options.baselineLimit {
            rows = SampleSelection.floyd(size: options.baselineLimit, total: n, seed: options.kmedoids.seed).sorted()
            acts = rows.flatMap { acts[($0 * width)..<(($0 + 1) * width)] }
            note = " (sample of \(rows.count))"
        }
        let ids = rows.map { tokenIDs[$0] }, prev = rows.map { previousIDs[$0] }
        let k = min(options.k, rows.count)
        var out: [ClusteringMeasures] = []
        if !note.isEmpty {
            // Entropies depend on cluster size: compare like with like, the codes of the same sample.
            let r = try KMedoids.cluster(codes.subset(rows), k: k, options: options.kmedoids)
            out.append(Monosemanticity.measures(method: "polytope codes (Hamming)\(note)",
                                                groups: Monosemanticity.groups(labels: r.labels, k: k), tokenIDs: ids, previousIDs: prev))
        }
        for metric in [ActivationBaselines.Metric.cosine, .euclidean] {
            try log("layer \(layer): baseline k-medoids on activations, \(metric.rawValue) distance, \(rows.count) tokens")
            let matrix = ActivationBaselines.distanceMatrix(acts, rows: rows.count, width: width, metric: metric)
            let r = KMedoids.run(PrecomputedDissimilarity(matrix), k: k, options: options.kmedoids)
            out.append(Monosemanticity.measures(method: "activations (\(metric.rawValue))\(note)",
                                                groups: Monosemanticity.groups(labels: r.labels, k: k), tokenIDs: ids, previousIDs: prev))
        }
        let m = max(2, rows.count / max(1, k))
        let neurons = ActivationBaselines.neuronGroups(acts, rows: rows.count, width: width, size: m)
        out.append(Monosemanticity.measures(method: "neurons (top \(m) activating tokens each)\(note)",
                                            groups: neurons, tokenIDs: ids, previousIDs: prev))
        return out
    }
}
