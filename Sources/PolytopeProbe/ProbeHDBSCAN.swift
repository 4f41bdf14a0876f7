import Foundation
import PolytopeClustering
import PolytopeCodes
import PolytopeReport

/// HDBSCAN in the probe: the clustering, the groups the report shows (the clusters, then noise as
/// its own group), and the monosemanticity comparison with k-medoids on the same tokens.
enum ProbeHDBSCAN {
    struct Layer {
        var result: HDBSCANResult
        /// Group of each row: 0..<clusterCount the clusters, `clusterCount` the noise (if any).
        var groups: [Int]
        /// Representative row of each group: the group's medoid (exact over up to 2,000 candidate
        /// members, else a seeded sample of 2,000 candidates against all members).
        var medoids: [Int]
        var hasNoise: Bool
        var seconds: Double
    }

    static func cluster(_ codes: CodeMatrix, options: HDBSCAN.Options, sampleSize: Int?, seed: UInt64) throws -> Layer {
        let t0 = Date()
        let r: HDBSCANResult
        if let s = sampleSize, s < codes.rows {
            r = try HDBSCAN.approximate(codes, sampleSize: s, seed: seed, options: options).result
        } else {
            r = try HDBSCAN.cluster(codes, options: options)
        }
        let seconds = Date().timeIntervalSince(t0)
        let k = r.clusterCount
        let groups = r.labels.map { $0 >= 0 ? $0 : k }
        let hasNoise = r.noiseCount > 0
        var members = [[Int]](repeating: [], count: k + (hasNoise ? 1 : 0))
        for (i, g) in groups.enumerated() { members[g].append(i) }
        let medoids = members.map { medoid(of: $0, codes: codes, seed: seed, threads: options.threads) }
        return Layer(result: r, groups: groups, medoids: medoids, hasNoise: hasNoise, seconds: seconds)
    }

    /// The member with the smallest sum of Hamming distances to all members (ties: lower row).
    /// O(min(m, 2000) m bits / 64).
    static func medoid(of members: [Int], codes: CodeMatrix, seed: UInt64, threads: Int) -> Int {
        guard members.count > 2 else { return members.first ?? 0 }
        var candidates = members
        if members.count > 2000 {
            candidates = SampleSelection.floyd(size: 2000, total: members.count, seed: seed).sorted().map { members[$0] }
        }
        let sub = codes.subset(members)
        var best = candidates[0], bestSum = Int.max
        var row = [UInt16](repeating: 0, count: members.count)
        for c in candidates {
            row.withUnsafeMutableBufferPointer { sub.distances(fromRow: 0, of: codes.subset([c]), into: $0, threads: threads) }
            let s = row.reduce(0) { $0 + Int($1) }
            if s < bestSum || (s == bestSum && c < best) { best = c; bestSum = s }
        }
        return best
    }

    /// The comparison rows: HDBSCAN over its clustered tokens (noise share alongside), k-medoids
    /// with `k` on all tokens, and k-medoids on exactly HDBSCAN's clustered tokens with as many
    /// clusters as HDBSCAN found.
    static func measures(_ layer: Layer, codes: CodeMatrix, k: Int, kmedoids: KMedoids.Options,
                         tokenIDs: [Int], previousIDs: [Int]) throws -> [ClusteringMeasures] {
        let r = layer.result, n = r.labels.count
        let clustered = (0..<n).filter { r.labels[$0] >= 0 }
        let noise = Double(n - clustered.count) / Double(max(1, n))
        var hd = Monosemanticity.measures(method: "polytope codes, HDBSCAN (Hamming; clustered tokens)",
                                          groups: clusterGroups(r), tokenIDs: tokenIDs, previousIDs: previousIDs)
        hd.noiseFraction = noise
        var out = [hd]
        let kk = min(k, n)
        let all = try KMedoids.cluster(codes, k: kk, options: kmedoids)
        var km = Monosemanticity.measures(method: "polytope codes, k-medoids k = \(kk) (Hamming; all tokens)",
                                          groups: Monosemanticity.groups(labels: all.labels, k: kk), tokenIDs: tokenIDs, previousIDs: previousIDs)
        km.noiseFraction = 0
        out.append(km)
        if r.clusterCount >= 1 && clustered.count > r.clusterCount {
            let sub = try KMedoids.cluster(codes.subset(clustered), k: r.clusterCount, options: kmedoids)
            var same = Monosemanticity.measures(
                method: "polytope codes, k-medoids k = \(r.clusterCount) (Hamming; HDBSCAN's clustered tokens)",
                groups: Monosemanticity.groups(labels: sub.labels, k: r.clusterCount).map { $0.map { clustered[$0] } },
                tokenIDs: tokenIDs, previousIDs: previousIDs)
            same.noiseFraction = noise
            out.append(same)
        }
        return out
    }

    static func clusterGroups(_ r: HDBSCANResult) -> [[Int]] {
        var g = [[Int]](repeating: [], count: r.clusterCount)
        for (i, l) in r.labels.enumerated() where l >= 0 { g[l].append(i) }
        return g
    }

    static func treeInfo(_ r: HDBSCANResult) -> [CondensedClusterInfo] { r.clusterTree() }
}

extension ProbeAnalysis {
    /// A layer clustered by HDBSCAN, as the report shows it: the clusters, then the noise as its
    /// own group (id -1), the comparison with k-medoids and the condensed tree.
    static func hdbscanLayer(_ d: ProbeHDBSCAN.Layer, layer: Int, codes: CodeMatrix, summarizer: ClusterSummarizer,
                             tokenIDs: [Int], previousIDs: [Int], options: AnalysisOptions) throws -> LayerClusters {
        let r = d.result
        var clusters = summarizer.summaries(medoids: d.medoids, labels: d.groups)
        if d.hasNoise, let last = clusters.indices.last { clusters[last].id = -1 }
        let measures = try ProbeHDBSCAN.measures(d, codes: codes, k: options.k, kmedoids: options.kmedoids,
                                                 tokenIDs: tokenIDs, previousIDs: previousIDs)
        var data = LayerClusters(
            layer: layer, hook: options.hooks[layer] ?? "", bits: codes.bits, tokens: codes.rows, k: r.clusterCount,
            loss: 0, iterations: 0, method: "hdbscan", mode: r.approximation == nil ? "exact" : "sample+assignment",
            silhouette: nil, clusters: clusters, measures: measures)
        data.noise = r.noiseCount
        data.condensedTree = ProbeHDBSCAN.treeInfo(r)
        return data
    }
}
