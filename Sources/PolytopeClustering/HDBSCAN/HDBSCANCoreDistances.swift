import Dispatch
import PolytopeCodes

/// Core distances for HDBSCAN (Campello, Moulavi & Sander 2013, section 3): the core distance of
/// a point is the distance to its `minSamples`-th nearest point **counting the point itself**
/// (scikit-learn's convention, `np.partition(row, min_samples - 1)[min_samples - 1]`; the
/// `hdbscan` package does not count the point, so its `min_samples = m` is ours `m + 1`).
/// `minSamples = 1` gives core distance 0 (plain single linkage).
///
/// Hamming distances are integers no larger than the code width, so the k-th smallest of a row is
/// read off a histogram of the row: O(N + bits) per row, no sorting.
public enum HDBSCANCoreDistances {
    /// From a precomputed matrix. O(N^2 + N bits) time, O(bits) extra memory per thread.
    public static func compute(matrix m: HammingMatrix, minSamples: Int, threads: Int = cpuCount) -> [Int32] {
        let n = m.count
        precondition(minSamples >= 1 && minSamples <= n)
        let maxValue = Int(m.values.max() ?? 0)
        var core = [Int32](repeating: 0, count: n)
        core.withUnsafeMutableBufferPointer { out in
            m.values.withUnsafeBufferPointer { v in
                let outBase = out.baseAddress!, vBase = v.baseAddress!
                parallelChunks(n, threads: threads) { range in
                    var hist = [Int32](repeating: 0, count: maxValue + 1)
                    for i in range {
                        outBase[i] = kthSmallest(vBase + i * n, count: n, k: minSamples, histogram: &hist)
                    }
                }
            }
        }
        return core
    }

    /// From the codes, tile by tile: blocks of rows against all rows (`ck_hamming_cross`), never an
    /// N x N matrix. O(N^2 bits / 64) distance work, O(N) histogram work per row; memory
    /// `block * N * 2` bytes for the tile (the block is sized to ~64 MiB).
    public static func compute(codes: CodeMatrix, minSamples: Int, threads: Int = cpuCount, tileBytes: Int = 64 << 20) -> [Int32] {
        let n = codes.rows
        precondition(minSamples >= 1 && minSamples <= n)
        let block = max(1, min(n, tileBytes / max(1, 2 * n)))
        var core = [Int32](repeating: 0, count: n)
        var tile = [UInt16](repeating: 0, count: block * n)
        var start = 0
        while start < n {
            let rows = min(block, n - start)
            let part = codes.subset(Array(start..<(start + rows)))
            tile.withUnsafeMutableBufferPointer { t in
                part.crossDistances(codes, into: UnsafeMutableBufferPointer(rebasing: t[0..<(rows * n)]), threads: threads)
                let tBase = t.baseAddress!
                core.withUnsafeMutableBufferPointer { out in
                    let outBase = out.baseAddress!
                    parallelChunks(rows, threads: threads) { range in
                        var hist = [Int32](repeating: 0, count: codes.bits + 1)
                        for r in range {
                            outBase[start + r] = kthSmallest(tBase + r * n, count: n, k: minSamples, histogram: &hist)
                        }
                    }
                }
            }
            start += rows
        }
        return core
    }

    /// The k-th smallest (1-based) of `count` values, by a histogram (cleared again on return).
    @inline(__always)
    static func kthSmallest(_ row: UnsafePointer<UInt16>, count: Int, k: Int, histogram hist: inout [Int32]) -> Int32 {
        hist.withUnsafeMutableBufferPointer { h in
            let hb = h.baseAddress!
            for j in 0..<count { hb[Int(row[j])] &+= 1 }
            var seen = 0, value = 0
            while value < h.count {
                seen += Int(hb[value])
                if seen >= k { break }
                value += 1
            }
            // Clear: the histogram (bits + 1 entries) when smaller than the row, else the touched bins.
            if h.count < count { h.update(repeating: 0) } else { for j in 0..<count { hb[Int(row[j])] = 0 } }
            return Int32(value)
        }
    }
}

/// Runs `body` on `threads` contiguous chunks of `0..<n` in parallel (one chunk: on this thread).
func parallelChunks(_ n: Int, threads: Int, _ body: (Range<Int>) -> Void) {
    let t = max(1, min(threads, n))
    if t == 1 {
        body(0..<n)
        return
    }
    withoutActuallyEscaping(body) { body in
        DispatchQueue.concurrentPerform(iterations: t) { c in
            let lo = n * c / t, hi = n * (c + 1) / t
            if lo < hi { body(lo..<hi) }
        }
    }
}
