import Foundation
import PolytopeProbe
import XCTest

/// Progress on a terminal redraws one line; elsewhere (a log file, a Slurm job) it writes a
/// plain line at most every `logInterval` seconds; quiet writes nothing.
final class ProgressBarTests: XCTestCase {
    final class Sink: @unchecked Sendable {
        let lock = NSLock()
        var lines: [String] = []
        func add(_ s: String) { lock.lock(); lines.append(s); lock.unlock() }
    }

    func testPlainLinesWhenNotATerminal() throws {
        let sink = Sink()
        let bar = ProgressBar(label: "probe", total: 200, quiet: false, terminal: false, logInterval: 0.05, write: { sink.add($0) })
        bar.update(10)
        XCTAssertTrue(sink.lines.isEmpty, "no line before the first interval")
        Thread.sleep(forTimeInterval: 0.1)
        bar.update(100)
        bar.update(110)
        XCTAssertEqual(sink.lines.count, 1, "at most one line per interval: \(sink.lines)")
        let line = try XCTUnwrap(sink.lines.first)
        XCTAssertTrue(line.hasPrefix("probe: 100/200 tokens (50%), ") && line.hasSuffix(" left\n"), line)
        XCTAssertFalse(line.contains("\u{1B}"), "no terminal escapes in a log")
        bar.finish()
        XCTAssertEqual(sink.lines.count, 1)
    }

    func testTerminalRedrawsAndQuietIsSilent() {
        let sink = Sink()
        let bar = ProgressBar(label: "probe", total: 200, quiet: false, terminal: true, write: { sink.add($0) })
        bar.update(50)
        XCTAssertEqual(sink.lines.count, 1)
        XCTAssertTrue(sink.lines[0].hasPrefix("\r\u{1B}[2Kprobe ") && sink.lines[0].contains("50/200 tokens"), sink.lines[0])
        let quiet = Sink()
        let q = ProgressBar(label: "probe", total: 200, quiet: true, terminal: false, logInterval: 0, write: { quiet.add($0) })
        q.update(100, force: true)
        q.finish()
        XCTAssertTrue(quiet.lines.isEmpty)
    }
}
