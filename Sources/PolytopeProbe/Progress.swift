import Foundation

/// A one-line progress bar on stderr: done / total, rate, time left. When stderr is not a
/// terminal (a log file, a Slurm job) a plain line with the same numbers every
/// `logInterval` seconds instead; nothing when quiet.
public final class ProgressBar: @unchecked Sendable {
    let label: String
    let total: Int
    let unit: String
    let enabled: Bool
    /// stderr is a terminal: redraw one line in place.
    let terminal: Bool
    /// Seconds between plain progress lines when stderr is not a terminal (default 30).
    let logInterval: Double
    let write: @Sendable (String) -> Void
    let start = Date()
    var lastDraw = Date.distantPast
    /// Work already done before this run (a resumed probe): not counted in the rate.
    public var initial = 0

    /// `terminal` and `write` default to stderr (whether it is a terminal, and writing to it).
    public init(label: String, total: Int, unit: String = "tokens", quiet: Bool, terminal: Bool? = nil,
                logInterval: Double = 30, write: @escaping @Sendable (String) -> Void = { FileHandle.standardError.write(Data($0.utf8)) }) {
        self.label = label
        self.total = total
        self.unit = unit
        self.terminal = terminal ?? (isatty(STDERR_FILENO) == 1)
        self.enabled = !quiet
        self.logInterval = logInterval
        self.write = write
        if !self.terminal { lastDraw = start }
    }

    public func update(_ done: Int, force: Bool = false) {
        guard enabled else { return }
        let now = Date()
        guard force || now.timeIntervalSince(lastDraw) > (terminal ? 0.1 : logInterval) else { return }
        lastDraw = now
        let elapsed = now.timeIntervalSince(start)
        let rate = elapsed > 0 ? Double(done - initial) / elapsed : 0
        let frac = total > 0 ? min(1, Double(done) / Double(total)) : 0
        let width = 28
        let filled = Int(frac * Double(width))
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        let left = rate > 0 && total > done ? ProgressBar.duration(Double(total - done) / rate) : "--"
        guard terminal else {
            let percent = total > 0 ? " (\(Int(frac * 100))%)" : ""
            write("\(label): \(done)/\(total) \(unit)\(percent), \(Int(rate)) \(unit)/s, \(left) left\n")
            return
        }
        let line = "\(label) \(bar) \(done)/\(total) \(unit)  \(Int(rate)) \(unit)/s  \(left) left"
        write("\r\u{1B}[2K" + line)
    }

    public func finish() {
        guard enabled, terminal else { return }
        write("\r\u{1B}[2K")
    }

    static func duration(_ s: Double) -> String {
        let t = Int(s.rounded())
        return t >= 3600 ? "\(t / 3600)h\(t % 3600 / 60)m" : t >= 60 ? "\(t / 60)m\(t % 60)s" : "\(t)s"
    }
}

/// Status lines on stderr (not with --quiet).
public struct Log: Sendable {
    public let quiet: Bool
    public init(quiet: Bool) { self.quiet = quiet }
    public func callAsFunction(_ s: String) {
        guard !quiet else { return }
        FileHandle.standardError.write(Data((s + "\n").utf8))
    }
}
