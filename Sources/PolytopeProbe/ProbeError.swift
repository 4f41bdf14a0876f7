/// Why a probe cannot run or continue, naming the argument, file or state.
public enum ProbeError: Error, CustomStringConvertible, Equatable {
    case badArgument(String)
    case differentRun(dir: String, differences: String)
    case corruptState(String)
    case emptyCorpus(String)
    case tooFewTokens(recorded: Int, k: Int)
    case insufficientDisk(dir: String, needed: UInt64, free: UInt64)
    case mergeRefused(String)
    case notAProbe(path: String, missing: String)
    case cancelled

    public var description: String {
        switch self {
        case .badArgument(let s): return s
        case .differentRun(let d, let diff):
            return "\(d) holds a probe run with different settings (\(diff)); pass --restart to replace it or choose another --out"
        case .corruptState(let s): return "probe state is inconsistent: \(s); pass --restart to start over"
        case .emptyCorpus(let s): return "the corpus gave no tokens to record: \(s)"
        case .tooFewTokens(let n, let k): return "only \(n) tokens were recorded, fewer than k = \(k) clusters; lower --k or record more tokens"
        case .insufficientDisk(let d, let needed, let free):
            return "the probe needs about \(needed) bytes in \(d) but only \(free) are free; free space, record fewer tokens (--tokens, --max-windows) or choose another --out"
        case .mergeRefused(let s): return "cannot merge the shards: \(s)"
        case .notAProbe(let p, let m): return "\(p) has no \(m)"
        case .cancelled: return "the probe was stopped; run it again with the same settings to continue"
        }
    }
}
