import CKernels
import Dispatch

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
    /// - Parameter threads: candidates are split over this many threads (same result for any count).
    public static func medoids<D: Dissimilarity>(_ d: D, k: Int, threads: Int = 1) -> [Int] {
        let n = d.count
        precondition(k >= 1 && k <= n)
        var dNearest = [UInt16](repeating: UInt16.max, count: n)
        var isMedoid = [Bool](repeating: false, count: n)
        var medoids: [Int] = []
        let workers = max(1, min(threads, n / 256))
        let scratch = UnsafeMutableBufferPointer<UInt16>.allocate(capacity: workers * n)
        let bestOf = UnsafeMutableBufferPointer<(Int, UInt64)>.allocate(capacity: workers)
        defer {
            scratch.deallocate()
            bestOf.deallocate()
        }
        let matrix = d as? PrecomputedDissimilarity
        for _ in 0..<k {
            let dn = dNearest, taken = isMedoid
            // Worker t scans candidates t, t + workers, ...; ties go to the lowest index.
            func scan(_ t: Int) {
                var best = -1
                var bestGain: UInt64 = 0
                let buf = UnsafeMutableBufferPointer(rebasing: scratch[(t * n)..<((t + 1) * n)])
                dn.withUnsafeBufferPointer { dnp in
                    var x = t
                    while x < n {
                        if !taken[x] {
                            let gain: UInt64
                            if let matrix {
                                gain = matrix.matrix.values.withUnsafeBufferPointer {
                                    ck_positive_difference_sum(dnp.baseAddress!, $0.baseAddress! + x * n, n)
                                }
                            } else {
                                d.row(x, into: buf)
                                gain = ck_positive_difference_sum(dnp.baseAddress!, buf.baseAddress!, n)
                            }
                            if best < 0 || gain > bestGain {
                                bestGain = gain
                                best = x
                            }
                        }
                        x += workers
                    }
                }
                bestOf[t] = (best, bestGain)
            }
            if workers == 1 { scan(0) } else { DispatchQueue.concurrentPerform(iterations: workers, execute: scan) }
            var best = -1
            var bestGain: UInt64 = 0
            for t in 0..<workers where bestOf[t].0 >= 0 {
                let (x, g) = bestOf[t]
                if best < 0 || g > bestGain || (g == bestGain && x < best) {
                    best = x
                    bestGain = g
                }
            }
            medoids.append(best)
            isMedoid[best] = true
            let row = UnsafeMutableBufferPointer(rebasing: scratch[0..<n])
            d.row(best, into: row)
            for o in 0..<n where row[o] < dNearest[o] { dNearest[o] = row[o] }
        }
        return medoids
    }
}
