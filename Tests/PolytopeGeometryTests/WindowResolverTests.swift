import Foundation
import PolytopeArchitectures
import PolytopeBuiltins
import PolytopeGeometry
import PolytopeModel
import PolytopeProbe
import XCTest

/// The window `ProbeRowResolver` rebuilds for a recorded row (from the corpus, tokens.bin and
/// probe-state.json) is exactly the window the collector ran, for every row: on a causal GPT-2
/// model and on a BERT model whose windows carry [CLS] ... [SEP], with overlapping windows.
final class WindowResolverTests: XCTestCase {
    func check(_ fixture: String, context: Int, stride: Int?, sampling: TokenSampling) throws {
        let dir = GeometryFixtures.tempDir("resolver-\(fixture)")
        let model = try GeometryFixtures.tiny(fixture)
        let corpus = dir.appendingPathComponent("corpus")
        try FileManager.default.createDirectory(at: corpus, withIntermediateDirectories: true)
        for (i, f) in ["emma.txt", "persuasion.txt"].enumerated() {
            let data = try Data(contentsOf: GeometryFixtures.repoRoot.appendingPathComponent("corpora/austen/\(f)"))
            try Data(data[(30_000 + 5_000 * i)..<(33_000 + 5_000 * i)]).write(to: corpus.appendingPathComponent(f))
        }
        var config = ProbeConfig(modelPath: GeometryFixtures.tempDirModelPath(model), corpusPaths: [corpus.path])
        config.layers = [1]
        config.contextLength = context
        config.stride = stride
        config.sampling = sampling
        config.threads = 1
        let out = ProbeDirectory(dir.appendingPathComponent("probe"))
        try FileManager.default.createDirectory(at: out.url, withIntermediateDirectories: true)
        let collector = Collector(config: config, model: model, tokenizer: try ModelTokenizer.make(for: model),
                                  corpus: try Corpus(paths: [corpus.path]), directory: out)
        var ran: [Int: [Int32]] = [:]
        collector.windowObserver = { ran[$0.index] = $0.ids }
        let collection = try collector.run(restart: true)
        XCTAssertGreaterThan(collection.rows, 30)
        let summary = ProbeSummary(model: model.spec.name, modelPath: config.modelPath, architecture: "", layers: [1], bits: [0],
                                   corpus: [corpus.path], documents: 2, windows: 0, tokensSeen: 0, tokensRecorded: collection.rows,
                                   sampling: "", k: 1, method: "", initialization: "", seed: 0, hammingKernel: "", blasCore: "",
                                   threads: 1, collectionSeconds: 0, analysisSeconds: 0, totalSeconds: 0, resumedFromRows: nil, layerTimings: [])
        try JSONEncoder().encode(summary).write(to: out.summaryURL)

        let resolver = try ProbeRowResolver(directory: out.path, model: model, tokenizer: try ModelTokenizer.make(for: model))
        for (row, r) in resolver.records.enumerated() {
            let point = try resolver.point(row: row)
            let window = try XCTUnwrap(ran[r.window], "row \(row): window \(r.window) was not run")
            XCTAssertEqual(point.tokens, window, "\(fixture) row \(row)")
            XCTAssertEqual(point.position, r.position, "\(fixture) row \(row)")
            XCTAssertEqual(Int(point.tokens[point.position]), r.tokenID)
        }
    }

    func testGPT2() throws {
        try check("gpt2-relu", context: 40, stride: 25, sampling: .evenlySpaced(perWindow: 5, skip: 3))
    }

    func testBERT() throws {
        let model = try GeometryFixtures.tiny("bert")
        XCTAssertEqual(model.spec.anatomy?.prefixTokens.count, 1)
        try check("bert", context: 30, stride: 20, sampling: .all)
    }
}
