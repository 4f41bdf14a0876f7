import Foundation
import PolytopeClustering
import PolytopeCodes
import PolytopeIO

extension ClusterBench {
    /// `bench cluster --method hdbscan`: times exact HDBSCAN (no N x N matrix) or the sample
    /// approximation, with peak RSS; `--compare-exact` adds the exact run and the agreement.
    func benchHDBSCAN(_ codes: CodeMatrix) throws {
        let options = clustering.hdbscan(threads: source.threads)
        let sample = clustering.hdbscanSampleSize(count: codes.rows)
        try HDBSCAN.validate(count: sample ?? codes.rows, options: options)
        let t0 = Date()
        let r = try clustering.runHDBSCAN(codes, seed: source.seed, threads: source.threads)
        let seconds = Date().timeIntervalSince(t0)
        var out: [String: Any] = [
            "benchmark": "cluster-hdbscan", "kernel": HammingKernel.current.rawValue, "n": codes.rows, "bits": codes.bits,
            "threads": source.threads, "min_cluster_size": options.minClusterSize, "min_samples": options.effectiveMinSamples,
            "selection": options.selection.rawValue, "epsilon": options.epsilon,
            "mode": sample == nil ? "exact" : "sample+assignment", "seconds": seconds, "timings": r.timings,
            "clusters": r.clusterCount, "noise": r.noiseCount, "labels_sha": labelDigest(r.labels),
        ]
        if let sample { out["sample_size"] = sample }
        if let labelsOut {
            try NPYArray(int32: r.labels.map { Int32($0) }, shape: [r.labels.count]).write(to: URL(fileURLWithPath: labelsOut))
        }
        if sample == nil { out["mst_weight"] = r.mstWeight }
        if compareExact && sample != nil {
            let t1 = Date()
            let exact = try HDBSCAN.cluster(codes, options: options)
            out["exact_seconds"] = Date().timeIntervalSince(t1)
            out["exact_clusters"] = exact.clusterCount
            out["exact_noise"] = exact.noiseCount
            out["ari_vs_exact"] = ClusterAgreement.adjustedRandIndex(r.labels, exact.labels)
            // Agreement on the codes both call clustered.
            let both = (0..<codes.rows).filter { r.labels[$0] >= 0 && exact.labels[$0] >= 0 }
            out["ari_vs_exact_clustered_in_both"] = ClusterAgreement.adjustedRandIndex(both.map { r.labels[$0] }, both.map { exact.labels[$0] })
            out["noise_agreement"] = Double((0..<codes.rows).filter { (r.labels[$0] < 0) == (exact.labels[$0] < 0) }.count) / Double(codes.rows)
        }
        out["peak_rss_bytes"] = peakRSS()
        printJSON(out)
    }

    /// A short digest of the labels (FNV-1a), to see that two runs agree without printing them.
    private func labelDigest(_ labels: [Int]) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for l in labels {
            h ^= UInt64(bitPattern: Int64(l))
            h = h &* 0x100_0000_01b3
        }
        return String(h, radix: 16)
    }
}
