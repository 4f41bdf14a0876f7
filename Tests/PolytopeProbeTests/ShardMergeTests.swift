import Foundation
import PolytopeBuiltins
import PolytopeModel
import PolytopeProbe
import XCTest

/// `probe --shard I/N` + `merge` reproduce the single run byte for byte (codes, tokens, state),
/// for every sampling mode and N = 1, 2, 3, 7 (7 shards of a short corpus include shards of one
/// batch), with shards run at different thread counts.
final class ShardMergeTests: XCTestCase {
    struct Setup {
        var dir: URL
        var modelPath: String
        var model: Model
        var corpus: URL
    }

    static let setup: Setup = {
        let dir = ProbeFixtures.tempDir("shard-merge")
        let modelPath = try! ProbeFixtures.tinyModel(in: dir)
        let corpus = try! ProbeFixtures.smallCorpus(in: dir, bytes: 3_000)
        return Setup(dir: dir, modelPath: modelPath, model: try! Model.load(path: modelPath, registry: .builtins()), corpus: corpus)
    }()

    func config(_ sampling: TokenSampling, shard: ProbeShard?, threads: Int, activations: Bool = false, stride: Int? = nil) -> ProbeConfig {
        let s = Self.setup
        var c = ProbeConfig(modelPath: s.modelPath, corpusPaths: [s.corpus.path])
        c.layers = [0, 1]
        c.sampling = sampling
        c.batchWindows = 2
        c.contextLength = 32
        c.stride = stride
        c.threads = threads
        c.keepActivations = activations
        c.shard = shard
        return c
    }

    @discardableResult
    func collect(_ config: ProbeConfig, into dir: URL) throws -> CollectionResult {
        let s = Self.setup
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return try Collector(config: config, model: s.model, tokenizer: try ModelTokenizer.make(for: s.model),
                             corpus: try Corpus(paths: [s.corpus.path]), directory: ProbeDirectory(dir)).run(restart: false)
    }

    /// The files that must be equal byte for byte, and the state without its timing.
    func compare(_ single: URL, _ merged: URL, activations: Bool, _ tag: String) throws {
        var files = ["codes-layer0.plcodes", "codes-layer1.plcodes", "tokens.bin"]
        if activations { files += ["activations-layer0.f32", "activations-layer1.f32"] }
        for f in files {
            let a = try Data(contentsOf: single.appendingPathComponent(f)), b = try Data(contentsOf: merged.appendingPathComponent(f))
            XCTAssertTrue(a == b, "\(tag): \(f) differs (\(a.count) vs \(b.count) bytes)")
        }
        var a = try XCTUnwrap(try ProbeDirectory(single).state()), b = try XCTUnwrap(try ProbeDirectory(merged).state())
        a.secondsCollecting = 0
        b.secondsCollecting = 0
        XCTAssertEqual(a, b, "\(tag): probe-state.json differs")
        XCTAssertNil(a.fingerprint["shard"])
    }

    func checkMode(_ name: String, _ sampling: TokenSampling, activations: Bool = false, stride: Int? = nil,
                   counts: [Int] = [1, 2, 3, 7]) throws {
        let base = Self.setup.dir.appendingPathComponent(name)
        let single = base.appendingPathComponent("single")
        let whole = try collect(config(sampling, shard: nil, threads: 2, activations: activations, stride: stride), into: single)
        XCTAssertGreaterThan(whole.rows, 20, "\(name): too few rows to test anything")
        XCTAssertGreaterThanOrEqual(whole.windows / 2, 7, "\(name): fewer batches than shards")
        for n in counts {
            var dirs: [URL] = []
            var rows: [Int] = []
            for i in 0..<n {
                let d = base.appendingPathComponent("n\(n)/shard-\(i)")
                let r = try collect(config(sampling, shard: try ProbeShard(index: i, count: n), threads: 1 + i % 3,
                                           activations: activations, stride: stride), into: d)
                rows.append(r.rows)
                dirs.append(d)
            }
            XCTAssertEqual(rows.reduce(0, +), whole.rows, "\(name) N=\(n): shard rows do not add up")
            if n > 1 { XCTAssertGreaterThan(rows.filter { $0 > 0 }.count, 1, "\(name) N=\(n): all rows landed in one shard") }
            let merged = base.appendingPathComponent("n\(n)/merged")
            let result = try ShardMerge.merge(dirs.reversed(), into: merged)   // order of the arguments does not matter
            XCTAssertEqual(result.rows, whole.rows)
            try compare(single, merged, activations: activations, "\(name) N=\(n)")
        }
    }

    func testAllTokens() throws { try checkMode("all", .all) }
    func testPaperSampling() throws { try checkMode("paper", .evenlySpaced(perWindow: 3, skip: 4), activations: true) }
    func testRandomSample() throws { try checkMode("random", .random(size: 150, skip: 2, seed: 11)) }
    func testOverlappingWindows() throws { try checkMode("stride", .evenlySpaced(perWindow: 2, skip: 0), stride: 12, counts: [3, 7]) }

    /// Shards cover the windows exactly once, in order, whole batches each, balanced by tokens.
    func testSplitIsContiguousWholeBatches() throws {
        let tokens = [64, 64, 64, 30, 64, 64, 64, 64, 10]   // 9 batches of 4 windows, the last short
        for n in 1...12 {
            var next = 0
            for i in 0..<n {
                let r = try ProbeShard(index: i, count: n).windowRange(batchTokens: tokens, batchWindows: 4, totalWindows: 34)
                XCTAssertEqual(r.lowerBound, next, "N=\(n) shard \(i) does not start where the previous ended")
                XCTAssertTrue(r.lowerBound % 4 == 0 || r.isEmpty, "N=\(n) shard \(i) starts inside a batch")
                next = r.upperBound
            }
            XCTAssertEqual(next, 34, "N=\(n): the shards do not reach the last window")
        }
        // Two shards of unequal batches: the cut falls where half the tokens lie before it.
        XCTAssertEqual(try ProbeShard(index: 0, count: 2).windowRange(batchTokens: [100, 10, 10, 10, 10, 100], batchWindows: 1,
                                                                     totalWindows: 6), 0..<3)
    }

    func testShardSpecFromTheScheduler() throws {
        let slurm = ["SLURM_ARRAY_TASK_ID": "3", "SLURM_ARRAY_TASK_COUNT": "8", "JOB_COMPLETION_INDEX": "5"]
        XCTAssertEqual(try ProbeShard.parse("2/4", environment: slurm), try ProbeShard(index: 2, count: 4))
        XCTAssertEqual(try ProbeShard.parse("/10", environment: slurm), try ProbeShard(index: 3, count: 10))
        XCTAssertEqual(try ProbeShard.parse("auto", environment: slurm), try ProbeShard(index: 3, count: 8))
        XCTAssertEqual(try ProbeShard.parse("/6", environment: ["JOB_COMPLETION_INDEX": "5"]), try ProbeShard(index: 5, count: 6))
        XCTAssertThrowsError(try ProbeShard.parse("/6", environment: [:]))
        XCTAssertThrowsError(try ProbeShard.parse("auto", environment: ["JOB_COMPLETION_INDEX": "1"]))
        XCTAssertThrowsError(try ProbeShard.parse("4/4", environment: [:]))
        XCTAssertThrowsError(try ProbeShard.parse("x/4", environment: [:]))
        XCTAssertThrowsError(try ProbeShard.parse("1/0", environment: [:]))
    }

    /// A shard killed (SIGKILL) mid-collection and rerun resumes, and the merge still equals the
    /// single run: each shard is resumable on its own.
    func testKilledShardResumes() throws {
        let s = Self.setup
        let base = s.dir.appendingPathComponent("killed")
        func args(_ out: URL, shard: String? = nil) -> [String] {
            ["probe", "--model", s.modelPath, "--corpus", s.corpus.path, "--layer", "1", "--context", "32", "--batch", "1",
             "--threads", "1", "--quiet", "--tokens", "all", "--out", out.path] + (shard.map { ["--shard", $0] } ?? [])
        }
        let single = base.appendingPathComponent("single")
        XCTAssertEqual(try ProbeFixtures.run(args(single) + ["--k", "2"]).0, 0)
        var dirs: [URL] = []
        var interrupted = false
        for i in 0..<3 {
            let d = base.appendingPathComponent("s\(i)")
            dirs.append(d)
            if i == 1 {
                let killed = try ProbeFixtures.runAndKill(args(d, shard: "1/3"), when: {
                    guard let st = (try? ProbeDirectory(d).state()) ?? nil, let info = (try? ShardInfo.read(dir: d)) ?? nil else { return false }
                    return st.windowsDone > info.firstWindow
                }, jitter: 0.02)
                if killed, let st = try ProbeDirectory(d).state(), !st.collectionComplete { interrupted = true }
                XCTAssertThrowsError(try ShardMerge.merge([base.appendingPathComponent("s0"), d], into: base.appendingPathComponent("early")))
            }
            let (status, err) = try ProbeFixtures.run(args(d, shard: "\(i)/3"))
            XCTAssertEqual(status, 0, err)
        }
        XCTAssertTrue(interrupted, "the kill did not land in the middle of shard 1's collection; the test proved too little")
        let merged = base.appendingPathComponent("merged")
        _ = try ShardMerge.merge(dirs, into: merged)
        for f in ["codes-layer1.plcodes", "tokens.bin"] {
            XCTAssertTrue(try Data(contentsOf: single.appendingPathComponent(f)) == Data(contentsOf: merged.appendingPathComponent(f)),
                          "\(f) differs after a killed and resumed shard")
        }
    }
}
