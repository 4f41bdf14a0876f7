import Foundation
import PolytopeBuiltins
import PolytopeArchitectures
import PolytopeModel
import PolytopeTestSupport
import XCTest

/// A small model (the tiny GPT-2 ReLU fixture, imported) and a small corpus for probe tests.
enum ProbeFixtures {
    static let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func tempDir(_ tag: String) -> URL {
        let u = FileManager.default.temporaryDirectory.appendingPathComponent("\(tag)-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: u, withIntermediateDirectories: true)
        return u
    }

    /// Imports Tests/Fixtures/runtime/gpt2-relu into `dir/tiny.pb`.
    static func tinyModel(in dir: URL) throws -> String {
        let out = dir.appendingPathComponent("tiny.pb").path
        let spec = try HFImporter.convert(directory: repoRoot.appendingPathComponent("Tests/Fixtures/runtime/gpt2-relu").path,
                                          options: .init(outputPath: out))
        try ModelFile.write(spec, to: out)
        return out
    }

    /// Two documents cut from the Austen corpus (`bytes` each), as .txt files in `dir/corpus`.
    static func smallCorpus(in dir: URL, bytes: Int = 12_000) throws -> URL {
        let c = dir.appendingPathComponent("corpus")
        try FileManager.default.createDirectory(at: c, withIntermediateDirectories: true)
        let files = try FileManager.default.contentsOfDirectory(atPath: repoRoot.appendingPathComponent("corpora/austen").path)
            .filter { $0.hasSuffix(".txt") }.sorted().prefix(2)
        for f in files {
            let data = try Data(contentsOf: repoRoot.appendingPathComponent("corpora/austen/\(f)"))
            var cut = Array(data.prefix(bytes))
            while let last = cut.last, last & 0xC0 == 0x80 || last >= 0xC0 { cut.removeLast() }
            try Data(cut).write(to: c.appendingPathComponent(f))
        }
        return c
    }

    /// The `polytope` executable built beside the test bundle.
    static func polytopeBinary() throws -> String {
        if let path = BuildProducts.find("polytope", executable: true) { return path }
        XCTFail(BuildProducts.missing("polytope"))
        throw CocoaError(.fileNoSuchFile)
    }

    /// Runs `polytope` and kills it with SIGKILL as soon as `when` holds (polled every 5 ms),
    /// plus a random extra delay of up to `jitter` seconds; returns whether it was killed.
    static func runAndKill(_ args: [String], when: () -> Bool, jitter: Double, timeout: Double = 120) throws -> Bool {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: try polytopeBinary())
        p.arguments = args
        p.standardError = FileHandle.nullDevice
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        let deadline = Date().addingTimeInterval(timeout)
        var killed = false
        while p.isRunning, Date() < deadline {
            if when() {
                Thread.sleep(forTimeInterval: Double.random(in: 0...jitter))
                if p.isRunning { kill(p.processIdentifier, SIGKILL); killed = true }
                break
            }
            Thread.sleep(forTimeInterval: 0.005)
        }
        p.waitUntilExit()
        return killed
    }

    /// Runs `polytope` with arguments; returns (exit status, stderr).
    @discardableResult
    static func run(_ args: [String], killAfter: Double? = nil) throws -> (Int32, String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: try polytopeBinary())
        p.arguments = args
        let err = Pipe()
        p.standardError = err
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        if let killAfter {
            Thread.sleep(forTimeInterval: killAfter)
            if p.isRunning { kill(p.processIdentifier, SIGKILL) }
        }
        let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        return (p.terminationStatus, text)
    }
}
