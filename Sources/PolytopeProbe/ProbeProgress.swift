/// What a running probe reports. The handler may throw (e.g. `ProbeError.cancelled` when the
/// user pressed Ctrl-C): the probe then stops at once; everything committed so far stays, and
/// the same call continues from there.
public enum ProbeEvent: Sendable, Equatable {
    /// A status line for a person ("resuming: ...", "layer 2: clustering ...").
    case status(String)
    /// Collection progress in tokens: `done` of `total`, of which `resumedFrom` were done by
    /// an earlier run (not counted in a rate).
    case collecting(done: Int, total: Int, resumedFrom: Int)
    /// Collection has finished; clustering and the report follow.
    case collected
}

public typealias ProbeProgress = (ProbeEvent) throws -> Void
