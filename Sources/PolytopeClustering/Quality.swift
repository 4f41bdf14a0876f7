/// Per-cluster summary: size and distances of the members to the medoid.
public struct ClusterStats: Sendable, Equatable, Codable {
    public var medoid: Int
    public var size: Int
    public var meanDistance: Double
    public var maxDistance: Int
}

/// Silhouette of a clustering.
public struct SilhouetteScore: Sendable, Equatable {
    /// Mean silhouette over the objects evaluated.
    public var mean: Double
    /// Objects evaluated: N when exact, the sample size when sampled.
    public var evaluated: Int
    public var sampled: Bool
}

/// Quality measures on Hamming (or any) dissimilarity.
public enum ClusterQuality {
    /// Size, mean and max distance to the medoid for each cluster. O(N).
    public static func stats<D: Dissimilarity>(_ d: D, medoids: [Int], labels: [Int]) -> [ClusterStats] {
        var size = [Int](repeating: 0, count: medoids.count)
        var sum = [Int](repeating: 0, count: medoids.count)
        var mx = [Int](repeating: 0, count: medoids.count)
        for (o, c) in labels.enumerated() {
            let dist = d.distance(o, medoids[c])
            size[c] += 1
            sum[c] += dist
            mx[c] = max(mx[c], dist)
        }
        return medoids.indices.map {
            ClusterStats(medoid: medoids[$0], size: size[$0], meanDistance: size[$0] == 0 ? 0 : Double(sum[$0]) / Double(size[$0]),
                         maxDistance: mx[$0])
        }
    }

    /// The silhouette (Rousseeuw, "Silhouettes: a graphical aid to the interpretation and
    /// validation of cluster analysis", J. Comput. Appl. Math. 20, 1987):
    /// s(i) = (b - a) / max(a, b), a = mean distance to the other members of i's cluster,
    /// b = least mean distance to another cluster; s = 0 for singletons. Exact when
    /// N <= `exactLimit`, else averaged over `sampleSize` objects drawn with `seed` (each still
    /// compared with all N).
    ///
    /// - Complexity: O(N^2) distances exact, O(sampleSize * N) sampled; memory O(N + k).
    public static func silhouette<D: Dissimilarity>(_ d: D, labels: [Int], k: Int, exactLimit: Int = 20_000,
                                                    sampleSize: Int = 2_000, seed: UInt64 = 0) -> SilhouetteScore {
        let n = d.count
        guard k > 1, n > 1 else { return SilhouetteScore(mean: 0, evaluated: n, sampled: false) }
        var points = Array(0..<n)
        var sampled = false
        if n > exactLimit && sampleSize < n {
            var rng = SeededRandom(seed: seed)
            points = rng.sample(sampleSize, from: n).sorted()
            sampled = true
        }
        var size = [Int](repeating: 0, count: k)
        for c in labels { size[c] += 1 }
        var scratch = [UInt16](repeating: 0, count: n)
        var sums = [Int](repeating: 0, count: k)
        var total = 0.0
        for i in points {
            for c in 0..<k { sums[c] = 0 }
            scratch.withUnsafeMutableBufferPointer { sbuf in
                d.withRow(i, scratch: sbuf) { row in
                    for o in 0..<n { sums[labels[o]] += Int(row[o]) }
                }
            }
            let own = labels[i]
            guard size[own] > 1 else { continue }
            let a = Double(sums[own]) / Double(size[own] - 1)
            var b = Double.infinity
            for c in 0..<k where c != own && size[c] > 0 { b = min(b, Double(sums[c]) / Double(size[c])) }
            guard b.isFinite, max(a, b) > 0 else { continue }
            total += (b - a) / max(a, b)
        }
        return SilhouetteScore(mean: total / Double(points.count), evaluated: points.count, sampled: sampled)
    }

    /// The medoid silhouette (Lenssen & Schubert, "Clustering by Direct Optimization of the
    /// Medoid Silhouette", SISAP 2022): mean over objects of 1 - d1/d2 with d1, d2 the
    /// distances to the nearest and second-nearest medoid (0 when d2 = 0; 0 for k = 1).
    ///
    /// - Complexity: O(N k) distances.
    public static func medoidSilhouette<D: Dissimilarity>(_ d: D, medoids: [Int]) -> Double {
        guard medoids.count > 1, d.count > 0 else { return 0 }
        let a = Assignment(d, medoids: medoids)
        var total = 0.0
        for o in 0..<d.count where a.dSecond[o] > 0 {
            total += 1 - Double(a.dNearest[o]) / Double(a.dSecond[o])
        }
        return total / Double(d.count)
    }
}
