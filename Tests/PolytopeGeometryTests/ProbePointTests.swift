import Foundation
import PolytopeGeometry
import PolytopeModel
import PolytopeProbe
import XCTest

/// "PROBE_DIR:ROW" positions: a probe-like directory (tokens.bin written byte by byte from its
/// documented layout, summary.json naming the corpus) resolves to the same window as TEXT@INDEX.
final class ProbePointTests: XCTestCase {
    func record(document: UInt32, tokenID: UInt32, start: UInt64, end: UInt64) -> Data {
        var d = Data()
        for v in [document, 0, 0, tokenID] { withUnsafeBytes(of: v.littleEndian) { d.append(contentsOf: $0) } }
        for v in [start, end] { withUnsafeBytes(of: v.littleEndian) { d.append(contentsOf: $0) } }
        for v in [UInt32.max, 0] { withUnsafeBytes(of: v.littleEndian) { d.append(contentsOf: $0) } }
        return d
    }

    func testProbeRowResolvesToTheTokensWindow() throws {
        let model = try GeometryFixtures.tiny("gpt2-relu")
        let tok = try ModelTokenizer.make(for: model)
        let dir = GeometryFixtures.tempDir("probe-point")
        let corpus = dir.appendingPathComponent("corpus")
        try FileManager.default.createDirectory(at: corpus, withIntermediateDirectories: true)
        let text = "It is a truth universally acknowledged, that a single man"
        try Data(text.utf8).write(to: corpus.appendingPathComponent("a.txt"))
        let tokens = try tok.encode(text)
        let i = 5
        var table = record(document: 0, tokenID: 1, start: 0, end: 1)
        table += record(document: 0, tokenID: UInt32(tokens[i].id), start: UInt64(tokens[i].byteRange.lowerBound), end: UInt64(tokens[i].byteRange.upperBound))
        try table.write(to: dir.appendingPathComponent("tokens.bin"))
        let summary = ProbeSummary(model: "m", modelPath: "m.pb", architecture: "gpt2", layers: [0], bits: [128], corpus: [corpus.path],
                                   documents: 1, windows: 1, tokensSeen: tokens.count, tokensRecorded: 2, sampling: "all", k: 1,
                                   method: "x", initialization: "x", seed: 0, hammingKernel: "x", blasCore: "x", threads: 1,
                                   collectionSeconds: 0, analysisSeconds: 0, totalSeconds: 0, resumedFromRows: nil, layerTimings: [])
        try JSONEncoder().encode(summary).write(to: dir.appendingPathComponent("summary.json"))
        let p = try TokenPoint.resolve("\(dir.path):1", model: model, tokenizer: tok)
        let q = try TokenPoint.resolve("\(text)@\(i)", model: model, tokenizer: tok)
        XCTAssertEqual(p.tokens, q.tokens)
        XCTAssertEqual(p.position, q.position)
        XCTAssertEqual(p.position, i)
        XCTAssertThrowsError(try TokenPoint.resolve("\(dir.path):7", model: model, tokenizer: tok)) {
            XCTAssertTrue("\($0)".contains("outside the probe's 2 recorded tokens"), "\($0)")
        }
        // Row 0 claims token id 1 at bytes 0..<1, which the corpus does not hold.
        XCTAssertThrowsError(try TokenPoint.resolve("\(dir.path):0", model: model, tokenizer: tok)) {
            XCTAssertTrue("\($0)".contains("was not found in the corpus"), "\($0)")
        }
    }
}
