import Foundation
import PolytopeCodes
import PolytopeIO
import XCTest

/// Runs exactly the shell blocks of docs/plugins.md's walkthrough (write a kind in C, build it,
/// check it, make a model with the authoring commands, probe it) and checks the probe's codes
/// against thermometer bits computed here, independently of the probe's code path, from the
/// pre-activations `polytope run` saved: code = np.packbits([pre > 0, pre > cap] per unit).
final class WalkthroughTests: XCTestCase {
    /// The ```sh blocks between "## Walkthrough" and the next "## " heading.
    static func walkthroughCommands() throws -> [String] {
        let doc = try String(contentsOf: ProbeFixtures.repoRoot.appendingPathComponent("docs/plugins.md"), encoding: .utf8)
        guard let start = doc.range(of: "\n## Walkthrough") else { throw XCTSkip("docs/plugins.md has no walkthrough") }
        let rest = doc[start.upperBound...]
        let section = rest.range(of: "\n## ").map { rest[..<$0.lowerBound] } ?? rest
        var blocks: [String] = [], current: [Substring]? = nil
        for line in section.split(separator: "\n", omittingEmptySubsequences: false) {
            if current == nil, line == "```sh" { current = [] } else if current != nil, line == "```" {
                blocks.append(current!.joined(separator: "\n"))
                current = nil
            } else if current != nil { current!.append(line) }
        }
        return blocks
    }

    func testTheWalkthroughRunsAndItsCodesAreThermometerBitsOfTheSavedPreActivations() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/cc") || FileManager.default.isExecutableFile(atPath: "/usr/local/bin/cc") else {
            throw XCTSkip("no C compiler: the walkthrough compiles a plugin")
        }
        let blocks = try Self.walkthroughCommands()
        XCTAssertGreaterThanOrEqual(blocks.count, 4, "write, build + check, model, probe")
        let binDir = (try ProbeFixtures.polytopeBinary() as NSString).deletingLastPathComponent
        let tmp = ProbeFixtures.tempDir("walkthrough")
        let script = tmp.appendingPathComponent("walkthrough.sh")
        try ("set -euo pipefail\n" + blocks.joined(separator: "\n") + "\n").write(to: script, atomically: true, encoding: .utf8)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/bash")
        p.arguments = [script.path]
        p.currentDirectoryURL = ProbeFixtures.repoRoot
        var env = ProcessInfo.processInfo.environment
        env["PATH"] = binDir + ":" + (env["PATH"] ?? "/usr/bin:/bin")
        env["TMPDIR"] = tmp.path  // the walkthrough's `mktemp -d` lands here
        env.removeValue(forKey: "POLYTOPE_PLUGIN_PATH")
        p.environment = env
        let out = Pipe()
        p.standardOutput = out
        p.standardError = out
        try p.run()
        let log = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0, log)
        XCTAssertTrue(log.contains("ok    clipped_relu@1:"), "plugin check passed: \(log)")
        XCTAssertTrue(log.contains("takes: x[d]; attrs cap: float = 6.0"), "inspect shows the schema: \(log)")

        let work = try XCTUnwrap(try FileManager.default.contentsOfDirectory(at: tmp, includingPropertiesForKeys: nil)
            .first { $0.hasDirectoryPath }, "the walkthrough's work folder")
        let pre = try NPYArray.read(from: work.appendingPathComponent("hooks/blocks.1.mlp.hook_pre.npy"))
        let values = try pre.floats()
        let (rows, units) = (pre.shape[0], pre.shape[1])
        let knots: [Float] = [0, 1.0]  // clipped_relu at layer 1 with --set blocks.1.mlp.hook_post:cap=1.0
        let stride = (units * knots.count + 7) / 8
        var expected = [UInt8](repeating: 0, count: rows * stride)
        for r in 0..<rows {
            for u in 0..<units {
                for (k, knot) in knots.enumerated() where values[r * units + u] > knot {
                    let bit = u * knots.count + k
                    expected[r * stride + bit / 8] |= UInt8(0x80) >> UInt8(bit % 8)
                }
            }
        }
        XCTAssertTrue(values.contains { $0 > 1 } && values.contains { $0 > 0 && $0 <= 1 }, "both knots matter on this text")
        let codes = try NPYArray.read(from: work.appendingPathComponent("probe/codes-layer1.npy"))
        XCTAssertEqual(codes.shape, [rows, stride], "1024-bit codes: 512 units x 2 knots")
        let got = try codes.uint8s()
        XCTAssertEqual(got.count, expected.count)
        XCTAssertTrue(got == expected, "codes differ from packbits(pre > knot) at \(zip(got, expected).enumerated().filter { $0.1.0 != $0.1.1 }.count) bytes")

        // The probe's rows are the run's tokens, in order: same ids, positions 0..<rows.
        let ids = try String(contentsOf: work.appendingPathComponent("ids.txt"), encoding: .utf8)
            .split(whereSeparator: { $0 == " " || $0 == "\n" }).map { UInt32($0)! }
        let tokens = try Data(contentsOf: work.appendingPathComponent("probe/tokens.bin"))
        XCTAssertEqual(tokens.count, rows * 40)
        XCTAssertEqual(ids.count, rows)
        for r in 0..<rows {
            let rec = tokens.subdata(in: r * 40..<(r + 1) * 40)
            let position = rec.subdata(in: 8..<12).withUnsafeBytes { $0.loadUnaligned(as: UInt32.self).littleEndian }
            let id = rec.subdata(in: 12..<16).withUnsafeBytes { $0.loadUnaligned(as: UInt32.self).littleEndian }
            XCTAssertEqual(position, UInt32(r))
            XCTAssertEqual(id, ids[r])
        }
    }
}
