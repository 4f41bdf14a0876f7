/// What HDBSCAN found, with the intermediate structures for inspection and plotting.
public struct HDBSCANResult: Sendable {
    /// Cluster of each code, 0..<clusterCount, or -1 for noise.
    public var labels: [Int]
    /// Membership strength in [0, 1] (0 for noise).
    public var probabilities: [Double]
    /// GLOSH outlier score in [0, 1] (higher: more of an outlier).
    public var outlierScores: [Double]
    public var coreDistances: [Int32]
    /// Prim's edges (empty for an approximate result).
    public var mst: [MSTEdge]
    public var tree: CondensedTree
    /// Condensed-tree ids of the selected clusters; label i is `selectedClusters[i]`.
    public var selectedClusters: [Int]
    /// Stability of every condensed-tree cluster (index: id - N).
    public var stabilities: [Double]
    public var options: HDBSCAN.Options
    /// Set when the result came from `HDBSCAN.approximate`.
    public var approximation: HDBSCANApproximation?
    /// Seconds per step.
    public var timings: [String: Double] = [:]

    public var clusterCount: Int { selectedClusters.count }
    public var noiseCount: Int { labels.reduce(0) { $0 + ($1 < 0 ? 1 : 0) } }

    /// Sizes of clusters 0..<clusterCount.
    public var clusterSizes: [Int] {
        var s = [Int](repeating: 0, count: clusterCount)
        for l in labels where l >= 0 { s[l] += 1 }
        return s
    }

    /// Total weight of the MST (sum of mutual-reachability distances).
    public var mstWeight: Int { mst.reduce(0) { $0 + Int($1.weight) } }
}
