/// FasterPAM: PAM's swap phase with the O(k) swap evaluation and eager swaps.
///
/// Schubert & Rousseeuw, "Fast and eager k-medoids clustering: O(k) runtime improvement of the
/// PAM, CLARA, and CLARANS algorithms", Information Systems 101 (2021), arXiv 2008.05171.
///
/// For each candidate `xc` the change in loss of swapping it with *every* medoid is found in
/// one pass over the N objects: with nearest distance `dn(o)`, second `ds(o)`, and the
/// precomputed removal loss of each medoid `Σ_{o: n(o)=i} (ds(o) - dn(o))`,
/// - if `d(o, xc) < dn(o)`, o moves to `xc` whichever medoid goes: a shared gain
///   `d(o, xc) - dn(o)`, and removing o's own medoid no longer costs `ds - dn` for o;
/// - else if `d(o, xc) < ds(o)`, removing o's medoid sends o to `xc` instead of its second.
/// The best medoid to drop is the arg-min of k accumulated deltas. The swap is applied as soon
/// as it improves the loss (eager), and the sweep goes on with the next candidate; it stops when
/// a whole sweep since the last swap finds no improvement. The result is swap-optimal: no single
/// medoid/non-medoid exchange lowers the loss.
///
/// - Complexity: O(N^2) distance lookups per sweep plus O(N) per applied swap (O(N k) for the
///   objects that lose their nearest or second medoid); memory O(N k). Matrix-free, each
///   candidate also costs one row of N Hamming distances.
public enum FasterPAM {
    /// Runs FasterPAM from `initialMedoids` (distinct object indices).
    /// - Parameter maxIterations: cap on sweeps (default 100; convergence is usually < 10).
    ///
    /// With `threads > 1`, candidates are evaluated speculatively in blocks, in parallel, against
    /// the current medoids; the first improving candidate in sweep order is applied and the
    /// evaluation resumes after it. Every applied swap is the one the sequential sweep would
    /// apply, so the result is identical for any thread count.
    public static func run<D: Dissimilarity>(_ d: D, initialMedoids: [Int], maxIterations: Int = 100,
                                             initialization: KMedoidsInit = .build, threads: Int = 1) -> KMedoidsResult {
        if threads > 1 && d.count >= 256 {
            return runParallel(d, initialMedoids: initialMedoids, maxIterations: maxIterations,
                               initialization: initialization, threads: threads)
        }
        let n = d.count, k = initialMedoids.count
        precondition(k >= 1 && k <= n && Set(initialMedoids).count == k, "FasterPAM needs k distinct medoids in 0..<\(n)")
        var a = Assignment(d, medoids: initialMedoids)
        var isMedoid = [Bool](repeating: false, count: n)
        for m in initialMedoids { isMedoid[m] = true }
        var removal = [Int](repeating: 0, count: k)
        var delta = [Int](repeating: 0, count: k)
        var scratch = [UInt16](repeating: 0, count: n)
        var swaps = 0, iterations = 0
        var lastSwap = -1

        func computeRemoval() {
            for c in 0..<k { removal[c] = 0 }
            for o in 0..<n { removal[Int(a.nearest[o])] += Int(a.dSecond[o] - a.dNearest[o]) }
        }
        computeRemoval()

        sweeps: while iterations < maxIterations {
            iterations += 1
            var swapsThisSweep = 0
            for xc in 0..<n {
                if xc == lastSwap { break sweeps }
                if isMedoid[xc] { continue }
                let swapped: Bool = scratch.withUnsafeMutableBufferPointer { sbuf in
                    d.withRow(xc, scratch: sbuf) { row in
                        let (best, change) = evaluate(row: row, a: a, removal: removal, delta: &delta)
                        guard change < 0 else { return false }
                        isMedoid[a.medoids[best]] = false
                        isMedoid[xc] = true
                        a.swap(slot: best, to: xc, row: row)
                        return true
                    }
                }
                guard swapped else { continue }
                computeRemoval()
                swaps += 1
                swapsThisSweep += 1
                lastSwap = xc
            }
            if swapsThisSweep == 0 { break }
        }
        return KMedoidsResult(medoids: a.medoids, labels: a.labels, loss: a.loss, iterations: iterations, swaps: swaps,
                              method: .fasterPAM, initialization: initialization, mode: d.mode)
    }

    /// The best (slot, loss change) for swapping candidate with distance row `row` in. O(N + k).
    @inline(__always)
    static func evaluate(row: UnsafeBufferPointer<UInt16>, a: Assignment, removal: [Int], delta: inout [Int]) -> (Int, Int) {
        let k = removal.count
        var shared = 0
        delta.withUnsafeMutableBufferPointer { dl in
            for c in 0..<k { dl[c] = removal[c] }
            a.nearest.withUnsafeBufferPointer { near in
                a.dNearest.withUnsafeBufferPointer { dn in
                    a.dSecond.withUnsafeBufferPointer { ds in
                        for o in 0..<row.count {
                            let doj = Int32(truncatingIfNeeded: row[o])
                            let dno = dn[o]
                            if doj < dno {
                                shared &+= Int(doj &- dno)
                                dl[Int(near[o])] &+= Int(dno &- ds[o])
                            } else if doj < ds[o] {
                                dl[Int(near[o])] &+= Int(doj &- ds[o])
                            }
                        }
                    }
                }
            }
        }
        var best = 0
        for c in 1..<max(k, 1) where delta[c] < delta[best] { best = c }
        return (best, delta[best] + shared)
    }
}
