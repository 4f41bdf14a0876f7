import Foundation
import PolytopeCodes

/// HDBSCAN over Hamming distance on packed codes: hierarchical density-based clustering with a
/// noise label (Campello, Moulavi & Sander 2013, "Density-based clustering based on hierarchical
/// density estimates", PAKDD; McInnes & Healy 2017, "Accelerated hierarchical density based
/// clustering", ICDMW).
///
/// Steps and costs (N codes of `bits` bits):
/// 1. core distances, `minSamples`-th nearest counting the point itself
///    (`HDBSCANCoreDistances`): O(N^2 bits / 64), tiled, no N x N matrix;
/// 2. the mutual-reachability MST by Prim on the dense graph (`HDBSCANPrim`): O(N^2 bits / 64),
///    O(N) memory;
/// 3. single linkage (`SingleLinkage`): O(N log N); condensed tree (`CondensedTree`): O(N);
/// 4. selection by excess of mass or leaves, `epsilon`, labels, probabilities, GLOSH: O(N).
///
/// Exact: on the same distances the labels equal scikit-learn's
/// `HDBSCAN(metric="precomputed")` up to renumbering, ties resolved by the rule documented in
/// `HDBSCANPrim` and `SingleLinkage` (docs/clustering.md). Beyond what fits in time, `approximate`
/// clusters a sample exactly and assigns the rest.
///
/// ```swift
/// let r = try HDBSCAN.cluster(codes, options: .init(minClusterSize: 10))
/// print(r.clusterCount, r.noiseCount)
/// ```
public enum HDBSCAN {
    public struct Options: Sendable {
        /// Smallest cluster (>= 2).
        public var minClusterSize: Int
        /// Neighbours, counting the point itself, for core distances (nil: `minClusterSize`).
        public var minSamples: Int?
        public var selection: HDBSCANSelection
        /// `cluster_selection_epsilon`, in bits: clusters born below this distance merge upward.
        public var epsilon: Double
        public var threads: Int

        public init(minClusterSize: Int = 5, minSamples: Int? = nil, selection: HDBSCANSelection = .eom,
                    epsilon: Double = 0, threads: Int = cpuCount) {
            self.minClusterSize = minClusterSize
            self.minSamples = minSamples
            self.selection = selection
            self.epsilon = epsilon
            self.threads = max(1, threads)
        }

        /// `minSamples`, or `minClusterSize` when nil (scikit-learn's default).
        public var effectiveMinSamples: Int { minSamples ?? minClusterSize }
    }

    /// Checks the parameters against N. Throws `HDBSCANError`.
    public static func validate(count n: Int, options o: Options) throws {
        guard n > 0 else { throw HDBSCANError.empty }
        guard n >= 2 else { throw HDBSCANError.tooFew(count: n) }
        guard o.minClusterSize >= 2 && o.minClusterSize <= n else {
            throw HDBSCANError.badMinClusterSize(o.minClusterSize, count: n)
        }
        let ms = o.effectiveMinSamples
        guard ms >= 1 && ms <= n else { throw HDBSCANError.badMinSamples(ms, count: n) }
        guard o.epsilon >= 0 && o.epsilon.isFinite else { throw HDBSCANError.badEpsilon(o.epsilon) }
    }

    /// Exact HDBSCAN from the codes (no N x N matrix).
    public static func cluster(_ codes: CodeMatrix, options: Options = Options()) throws -> HDBSCANResult {
        try validate(count: codes.rows, options: options)
        let t0 = Date()
        let core = HDBSCANCoreDistances.compute(codes: codes, minSamples: options.effectiveMinSamples, threads: options.threads)
        let t1 = Date()
        let mst = HDBSCANPrim.mst(codes: codes, core: core, threads: options.threads)
        let t2 = Date()
        var r = finish(core: core, mst: mst, options: options)
        r.timings = ["core_distances": t1.timeIntervalSince(t0), "mst": t2.timeIntervalSince(t1), "tree": Date().timeIntervalSince(t2)]
        return r
    }

    /// Exact HDBSCAN from a precomputed distance matrix.
    public static func cluster(matrix: HammingMatrix, options: Options = Options()) throws -> HDBSCANResult {
        try validate(count: matrix.count, options: options)
        let core = HDBSCANCoreDistances.compute(matrix: matrix, minSamples: options.effectiveMinSamples, threads: options.threads)
        return finish(core: core, mst: HDBSCANPrim.mst(matrix: matrix, core: core), options: options)
    }

    /// Steps 3-4 from core distances and the MST.
    public static func finish(core: [Int32], mst: [MSTEdge], options: Options) -> HDBSCANResult {
        let linkage = SingleLinkage(mst: mst)
        let tree = CondensedTree(linkage, minClusterSize: options.minClusterSize)
        let selected = HDBSCANExtract.select(tree, method: options.selection, epsilon: options.epsilon)
        let (labels, probabilities, scores) = HDBSCANExtract.label(tree, selected: selected)
        return HDBSCANResult(labels: labels, probabilities: probabilities, outlierScores: scores, coreDistances: core,
                             mst: mst, tree: tree, selectedClusters: selected, stabilities: tree.stabilities(),
                             options: options, approximation: nil)
    }
}

/// Bad HDBSCAN parameters or input, one line each.
public enum HDBSCANError: Error, Equatable, CustomStringConvertible {
    case empty
    case tooFew(count: Int)
    case badMinClusterSize(Int, count: Int)
    case badMinSamples(Int, count: Int)
    case badEpsilon(Double)
    case badSample(Int, count: Int)

    public var description: String {
        switch self {
        case .empty: return "no codes to cluster (the input has 0 rows)"
        case let .tooFew(n): return "HDBSCAN needs at least 2 codes (got \(n))"
        case let .badMinClusterSize(m, n):
            return "--min-cluster-size \(m) is out of range: need 2 <= min_cluster_size <= \(n) (the number of codes)"
        case let .badMinSamples(m, n): return "--min-samples \(m) is out of range: need 1 <= min_samples <= \(n) (the number of codes)"
        case let .badEpsilon(e): return "--epsilon must be a finite distance >= 0 (got \(e))"
        case let .badSample(s, n): return "--hdbscan-sample \(s) is out of range: need 2 <= sample <= \(n) (the number of codes)"
        }
    }
}
