import Foundation

/// Work splitting outside the forward pass (geometry, baselines): all cores. Forward passes
/// take their thread count from `ForwardContext.threading` instead.
public enum Parallel {
    public static let cores = max(1, ProcessInfo.processInfo.activeProcessorCount)

    /// `Threading.allCores.forEachChunk`: disjoint ranges covering 0..<count, concurrently when worthwhile.
    public static func forEachChunk(count: Int, cost: Int = 1, _ body: (Range<Int>) -> Void) {
        Threading.allCores.forEachChunk(count: count, cost: cost, body)
    }
}
