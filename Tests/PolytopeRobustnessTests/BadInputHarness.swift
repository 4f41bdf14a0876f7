import Foundation
import PolytopeArchitectures
import PolytopeModel
import PolytopeTestSupport
import XCTest

/// One broken input: how to make it, the command that must refuse it, and what the one-line
/// message must contain.
struct BadInput {
    /// What the case breaks (shown on failure).
    var name: String
    /// Distinctive fragments of the error line (the what and the where).
    var expect: [String]
    /// Builds the broken files inside the case's workspace and returns the command to run.
    var make: (Workspace) throws -> Invocation
}

/// A case could not build its input (a bug in the test, not in polytope).
struct BadInputSetupError: Error, CustomStringConvertible { var description: String }

/// A `polytope` command line plus how to run it.
struct Invocation {
    var args: [String]
    /// Run under `ulimit -f` with this many 512-byte blocks, SIGXFSZ ignored (a full disk).
    var fileSizeLimitBlocks: Int? = nil
    /// Files the command may create even though it fails (e.g. a probe's state in a fresh
    /// output folder); paths relative to the workspace.
    var mayCreate: [String] = []

    init(_ args: [String], fileSizeLimitBlocks: Int? = nil, mayCreate: [String] = []) {
        self.args = args
        self.fileSizeLimitBlocks = fileSizeLimitBlocks
        self.mayCreate = mayCreate
    }
}

/// A fresh temporary folder for one case, with helpers to write files into it.
struct Workspace {
    let dir: URL

    init(_ tag: String) {
        let safe = tag.map { $0.isLetter || $0.isNumber ? $0 : "-" }
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("robust-\(String(safe))-\(UUID().uuidString.prefix(8))")
        try! FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    func path(_ name: String) -> String { dir.appendingPathComponent(name).path }

    @discardableResult
    func write(_ name: String, _ data: Data) throws -> String {
        let url = dir.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try data.write(to: url)
        return url.path
    }

    @discardableResult
    func write(_ name: String, _ text: String) throws -> String { try write(name, Data(text.utf8)) }

    @discardableResult
    func write(_ name: String, bytes: [UInt8]) throws -> String { try write(name, Data(bytes)) }

    /// Writes `spec` as a model file (through the project's own writer).
    @discardableResult
    func model(_ name: String, _ spec: ModelSpec) throws -> String {
        let p = path(name)
        try ModelFile.write(spec, to: p)
        return p
    }

    /// Every regular file under the workspace with its contents.
    func snapshot() -> [String: Data] {
        var out: [String: Data] = [:]
        guard let e = FileManager.default.enumerator(atPath: dir.path) else { return out }
        while let rel = e.nextObject() as? String {
            let full = dir.appendingPathComponent(rel).path
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: full, isDirectory: &isDir), !isDir.boolValue,
               let d = FileManager.default.contents(atPath: full) {
                out[rel] = d
            }
        }
        return out
    }
}

/// Shared fixtures: the tiny GPT-2 ReLU checkpoint imported once, its bytes, its tokenizer files.
enum Robust {
    static let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let checkpoint = repoRoot.appendingPathComponent("Tests/Fixtures/runtime/gpt2-relu")

    /// The tiny model as a spec with inline weights.
    static let tinySpec: ModelSpec = {
        let ws = Workspace("tiny")
        return try! HFImporter.convert(directory: checkpoint.path, options: .init(outputPath: ws.path("tiny.pb")))
    }()

    /// The tiny model's file bytes.
    static let tinyBytes: Data = {
        let ws = Workspace("tiny-bytes")
        return try! Data(contentsOf: URL(fileURLWithPath: try! ws.model("tiny.pb", tinySpec)))
    }()

    /// The first node that has a parameter, with that parameter's role and tensor index.
    static func firstParam(_ spec: ModelSpec, role wanted: String? = nil) -> (node: Int, role: String, tensor: Int) {
        for (i, n) in spec.nodes.enumerated() {
            for (role, t) in n.params.sorted(by: { $0.key < $1.key }) where wanted == nil || role == wanted {
                if let ti = spec.tensors.firstIndex(where: { $0.name == t }) { return (i, role, ti) }
            }
        }
        fatalError("no parameter")
    }

    static func f32(_ values: [Float]) -> Data {
        var d = Data(capacity: values.count * 4)
        for v in values { withUnsafeBytes(of: v.bitPattern.littleEndian) { d.append(contentsOf: $0) } }
        return d
    }

    /// The `polytope` executable built beside the test bundle.
    static func polytopeBinary() throws -> String {
        if let path = BuildProducts.find("polytope", executable: true) { return path }
        throw XCTSkip(BuildProducts.missing("polytope"))
    }

    /// `cc` on PATH, or nil.
    static let cc: String? = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/cc" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }()

    /// Compiles C `source` into `lib<name>.so` inside `ws` against the plugin ABI header.
    static func compilePlugin(_ ws: Workspace, _ name: String, _ source: String) throws -> String {
        guard let cc else { throw XCTSkip("no `cc` on PATH: cannot build test plugins") }
        let src = try ws.write("\(name).c", source)
        let lib = ws.path("lib\(name).so")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: cc)
        p.arguments = ["-shared", "-fPIC", "-I", repoRoot.appendingPathComponent("Sources/CPolytopePlugin/include").path, src, "-o", lib]
        try p.run()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { throw XCTSkip("cc failed for \(name).c") }
        try FileManager.default.removeItem(atPath: src)
        return lib
    }

    struct Outcome {
        var status: Int32
        var reason: Process.TerminationReason
        var stderr: String
    }

    /// Whether this build runs under ThreadSanitizer (`swift test --sanitize=thread`, which
    /// builds `polytope` the same way). TSan's runtime dies with SIGBUS at start-up under a small
    /// RLIMIT_FSIZE, so the full-disk cases cannot run there.
    static let underThreadSanitizer: Bool = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "__tsan_init") != nil

    /// Runs `polytope` (optionally under a file-size limit) with no stdin, stdout discarded.
    static func run(_ inv: Invocation, in ws: Workspace) throws -> Outcome {
        let p = Process()
        let bin = try polytopeBinary()
        if let blocks = inv.fileSizeLimitBlocks {
            if underThreadSanitizer { throw XCTSkip("a file-size limit kills ThreadSanitizer's runtime") }
            p.executableURL = URL(fileURLWithPath: "/bin/sh")
            p.arguments = ["-c", "ulimit -f \(blocks) && trap '' XFSZ && exec \"$0\" \"$@\"", bin] + inv.args
        } else {
            p.executableURL = URL(fileURLWithPath: bin)
            p.arguments = inv.args
        }
        p.currentDirectoryURL = ws.dir
        var env = ProcessInfo.processInfo.environment
        env["POLYTOPE_PLUGIN_PATH"] = nil
        env["POLYTOPE_MODEL"] = nil
        p.environment = env
        let err = Pipe()
        p.standardError = err
        p.standardOutput = FileHandle.nullDevice
        p.standardInput = FileHandle.nullDevice
        try p.run()
        let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        return Outcome(status: p.terminationStatus, reason: p.terminationReason, stderr: text)
    }

    /// Runs one case and checks every rule; returns the error line for the summary.
    @discardableResult
    static func check(_ c: BadInput, file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let ws = Workspace(c.name)
        defer { try? FileManager.default.removeItem(at: ws.dir) }
        let inv = try c.make(ws)
        let before = ws.snapshot()
        let out = try run(inv, in: ws)
        let tag = "[\(c.name)]"
        XCTAssertEqual(out.reason, .exit, "\(tag) terminated by signal \(out.status); stderr: \(out.stderr)", file: file, line: line)
        XCTAssertNotEqual(out.status, 0, "\(tag) exit status 0; stderr: \(out.stderr)", file: file, line: line)
        let lines = out.stderr.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
        XCTAssertEqual(lines.count, 1, "\(tag) stderr is not one line:\n\(out.stderr)", file: file, line: line)
        let first = lines.first ?? ""
        XCTAssertTrue(first.hasPrefix("Error: "), "\(tag) stderr does not start with 'Error: ': \(first)", file: file, line: line)
        for f in c.expect {
            XCTAssertTrue(first.contains(f), "\(tag) '\(f)' not in: \(first)", file: file, line: line)
        }
        XCTAssertFalse(first.contains("Fatal error") || first.contains("Swift/"), "\(tag) a trap: \(first)", file: file, line: line)
        // Nothing half-written: every file is as before, and only the allowed files are new.
        let after = ws.snapshot()
        for (rel, data) in before where after[rel] != data {
            XCTFail("\(tag) \(rel) was changed or removed by a failed command", file: file, line: line)
        }
        for rel in after.keys where before[rel] == nil && !inv.mayCreate.contains(where: { rel.hasPrefix($0) }) {
            XCTFail("\(tag) a failed command left \(rel) behind", file: file, line: line)
        }
        return first
    }
}
