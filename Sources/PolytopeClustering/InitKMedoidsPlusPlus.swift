/// k-medoids++ seeding: the k-means++ scheme of Arthur & Vassilvitskii ("k-means++: The
/// Advantages of Careful Seeding", SODA 2007) with the sampling weight D(x) (the distance to
/// the nearest chosen medoid) rather than D(x)^2, matching the k-medoids loss, which is a sum
/// of distances rather than of squares. The first medoid is uniform.
///
/// - Complexity: O(k N) distances (one row per chosen medoid); memory O(N).
public enum KMedoidsPlusPlusInit {
    public static func medoids<D: Dissimilarity>(_ d: D, k: Int, rng: inout SeededRandom) -> [Int] {
        let n = d.count
        precondition(k >= 1 && k <= n)
        var dNearest = [Int32](repeating: Assignment.far, count: n)
        var isMedoid = [Bool](repeating: false, count: n)
        var medoids = [rng.below(n)]
        var scratch = [UInt16](repeating: 0, count: n)
        while true {
            let last = medoids.last!
            isMedoid[last] = true
            scratch.withUnsafeMutableBufferPointer { sbuf in
                d.withRow(last, scratch: sbuf) { row in
                    for o in 0..<n where Int32(row[o]) < dNearest[o] { dNearest[o] = Int32(row[o]) }
                }
            }
            if medoids.count == k { break }
            let total = (0..<n).reduce(0) { isMedoid[$1] ? $0 : $0 + Int(dNearest[$1]) }
            var next = -1
            if total == 0 {
                // Every object coincides with a medoid: take a uniform non-medoid.
                let free = (0..<n).filter { !isMedoid[$0] }
                next = free[rng.below(free.count)]
            } else {
                var r = rng.below(total)
                for o in 0..<n where !isMedoid[o] {
                    r -= Int(dNearest[o])
                    if r < 0 { next = o; break }
                }
            }
            medoids.append(next)
        }
        return medoids
    }
}

/// k distinct objects drawn uniformly (what the Python `kmedoids` package calls "random").
/// - Complexity: O(k).
public enum RandomInit {
    public static func medoids(count n: Int, k: Int, rng: inout SeededRandom) -> [Int] {
        rng.sample(k, from: n)
    }
}
