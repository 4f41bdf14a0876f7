import Foundation
import PolytopeCodes
import PolytopeGeometry
import PolytopeModel
import PolytopeProbe
import XCTest

final class StatsTests: XCTestCase {
    /// Random codes with a few repeated rows.
    func randomCodes(rows: Int, bits: Int) throws -> ([[Bool]], CodeMatrix) {
        let v = GeometryFixtures.values(rows * bits, seed: 42)
        var table: [[Bool]] = (0..<rows).map { r in (0..<bits).map { v[r * bits + $0] > 0.6 } }
        table[7] = table[3]
        table[20] = table[3]
        return (table, try CodeMatrix(bools: table.flatMap { $0 }, rows: rows, bits: bits))
    }

    func testCodeStatisticsMatchBruteForce() throws {
        let (table, codes) = try randomCodes(rows: 60, bits: 70)
        func ham(_ a: [Bool], _ b: [Bool]) -> Int { zip(a, b).filter { $0 != $1 }.count }
        let nn = CodeStatistics.nearestNeighbourDistances(codes, queries: Array(0..<60))
        for i in 0..<60 {
            XCTAssertEqual(nn[i], (0..<60).filter { $0 != i }.map { ham(table[i], table[$0]) }.min()!, "row \(i)")
        }
        XCTAssertEqual(nn[3], 0)
        let rates = CodeStatistics.firingRates(codes)
        for b in 0..<70 { XCTAssertEqual(rates[b], Double(table.filter { $0[b] }.count) / 60, accuracy: 1e-12) }
        let curve = CodeStatistics.distinctCurve(codes, points: 60)
        XCTAssertEqual(curve.count, 60)
        for (n, d) in curve { XCTAssertEqual(d, Set(table.prefix(n)).count, "first \(n)") }
        XCTAssertEqual(curve.last!.distinct, 58)
        for d in CodeStatistics.randomPairDistances(codes, pairs: 100) { XCTAssertLessThanOrEqual(d, 70) }
        XCTAssertEqual(CodeStatistics.histogram([0, 2, 2, 3]), [1, 0, 2, 1])
    }

    /// A real probe's output: stats read its codes, and the rows re-run for the knot band give
    /// back exactly the stored codes (so the rebuilt windows are the probe's windows).
    func testStatsOnProbeOutputRecomputesStoredCodes() throws {
        let dir = GeometryFixtures.tempDir("stats")
        let modelPath = dir.appendingPathComponent("tiny.pb").path
        let model = try GeometryFixtures.tiny("gpt2-relu")
        try FileManager.default.copyItem(atPath: GeometryFixtures.tempDirModelPath(model), toPath: modelPath)
        // A small corpus: two cuts of the Austen novels.
        let corpusDir = dir.appendingPathComponent("corpus")
        try FileManager.default.createDirectory(at: corpusDir, withIntermediateDirectories: true)
        for f in ["emma.txt", "persuasion.txt"] {
            let data = try Data(contentsOf: GeometryFixtures.repoRoot.appendingPathComponent("corpora/austen/\(f)"))
            try Data(data[20_000..<26_000]).write(to: corpusDir.appendingPathComponent(f))
        }
        var config = ProbeConfig(modelPath: modelPath, corpusPaths: [corpusDir.path])
        config.layers = [0, 1]
        config.threads = 1
        let out = dir.appendingPathComponent("probe")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        let tok = try ModelTokenizer.make(for: model)
        let collection = try Collector(config: config, model: model, tokenizer: tok, corpus: try Corpus(paths: [corpusDir.path]),
                                       directory: ProbeDirectory(out))
            .run(restart: true)
        XCTAssertGreaterThan(collection.rows, 20)
        let summary = ProbeSummary(model: model.spec.name, modelPath: modelPath, architecture: "gpt2", layers: [0, 1], bits: [128, 128],
                                   corpus: [corpusDir.path], documents: 2, windows: 0, tokensSeen: 0, tokensRecorded: collection.rows,
                                   sampling: "paper", k: 1, method: "x", initialization: "x", seed: 0, hammingKernel: "x", blasCore: "x",
                                   threads: 1, collectionSeconds: 0, analysisSeconds: 0, totalSeconds: 0, resumedFromRows: nil, layerTimings: [])
        try JSONEncoder().encode(summary).write(to: out.appendingPathComponent("summary.json"))
        var options = StatsOptions()
        options.bandRows = 40
        let stats = try StatsAnalysis.run(probeDirectory: out.path, model: model, options: options)
        XCTAssertEqual(stats.map(\.layer), [0, 1])
        for s in stats {
            XCTAssertEqual(s.rows, collection.rows)
            let band = try XCTUnwrap(s.knotBand)
            XCTAssertEqual(band.rows, 40)
            XCTAssertEqual(band.codeAgreement, 1, "layer \(s.layer): recomputed codes differ from the probe's")
            XCTAssertTrue((0...1).contains(band.fractionInBand))
        }
        let sections = StatsAnalysis.reportSections(stats)
        XCTAssertEqual(sections.map(\.title), ["Code statistics", "Code statistics, layer 0", "Code statistics, layer 1"])
        XCTAssertTrue(sections[1].html.contains("<svg"))
        let written = dir.appendingPathComponent("stats-out")
        try StatsAnalysis.write(stats, to: written)
        for f in ["stats.json", "stats-layer0-distinct.svg", "stats-layer0-hamming.svg", "stats-layer1-firing.svg"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: written.appendingPathComponent(f).path), f)
        }
    }
}
