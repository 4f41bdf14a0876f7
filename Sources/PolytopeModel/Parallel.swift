import Dispatch

/// Splits work over the cores for the non-BLAS parts of a forward pass (activations, norms,
/// attention heads). Small jobs stay on the calling thread; so do jobs started from inside a
/// probe's parallel batches, which already keep every core busy.
public enum Parallel {
    /// Set by callers that run many forward passes concurrently (each then runs serially).
    nonisolated(unsafe) public static var enabled = true

    public static let cores = max(1, ProcessInfoCores.count)

    /// Calls `body` on disjoint ranges covering 0..<count, concurrently when worthwhile.
    /// `cost` is the rough work per item, in element operations.
    public static func forEachChunk(count: Int, cost: Int = 1, _ body: (Range<Int>) -> Void) {
        let minWork = 1 << 16
        let chunks = min(cores * 4, max(1, count * cost / minWork))
        guard enabled, cores > 1, chunks > 1, count > 1 else {
            body(0..<count)
            return
        }
        let n = min(chunks, count)
        // Threaded OpenBLAS called from several threads at once thrashes: the chunks call it
        // single-threaded, the chunks themselves being the parallelism.
        let blasThreads = BLAS.threads
        if blasThreads > 1 { BLAS.threads = 1 }
        DispatchQueue.concurrentPerform(iterations: n) { c in
            body((count * c / n)..<(count * (c + 1) / n))
        }
        if blasThreads > 1 { BLAS.threads = blasThreads }
    }
}

import Foundation

enum ProcessInfoCores {
    static let count = ProcessInfo.processInfo.activeProcessorCount
}
