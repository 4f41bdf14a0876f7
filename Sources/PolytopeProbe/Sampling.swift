/// Which tokens of each window a probe records.
public enum TokenSampling: Sendable, Equatable, CustomStringConvertible {
    /// Every token (of overlapping windows, only the tokens no earlier window covered).
    case all
    /// The polytope-lens paper's protocol: `perWindow` evenly spaced tokens per window,
    /// skipping the first `skip` positions (little context there).
    case evenlySpaced(perWindow: Int, skip: Int)
    /// A uniform random sample of exactly `size` eligible tokens (positions >= `skip`) of the
    /// whole corpus, drawn with `seed` (Floyd's algorithm over a first counting pass).
    case random(size: Int, skip: Int, seed: UInt64)

    public var description: String {
        switch self {
        case .all: return "all"
        case .evenlySpaced(let n, let s): return "paper(per_window=\(n),skip=\(s))"
        case .random(let n, let s, let seed): return "random(size=\(n),skip=\(s),seed=\(seed))"
        }
    }

    var skip: Int {
        switch self {
        case .all: return 0
        case .evenlySpaced(_, let s), .random(_, let s, _): return s
        }
    }
}

/// SplitMix64 (Steele, Lea & Flood 2014): a small, fast, seedable generator, so samples are
/// the same on every platform for a given seed.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

enum SampleSelection {
    /// `size` distinct integers from 0..<total, uniformly (Floyd's algorithm, O(size) draws).
    static func floyd(size: Int, total: Int, seed: UInt64) -> Set<Int> {
        var rng = SplitMix64(seed: seed)
        var chosen = Set<Int>()
        guard size > 0, total > 0 else { return chosen }
        let n = min(size, total)
        for j in (total - n)..<total {
            let t = Int.random(in: 0...j, using: &rng)
            if !chosen.insert(t).inserted { chosen.insert(j) }
        }
        return chosen
    }
}
