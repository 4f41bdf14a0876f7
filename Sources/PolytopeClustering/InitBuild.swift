import CKernels

/// PAM's BUILD: greedy initial medoids.
///
/// Kaufman & Rousseeuw, "Finding Groups in Data: An Introduction to Cluster Analysis"
/// (Wiley 1990), chapter 2 (PAM). The first medoid minimises the total distance to all
/// objects; each next one is the object whose addition lowers the loss the most. The gain of a
/// candidate, Σ_o max(dn(o) - d(o, x), 0), is a vectorised C loop (`ck_positive_difference_sum`);
/// starting from dn = 65535 makes the first step pick the minimum row sum.
///
/// - Complexity: O(k N^2) distance lookups (each candidate needs its full row every round);
///   memory O(N). Matrix-free, that is k N^2 Hamming distances: prefer LAB there.
public enum BuildInit {
    public static func medoids<D: Dissimilarity>(_ d: D, k: Int) -> [Int] {
        let n = d.count
        precondition(k >= 1 && k <= n)
        var dNearest = [UInt16](repeating: UInt16.max, count: n)
        var isMedoid = [Bool](repeating: false, count: n)
        var medoids: [Int] = []
        var scratch = [UInt16](repeating: 0, count: n)
        for _ in 0..<k {
            var best = -1
            var bestGain: UInt64 = 0
            for x in 0..<n where !isMedoid[x] {
                let gain: UInt64 = scratch.withUnsafeMutableBufferPointer { sbuf in
                    d.withRow(x, scratch: sbuf) { row in
                        dNearest.withUnsafeBufferPointer { dn in ck_positive_difference_sum(dn.baseAddress!, row.baseAddress!, n) }
                    }
                }
                if best < 0 || gain > bestGain {
                    bestGain = gain
                    best = x
                }
            }
            medoids.append(best)
            isMedoid[best] = true
            scratch.withUnsafeMutableBufferPointer { sbuf in
                d.withRow(best, scratch: sbuf) { row in
                    for o in 0..<n where row[o] < dNearest[o] { dNearest[o] = row[o] }
                }
            }
        }
        return medoids
    }
}
