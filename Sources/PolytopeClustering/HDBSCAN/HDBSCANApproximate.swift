import Foundation
import PolytopeCodes

/// How an approximate HDBSCAN result was made.
public struct HDBSCANApproximation: Sendable, Codable, Equatable {
    public var sampleSize: Int
    public var seed: UInt64
    /// Codes outside the sample given a cluster (the rest of them became noise).
    public var assignedToClusters: Int
}

extension HDBSCAN {
    /// HDBSCAN for N beyond what the exact O(N^2) passes allow, like CLARA for k-medoids: exact
    /// HDBSCAN (same options) on a uniform sample of `sampleSize` codes, then every other code x is
    /// assigned through its nearest sample code y (Hamming; ties to the lower sample position):
    /// x joins y's cluster C when y is clustered and max(d(x, y), core(y)) <= the distance at
    /// which C was born — x would be joined to C's component by the time C separates, and every
    /// point there at C's birth carries C's label — else x is noise.
    /// Assigned codes take y's probability and outlier score. `tree`, `mst` and `coreDistances`
    /// describe the sample (point ids are sample positions, `sampleIndices`).
    ///
    /// - Complexity: the exact cost at s = `sampleSize`, plus O((N − s) s bits / 64) for the
    ///   assignment (tiled cross distances), memory O(N + tile). Agreement with the exact result is
    ///   measured by `polytope bench cluster --method hdbscan --hdbscan-sample` (bench/README.md).
    public static func approximate(_ codes: CodeMatrix, sampleSize: Int, seed: UInt64 = 0,
                                   options: Options = Options()) throws -> (result: HDBSCANResult, sampleIndices: [Int]) {
        let n = codes.rows
        guard n > 0 else { throw HDBSCANError.empty }
        guard sampleSize >= 2 && sampleSize <= n else { throw HDBSCANError.badSample(sampleSize, count: n) }
        try validate(count: sampleSize, options: options)
        var rng = SeededRandom(seed: seed)
        let sample = rng.sample(sampleSize, from: n).sorted()
        let sub = codes.subset(sample)
        var r = try cluster(sub, options: options)
        let t0 = Date()
        // Birth distance of each selected cluster (label).
        var birth = [Int32](repeating: 0, count: r.clusterCount)
        var labelOfId = [Int: Int]()
        for (l, id) in r.selectedClusters.enumerated() { labelOfId[id] = l }
        for i in 0..<r.tree.rowCount where r.tree.childSize[i] > 1 {
            if let l = labelOfId[r.tree.child[i]] { birth[l] = r.tree.distance[i] }
        }
        var inSample = [Int](repeating: -1, count: n)
        for (p, i) in sample.enumerated() { inSample[i] = p }
        let rest = (0..<n).filter { inSample[$0] < 0 }
        var labels = [Int](repeating: -1, count: n), probs = [Double](repeating: 0, count: n), scores = [Double](repeating: 0, count: n)
        for (p, i) in sample.enumerated() {
            labels[i] = r.labels[p]
            probs[i] = r.probabilities[p]
            scores[i] = r.outlierScores[p]
        }
        let s = sampleSize
        let block = max(1, min(rest.count, (64 << 20) / max(1, 2 * s)))
        var tile = [UInt16](repeating: 0, count: block * s)
        var assigned = 0
        var start = 0
        while start < rest.count {
            let rows = min(block, rest.count - start)
            let part = codes.subset(Array(rest[start..<(start + rows)]))
            tile.withUnsafeMutableBufferPointer { t in
                part.crossDistances(sub, into: UnsafeMutableBufferPointer(rebasing: t[0..<(rows * s)]), threads: options.threads)
                for q in 0..<rows {
                    let row = t.baseAddress! + q * s
                    var best = 0
                    for p in 1..<s where row[p] < row[best] { best = p }
                    let x = rest[start + q]
                    probs[x] = r.probabilities[best]
                    scores[x] = r.outlierScores[best]
                    let l = r.labels[best]
                    if l >= 0 && max(Int32(row[best]), r.coreDistances[best]) <= birth[l] {
                        labels[x] = r.labels[best]
                        assigned += 1
                    } else {
                        probs[x] = 0
                    }
                }
            }
            start += rows
        }
        r.labels = labels
        r.probabilities = probs
        r.outlierScores = scores
        r.approximation = HDBSCANApproximation(sampleSize: sampleSize, seed: seed, assignedToClusters: assigned)
        r.timings["assignment"] = Date().timeIntervalSince(t0)
        return (r, sample)
    }
}
