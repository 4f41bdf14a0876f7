import Dispatch

/// How many threads one forward pass may use. A value passed down with every pass
/// (`ForwardContext.threading`), never global state: a probe that runs many passes at once
/// gives each `.serial`, a single pass gets all cores, and both can happen in one process.
public struct Threading: Sendable, Equatable, CustomStringConvertible {
    public let threads: Int

    public init(threads: Int) { self.threads = max(1, threads) }

    public static let serial = Threading(threads: 1)
    public static var allCores: Threading { Threading(threads: Parallel.cores) }

    public var description: String { "\(threads) thread\(threads == 1 ? "" : "s")" }

    /// Calls `body` on disjoint ranges covering 0..<count, on up to `threads` threads when the
    /// work (`count * cost` element operations) is worth it; otherwise on the calling thread.
    public func forEachChunk(count: Int, cost: Int = 1, _ body: (Range<Int>) -> Void) {
        let minWork = 1 << 16
        let chunks = min(threads * 4, max(1, count * cost / minWork))
        guard threads > 1, chunks > 1, count > 1 else {
            body(0..<count)
            return
        }
        let n = min(chunks, count)
        DispatchQueue.concurrentPerform(iterations: n) { c in body((count * c / n)..<(count * (c + 1) / n)) }
    }

    /// Splits 0..<count into at most `threads` contiguous ranges of whole `grain`s (the last may
    /// be short) and runs them concurrently: one range per thread, no oversubscription.
    public func split(count: Int, grain: Int = 1, _ body: (Range<Int>) -> Void) {
        let units = (count + grain - 1) / grain
        let n = min(threads, units)
        guard n > 1 else {
            if count > 0 { body(0..<count) }
            return
        }
        DispatchQueue.concurrentPerform(iterations: n) { c in
            let lo = min(count, units * c / n * grain), hi = min(count, units * (c + 1) / n * grain)
            if lo < hi { body(lo..<hi) }
        }
    }
}
