import Foundation
import PolytopeBuiltins
import PolytopeCodes
import PolytopeIO
import PolytopeModel
import PolytopeProbe
import PolytopeTokenizers
import PolytopeReport
import XCTest

/// `polytope probe` end to end on a small model and corpus: every output against its format,
/// recorded codes against an independent forward pass, and a run killed at random points and
/// resumed against an uninterrupted one, bit for bit.
final class ProbeEndToEndTests: XCTestCase {
    func testOutputsFollowTheirFormats() throws {
        let dir = ProbeFixtures.tempDir("probe-e2e")
        let model = try ProbeFixtures.tinyModel(in: dir)
        let corpus = try ProbeFixtures.smallCorpus(in: dir)
        let out = dir.appendingPathComponent("out")
        let (status, err) = try ProbeFixtures.run(["probe", "--model", model, "--corpus", corpus.path, "--layer", "1", "--k", "8",
                                                   "--per-window", "4", "--skip", "4", "--baselines", "--quiet", "--out", out.path])
        XCTAssertEqual(status, 0, err)
        for f in ["codes-layer1.plcodes", "codes-layer1.npy", "labels-layer1.npy", "tokens.bin", "clusters.json", "summary.json", "report.html", "probe-state.json"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: out.appendingPathComponent(f).path), "missing \(f)")
        }
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: out.path).filter { $0.contains(".tmp") }
        XCTAssertEqual(leftovers, [], "temporary files left behind")

        let data = try JSONDecoder().decode(ProbeReportData.self, from: Data(contentsOf: out.appendingPathComponent("clusters.json")))
        let records = try TokenTable.read(out.appendingPathComponent("tokens.bin"))
        let codes = try CodeFile.read(from: out.appendingPathComponent("codes-layer1.plcodes")).codes
        let npy = try CodeMatrix(npy: try NPYArray.read(from: out.appendingPathComponent("codes-layer1.npy")), bits: codes.bits)
        XCTAssertTrue(npy == codes, ".npy codes differ from the code file")
        XCTAssertEqual(codes.rows, records.count)
        XCTAssertEqual(data.tokensRecorded, records.count)
        XCTAssertEqual(data.layers.count, 1)
        let layer = data.layers[0]
        XCTAssertEqual(layer.clusters.count, 8)
        XCTAssertEqual(layer.clusters.reduce(0) { $0 + $1.size }, records.count)
        XCTAssertEqual(layer.measures.count, 4, "polytope + cosine + euclidean + neurons")
        let medoids = layer.clusters.map(\.medoidRow)

        // The corpus text behind every shown token is its span; members are nearest-first and
        // no member is nearer to another medoid than to its own.
        let docs = try corpusDocuments(corpus)
        for c in layer.clusters {
            XCTAssertEqual(c.medoid.distance, 0)
            XCTAssertEqual(codes.distance(c.medoidRow, c.medoidRow), 0)
            let distances = c.members.compactMap(\.distance)
            XCTAssertEqual(distances, distances.sorted())
            for m in [c.medoid] + c.members {
                let doc = docs[m.document]
                XCTAssertEqual(m.text, String(decoding: doc[m.byteStart..<m.byteEnd], as: UTF8.self))
                XCTAssertTrue(String(decoding: doc[..<m.byteStart], as: UTF8.self).hasSuffix(m.left))
            }
        }
        let labels = try NPYArray.read(from: out.appendingPathComponent("labels-layer1.npy")).int32s().map(Int.init)
        XCTAssertEqual(labels.count, codes.rows)
        var counts = [Int](repeating: 0, count: medoids.count)
        for (row, label) in labels.enumerated() {
            counts[label] += 1
            let nearest = medoids.map { codes.distance(row, $0) }.min()!
            XCTAssertEqual(codes.distance(row, medoids[label]), nearest, "row \(row) is not with a nearest medoid")
        }
        XCTAssertEqual(counts, layer.clusters.map(\.size), "cluster sizes disagree with the labels")
        for c in layer.clusters {
            let rows = try XCTUnwrap(c.memberRows)
            XCTAssertEqual(Set(rows), Set(labels.indices.filter { labels[$0] == c.id }), "member_rows of cluster \(c.id)")
            XCTAssertEqual(rows.map { codes.distance($0, c.medoidRow) }, rows.map { codes.distance($0, c.medoidRow) }.sorted())
        }

        // Recorded codes equal the sign of an independent forward pass over each token's window.
        let m = try Model.load(path: model, registry: .builtins())
        let tokenizer = try ModelTokenizer.make(for: m)
        var checked = 0
        for (row, r) in records.enumerated() where row % 7 == 0 {
            let tokens = try tokenizer.encode(docs[r.document])
            let t = try XCTUnwrap(tokens.firstIndex { $0.byteRange == r.byteStart..<r.byteEnd })
            XCTAssertEqual(tokens[t].id, r.tokenID)
            let start = t - r.position
            let ids = tokens[start..<min(start + m.spec.contextLength, tokens.count)].map { Int32($0.id) }
            let pre = try m.forward(ForwardContext(sequences: [ids]), capture: ["blocks.1.mlp.hook_pre"])["blocks.1.mlp.hook_pre"]!
            for u in 0..<pre.cols { XCTAssertEqual(codes[row, u], pre[r.position, u] > 0, "row \(row) unit \(u)") }
            checked += 1
        }
        XCTAssertGreaterThan(checked, 5)

        let summary = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("summary.json"))) as? [String: Any]
        for key in ["model", "layers", "corpus", "tokens_seen", "tokens_recorded", "hamming_kernel", "collection_seconds", "layer_timings"] {
            XCTAssertNotNil(summary?[key], "summary.json lacks \(key)")
        }
    }

    /// Kills the probe with SIGKILL at random moments, resumes, and compares with an
    /// uninterrupted run.
    func testKilledAndResumedRunRecordsIdenticalCodes() throws {
        let dir = ProbeFixtures.tempDir("probe-resume")
        let model = try ProbeFixtures.tinyModel(in: dir)
        let corpus = try ProbeFixtures.smallCorpus(in: dir, bytes: 60_000)
        func args(_ out: URL) -> [String] {
            ["probe", "--model", model, "--corpus", corpus.path, "--layer", "0", "--layer", "1", "--k", "4", "--per-window", "6",
             "--batch", "2", "--threads", "2", "--quiet", "--out", out.path]
        }
        let a = dir.appendingPathComponent("a"), b = dir.appendingPathComponent("b")
        let (status, err) = try ProbeFixtures.run(args(a))
        XCTAssertEqual(status, 0, err)

        // Each attempt is killed at a random moment after the run has committed more windows
        // than the last one had: always mid-collection, never at the same place twice.
        var interrupted = 0
        for _ in 0..<5 {
            let before = (try? ProbeDirectory(b).state())??.windowsDone ?? 0
            if (try? ProbeDirectory(b).state())??.collectionComplete == true { break }
            let killed = try ProbeFixtures.runAndKill(args(b), when: {
                guard let s = (try? ProbeDirectory(b).state()) ?? nil else { return false }
                return s.windowsDone > before || s.collectionComplete
            }, jitter: 0.05)
            if killed, let s = try ProbeDirectory(b).state(), !s.collectionComplete { interrupted += 1 }
        }
        let (status2, err2) = try ProbeFixtures.run(args(b))
        XCTAssertEqual(status2, 0, err2)
        XCTAssertGreaterThanOrEqual(interrupted, 2, "kills did not land in the middle of collection; the test proved too little")
        for f in ["codes-layer0.plcodes", "codes-layer1.plcodes", "tokens.bin"] {
            let x = try Data(contentsOf: a.appendingPathComponent(f)), y = try Data(contentsOf: b.appendingPathComponent(f))
            XCTAssertTrue(x == y, "\(f) differs after kill and resume (\(x.count) vs \(y.count) bytes)")
        }
    }

    /// A rerun with different settings in the same directory is refused, naming the difference.
    func testDifferentSettingsAreRefused() throws {
        let dir = ProbeFixtures.tempDir("probe-diff")
        let model = try ProbeFixtures.tinyModel(in: dir)
        let corpus = try ProbeFixtures.smallCorpus(in: dir, bytes: 4_000)
        let out = dir.appendingPathComponent("out").path
        XCTAssertEqual(try ProbeFixtures.run(["probe", "--model", model, "--corpus", corpus.path, "--k", "2", "--quiet", "--out", out]).0, 0)
        let (status, err) = try ProbeFixtures.run(["probe", "--model", model, "--corpus", corpus.path, "--k", "2", "--skip", "2", "--quiet", "--out", out])
        XCTAssertNotEqual(status, 0)
        XCTAssertTrue(err.contains("sampling"), err)
    }

    func corpusDocuments(_ dir: URL) throws -> [[UInt8]] {
        var docs: [[UInt8]] = []
        try Corpus(paths: [dir.path]).forEachDocument { docs.append($0.bytes) }
        return docs
    }
}
