import Dispatch

extension FasterPAM {
    /// FasterPAM with speculative parallel candidate evaluation (see `run`). Candidates are
    /// taken in sweep order in blocks of `8 * threads`; each thread computes the distance row
    /// and loss change of its share of the block; the first improving candidate is applied and
    /// the next block starts right after it.
    ///
    /// - Complexity: as `run`, divided over the threads, plus at most one wasted block per swap;
    ///   memory adds `8 * threads` rows of N `UInt16`.
    static func runParallel<D: Dissimilarity>(_ d: D, initialMedoids: [Int], maxIterations: Int,
                                              initialization: KMedoidsInit, threads: Int) -> KMedoidsResult {
        let n = d.count, k = initialMedoids.count
        precondition(k >= 1 && k <= n && Set(initialMedoids).count == k, "FasterPAM needs k distinct medoids in 0..<\(n)")
        var a = Assignment(d, medoids: initialMedoids)
        var isMedoid = [Bool](repeating: false, count: n)
        for m in initialMedoids { isMedoid[m] = true }
        var removal = [Int](repeating: 0, count: k)
        func computeRemoval() {
            for c in 0..<k { removal[c] = 0 }
            for o in 0..<n { removal[Int(a.nearest[o])] += Int(a.dSecond[o] - a.dNearest[o]) }
        }
        computeRemoval()

        // Matrix-free blocks are a multiple of the 64-row tile so the cross pass reads each code once.
        let blockSize = d is PrecomputedDissimilarity ? 8 * threads : 64
        let rows = UnsafeMutableBufferPointer<UInt16>.allocate(capacity: blockSize * n)
        let slots = UnsafeMutableBufferPointer<Int>.allocate(capacity: blockSize)
        let changes = UnsafeMutableBufferPointer<Int>.allocate(capacity: blockSize)
        defer {
            rows.deallocate()
            slots.deallocate()
            changes.deallocate()
        }
        var swaps = 0, iterations = 1, swapsThisSweep = 0
        var lastSwap = -1
        var next = 0  // next candidate in sweep order
        search: while true {
            // The next block of non-medoid candidates, stopping at the end of the sweep or at the
            // last swapped-in candidate (a full sweep without improvement: converged).
            var block: [Int] = []
            var wrapped = false
            while block.count < blockSize {
                if next == n {
                    wrapped = true
                    break
                }
                if next == lastSwap { break }
                if !isMedoid[next] { block.append(next) }
                next += 1
            }
            let reachedLast = next == lastSwap && !wrapped && block.count < blockSize
            if !block.isEmpty {
                let state = a
                let rem = removal
                let candidates = block
                // Matrix-free: all the block's rows in one tiled pass; a matrix: rows copied per thread.
                let batched = !(d is PrecomputedDissimilarity)
                if batched { d.rows(candidates, into: rows, threads: threads) }
                DispatchQueue.concurrentPerform(iterations: threads) { t in
                    var delta = [Int](repeating: 0, count: k)
                    var b = t
                    while b < candidates.count {
                        let row = UnsafeMutableBufferPointer(rebasing: rows[(b * n)..<((b + 1) * n)])
                        if !batched { d.row(candidates[b], into: row) }
                        let (slot, change) = evaluate(row: UnsafeBufferPointer(row), a: state, removal: rem, delta: &delta)
                        slots[b] = slot
                        changes[b] = change
                        b += threads
                    }
                }
                if let first = (0..<block.count).first(where: { changes[$0] < 0 }) {
                    let xc = block[first]
                    isMedoid[a.medoids[slots[first]]] = false
                    isMedoid[xc] = true
                    a.swap(slot: slots[first], to: xc, row: UnsafeBufferPointer(rebasing: rows[(first * n)..<((first + 1) * n)]))
                    computeRemoval()
                    swaps += 1
                    swapsThisSweep += 1
                    lastSwap = xc
                    next = xc + 1
                    if next == n {
                        if iterations >= maxIterations { break search }
                        iterations += 1
                        swapsThisSweep = 0
                        next = 0
                    }
                    continue
                }
            }
            if reachedLast { break }
            if wrapped {
                if swapsThisSweep == 0 || iterations >= maxIterations { break }
                iterations += 1
                swapsThisSweep = 0
                next = 0
            }
        }
        return KMedoidsResult(medoids: a.medoids, labels: a.labels, loss: a.loss, iterations: iterations, swaps: swaps,
                              method: .fasterPAM, initialization: initialization, mode: d.mode)
    }
}
