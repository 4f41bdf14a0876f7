import Foundation
import PolytopeIO

/// One part of a probe split over machines: shard `index` of `count` (0-based).
public struct ProbeShard: Sendable, Equatable, CustomStringConvertible {
    public var index: Int
    public var count: Int

    public init(index: Int, count: Int) throws {
        guard count >= 1 else { throw ProbeError.badArgument("--shard: the shard count must be at least 1 (got \(count))") }
        guard index >= 0, index < count else {
            throw ProbeError.badArgument("--shard: shard index \(index) is outside 0..<\(count) (indices start at 0)")
        }
        self.index = index
        self.count = count
    }

    public var description: String { "\(index)/\(count)" }

    /// Parses `I/N`, `/N` (I from the scheduler) or `auto` (I and N from the scheduler).
    /// I: `$SLURM_ARRAY_TASK_ID`, else `$JOB_COMPLETION_INDEX` (Kubernetes Indexed Job);
    /// N: `$SLURM_ARRAY_TASK_COUNT`. Array indices must start at 0 (`sbatch --array=0-(N-1)`).
    public static func parse(_ spec: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> ProbeShard {
        func number(_ s: Substring, _ what: String) throws -> Int {
            guard let v = Int(s.trimmingCharacters(in: .whitespaces)) else {
                throw ProbeError.badArgument("--shard '\(spec)': \(what) '\(s)' is not a number (expected I/N, /N or auto)")
            }
            return v
        }
        func indexFromEnvironment() throws -> Int {
            for name in ["SLURM_ARRAY_TASK_ID", "JOB_COMPLETION_INDEX"] {
                if let v = environment[name], !v.isEmpty {
                    guard let i = Int(v) else { throw ProbeError.badArgument("--shard: $\(name) is '\(v)', not a number") }
                    return i
                }
            }
            throw ProbeError.badArgument("--shard '\(spec)': no shard index given and neither $SLURM_ARRAY_TASK_ID nor $JOB_COMPLETION_INDEX is set")
        }
        if spec == "auto" {
            guard let v = environment["SLURM_ARRAY_TASK_COUNT"], let n = Int(v) else {
                throw ProbeError.badArgument("--shard auto: $SLURM_ARRAY_TASK_COUNT is not set; pass --shard /N with the shard count")
            }
            return try ProbeShard(index: try indexFromEnvironment(), count: n)
        }
        let parts = spec.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2 else { throw ProbeError.badArgument("--shard '\(spec)': expected I/N, /N or auto") }
        let n = try number(parts[1], "shard count")
        let i = parts[0].isEmpty ? try indexFromEnvironment() : try number(parts[0], "shard index")
        return try ProbeShard(index: i, count: n)
    }

    /// The windows of this shard: whole batches, contiguous in the global window order, cut so
    /// that shards get about equal window tokens (shard i starts at the first batch boundary where
    /// at least i/N of all window tokens lie before it). Shards may be empty when there are
    /// fewer batches than shards. Depends only on the corpus, the settings and N — never on timing.
    /// - Complexity: O(batches).
    public func windowRange(batchTokens: [Int], batchWindows: Int, totalWindows: Int) -> Range<Int> {
        let total = batchTokens.reduce(0, +)
        func start(_ i: Int) -> Int {
            if i == 0 { return 0 }
            if i == count { return batchTokens.count }
            let target = (total * i + count - 1) / count           // ceil(total * i / N)
            var before = 0
            for (b, t) in batchTokens.enumerated() {
                if before >= target { return b }
                before += t
            }
            return batchTokens.count
        }
        let lo = min(start(index) * batchWindows, totalWindows)
        let hi = min(start(index + 1) * batchWindows, totalWindows)
        return lo..<max(lo, hi)
    }
}

/// `shard.json` in a shard's directory: which part of the single run it holds, and the single
/// run's totals (from the counting pass) that `polytope merge` checks the shards against.
public struct ShardInfo: Codable, Equatable, Sendable {
    public var index: Int
    public var count: Int
    /// Windows [firstWindow, endWindow) of the single run's numbering.
    public var firstWindow: Int
    public var endWindow: Int
    public var totalWindows: Int
    /// What the single run reports as `documents`.
    public var documents: Int
    /// Rows this shard records when complete.
    public var expectedRows: Int

    public static let fileName = "shard.json"

    enum CodingKeys: String, CodingKey {
        case index, count, documents
        case firstWindow = "first_window", endWindow = "end_window", totalWindows = "total_windows"
        case expectedRows = "expected_rows"
    }

    public static func read(dir: URL) throws -> ShardInfo? {
        let url = dir.appendingPathComponent(fileName)
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        do { return try JSONDecoder().decode(ShardInfo.self, from: Data(contentsOf: url)) } catch {
            throw ProbeError.corruptState("\(url.path) is unreadable (\(error))")
        }
    }

    public func write(dir: URL) throws {
        let enc = JSONEncoder()
        enc.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(try enc.encode(self), to: dir.appendingPathComponent(ShardInfo.fileName))
    }
}
