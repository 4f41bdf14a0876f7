import Foundation
import XCTest

/// A write that fails part way (the disk fills: RLIMIT_FSIZE with SIGXFSZ ignored) loses
/// nothing: finished outputs stay byte-identical, and a probe stopped by a full disk resumes,
/// once there is room, to the same codes as a run that never failed.
final class NothingLostTests: XCTestCase {
    func probeArgs(_ ws: Workspace, model: String, corpus: String, out: String) -> [String] {
        ["probe", "--model", model, "--corpus", corpus, "--out", ws.path(out), "--quiet", "--k", "3", "--batch", "2"]
    }

    func corpus(_ ws: Workspace, bytes: Int) throws -> String {
        let austen = Robust.repoRoot.appendingPathComponent("corpora/austen")
        let first = try FileManager.default.contentsOfDirectory(atPath: austen.path).filter { $0.hasSuffix(".txt") }.sorted()[0]
        var cut = Array(try Data(contentsOf: austen.appendingPathComponent(first)).prefix(bytes))
        while let last = cut.last, last & 0xC0 == 0x80 || last >= 0xC0 { cut.removeLast() }
        return try ws.write("c/doc.txt", Data(cut))
    }

    /// A completed probe, rerun with no room to write: every output is left as it was.
    func testProbeRerunOnFullDiskKeepsCompletedOutputs() throws {
        if Robust.underThreadSanitizer { throw XCTSkip("a file-size limit kills ThreadSanitizer's runtime") }
        let ws = Workspace("nothing-lost-rerun")
        defer { try? FileManager.default.removeItem(at: ws.dir) }
        let args = probeArgs(ws, model: try ws.model("tiny.pb", Robust.tinySpec), corpus: try corpus(ws, bytes: 3000), out: "out")
        let first = try Robust.run(Invocation(args), in: ws)
        XCTAssertEqual(first.status, 0, first.stderr)
        let before = ws.snapshot()
        XCTAssertNotNil(before["out/clusters.json"])
        let second = try Robust.run(Invocation(args, fileSizeLimitBlocks: 1), in: ws)
        XCTAssertEqual(second.reason, .exit)
        XCTAssertNotEqual(second.status, 0)
        XCTAssertEqual(second.stderr.split(separator: "\n").count, 1, second.stderr)
        XCTAssertTrue(second.stderr.contains("File too large"), second.stderr)
        XCTAssertEqual(ws.snapshot(), before, "a failed rerun changed or left files")
    }

    /// A probe that runs out of disk while appending codes stops with one line; rerun with
    /// room, it ends with the same codes and labels as a run that never failed.
    func testProbeStoppedByFullDiskResumesToTheSameCodes() throws {
        if Robust.underThreadSanitizer { throw XCTSkip("a file-size limit kills ThreadSanitizer's runtime") }
        let ws = Workspace("nothing-lost-resume")
        defer { try? FileManager.default.removeItem(at: ws.dir) }
        let model = try ws.model("tiny.pb", Robust.tinySpec)
        let text = try corpus(ws, bytes: 12_000)
        let clean = try Robust.run(Invocation(probeArgs(ws, model: model, corpus: text, out: "clean")), in: ws)
        XCTAssertEqual(clean.status, 0, clean.stderr)
        let codesBytes = (ws.snapshot()["clean/codes-layer1.plcodes"] ?? Data()).count
        XCTAssertGreaterThan(codesBytes, 16 * 512, "the corpus must give a code file larger than the limit")

        let failed = try Robust.run(Invocation(probeArgs(ws, model: model, corpus: text, out: "out"), fileSizeLimitBlocks: 16), in: ws)
        XCTAssertEqual(failed.reason, .exit)
        XCTAssertNotEqual(failed.status, 0)
        XCTAssertEqual(failed.stderr.split(separator: "\n").count, 1, failed.stderr)
        XCTAssertTrue(failed.stderr.contains("File too large"), failed.stderr)
        XCTAssertNil(ws.snapshot()["out/clusters.json"], "no result from a failed run")

        let resumed = try Robust.run(Invocation(probeArgs(ws, model: model, corpus: text, out: "out")), in: ws)
        XCTAssertEqual(resumed.status, 0, resumed.stderr)
        let files = ws.snapshot()
        for name in ["codes-layer1.npy", "labels-layer1.npy", "tokens.bin"] {
            XCTAssertNotNil(files["out/\(name)"], name)
            XCTAssertEqual(files["out/\(name)"], files["clean/\(name)"], "\(name) differs from the uninterrupted run")
        }
        XCTAssertFalse(files.keys.contains { $0.contains(".tmp-") }, "temporary files left: \(files.keys.sorted())")
    }
}
