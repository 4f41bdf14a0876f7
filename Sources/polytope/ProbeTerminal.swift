import PolytopeProbe

/// Shows a probe's progress on the terminal: status lines and a progress bar on stderr.
final class ProbeTerminal {
    let log: Log
    let quiet: Bool
    var bar: ProgressBar?

    init(quiet: Bool) {
        self.quiet = quiet
        log = Log(quiet: quiet)
    }

    var handler: ProbeProgress {
        { [self] event in
            switch event {
            case .status(let s): log(s)
            case .collecting(let done, let total, let resumed):
                if bar == nil {
                    bar = ProgressBar(label: "probe", total: total, unit: "tokens", quiet: quiet)
                    bar?.initial = resumed
                }
                bar?.update(done)
            case .collected:
                bar?.finish()
                bar = nil
            }
        }
    }
}
