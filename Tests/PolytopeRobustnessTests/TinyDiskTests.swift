import Foundation
import XCTest

/// A real full disk: a 64 KiB tmpfs mounted over the output folder (needs root and mount
/// rights; skipped otherwise). Writes that cannot fit are refused before they start, with the
/// sizes; writes that run out part way fail with one line; old files stay intact either way.
final class TinyDiskTests: XCTestCase {
    /// Mounts a tmpfs of `size` on a fresh folder for `body`, then unmounts it.
    func withTinyDisk(_ size: String = "64k", _ body: (Workspace) throws -> Void) throws {
        let disk = Workspace("tiny-disk")
        defer { try? FileManager.default.removeItem(at: disk.dir) }
        func mount(_ args: [String]) -> Int32 {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/bin/" + args[0])
            p.arguments = Array(args.dropFirst())
            p.standardError = FileHandle.nullDevice
            p.standardOutput = FileHandle.nullDevice
            guard (try? p.run()) != nil else { return -1 }
            p.waitUntilExit()
            return p.terminationStatus
        }
        guard FileManager.default.isExecutableFile(atPath: "/bin/mount"),
              mount(["mount", "-t", "tmpfs", "-o", "size=\(size)", "tmpfs", disk.dir.path]) == 0 else {
            throw XCTSkip("cannot mount a tmpfs here (needs root and mount rights)")
        }
        defer { _ = mount(["umount", disk.dir.path]) }
        try body(disk)
    }

    /// Runs one case whose outputs go to `disk` and inputs to another folder.
    func check(_ name: String, _ expect: [String], disk: Workspace, _ make: @escaping (Workspace, Workspace) throws -> Invocation) throws {
        let inputs = Workspace("tiny-disk-inputs")
        defer { try? FileManager.default.removeItem(at: inputs.dir) }
        let before = disk.snapshot()
        let inv = try make(inputs, disk)
        let out = try Robust.run(inv, in: inputs)
        XCTAssertEqual(out.reason, .exit, "[\(name)] \(out.stderr)")
        XCTAssertNotEqual(out.status, 0, "[\(name)] \(out.stderr)")
        if ProcessInfo.processInfo.environment["POLYTOPE_ROBUST_VERBOSE"] != nil { print("\(name): \(out.stderr)", terminator: "") }
        let lines = out.stderr.split(separator: "\n")
        XCTAssertEqual(lines.count, 1, "[\(name)] \(out.stderr)")
        for f in expect { XCTAssertTrue(out.stderr.contains(f), "[\(name)] '\(f)' not in: \(out.stderr)") }
        let after = disk.snapshot()
        for (rel, data) in before { XCTAssertEqual(after[rel], data, "[\(name)] \(rel) changed") }
        for rel in after.keys where before[rel] == nil && !inv.mayCreate.contains(where: { rel.hasPrefix($0) }) {
            XCTFail("[\(name)] left \(rel) behind")
        }
    }

    func testWritesThatCannotFitAreRefusedWithTheSizes() throws {
        try withTinyDisk { disk in
            try check("import into a 64 KiB disk", ["m.pb", "needs 18", "bytes but only", "free"], disk: disk) { _, disk in
                Invocation(["import", Robust.checkpoint.path, "-o", disk.path("m.pb")])
            }
            try disk.write("m.pb", "the previous model\n")
            try check("import over an old model", ["m.pb", "needs 18"], disk: disk) { _, disk in
                Invocation(["import", Robust.checkpoint.path, "-o", disk.path("m.pb")])
            }
            try disk.write("filler", Data(count: 60 * 1024))
            try check("run with 4 KiB left", ["logits.npy", "needs", "free"], disk: disk) { inputs, disk in
                Invocation(["run", "--model", try inputs.model("tiny.pb", Robust.tinySpec), "--ids", "1,2,3,4,5,6,7,8",
                            "--hook", "logits", "--out", disk.path("out")], mayCreate: ["out/"])
            }
        }
    }

    /// A probe estimates its outputs from the corpus before it starts and refuses, with the
    /// numbers, a disk that cannot hold them. (A disk that fills part way anyway, ENOSPC
    /// mid-append, is covered with a file-size limit in NothingLostTests.)
    func testProbeThatCannotFitIsRefusedWithTheSizes() throws {
        try withTinyDisk("32k") { disk in
            try check("probe on a 32 KiB disk", ["needs about", "bytes in", "free"], disk: disk) { inputs, disk in
                let text = String(repeating: "It is a truth universally acknowledged, that a single man in possession. ", count: 300)
                return Invocation(["probe", "--model", try inputs.model("tiny.pb", Robust.tinySpec), "--corpus", try inputs.write("c/a.txt", text),
                                   "--out", disk.path("out"), "--quiet", "--k", "2", "--tokens", "all"], mayCreate: ["out/"])
            }
        }
    }
}
