import Foundation
import PolytopeArchitectures
import PolytopeBuiltins
import PolytopeCodes
import PolytopeModel
import PolytopeProbe
import XCTest

/// Codes of a gated MLP (the tiny Llama fixture, GQA, SwiGLU; its every hook equals Hugging
/// Face's, FamilyConformanceTests): by default one bit per unit from the gate projection; with
/// `upSign` the gate's bits then the up projection's sign. Each stored row is checked against
/// `mlp.hook_pre` / `mlp.hook_pre_linear` of the same window run again on its own.
final class GatedCodeTests: XCTestCase {
    struct Run { var codes: CodeMatrix; var windows: [ProbeWindow]; var dir: ProbeDirectory }

    func llama(in dir: URL) throws -> (String, Model) {
        let path = dir.appendingPathComponent("llama.pb").path
        let spec = try HFImporter.convert(directory: ProbeFixtures.repoRoot.appendingPathComponent("Tests/Fixtures/families/llama-gqa").path,
                                          options: .init(outputPath: path))
        try ModelFile.write(spec, to: path)
        return (path, try Model.load(path: path, registry: .builtins()))
    }

    func collect(_ model: Model, path: String, corpus: URL, out: URL, upSign: Bool, layer: Int = 1) throws -> Run {
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        var c = ProbeConfig(modelPath: path, corpusPaths: [corpus.path])
        c.layers = [layer]
        c.contextLength = 24
        c.batchWindows = 2
        c.threads = 1
        c.maxWindows = 6
        c.sampling = .all
        c.upSign = upSign
        let collector = Collector(config: c, model: model, tokenizer: try ModelTokenizer.make(for: model),
                                  corpus: try Corpus(paths: [corpus.path]), directory: ProbeDirectory(out))
        var windows: [ProbeWindow] = []
        collector.windowObserver = { windows.append($0) }
        _ = try collector.run(restart: false)
        return Run(codes: try ProbeDirectory(out).codes(layer: layer), windows: windows, dir: ProbeDirectory(out))
    }

    func testGateBitsThenUpSignMatchTheHooks() throws {
        let dir = ProbeFixtures.tempDir("gated-codes")
        defer { try? FileManager.default.removeItem(at: dir) }
        let (path, model) = try llama(in: dir)
        let corpus = try ProbeFixtures.smallCorpus(in: dir, bytes: 2_000)
        let layer = 1
        let units = model.widths[try model.nodeIndex(hook: "blocks.\(layer).mlp.hook_pre")]
        let plain = try collect(model, path: path, corpus: corpus, out: dir.appendingPathComponent("plain"), upSign: false)
        let both = try collect(model, path: path, corpus: corpus, out: dir.appendingPathComponent("both"), upSign: true)
        XCTAssertEqual(plain.codes.bits, units)
        XCTAssertEqual(both.codes.bits, 2 * units)
        XCTAssertEqual(plain.codes.rows, both.codes.rows)
        XCTAssertGreaterThan(both.codes.rows, 50)
        // Every row against its window run alone, bit by bit.
        var row = 0, upDiffersFromGate = 0
        for w in both.windows {
            let out = try model.forward(ForwardContext(sequences: [w.ids]),
                                        capture: ["blocks.\(layer).mlp.hook_pre", "blocks.\(layer).mlp.hook_pre_linear"])
            let gate = out["blocks.\(layer).mlp.hook_pre"]!, up = out["blocks.\(layer).mlp.hook_pre_linear"]!
            for p in w.recorded {
                let g = Array(gate.row(p)), u = Array(up.row(p))
                for j in 0..<units {
                    XCTAssertEqual(plain.codes[row, j], g[j] > 0, "row \(row) gate unit \(j)")
                    XCTAssertEqual(both.codes[row, j], g[j] > 0, "row \(row) gate unit \(j)")
                    XCTAssertEqual(both.codes[row, units + j], u[j] > 0, "row \(row) up unit \(j)")
                    if (g[j] > 0) != (u[j] > 0) { upDiffersFromGate += 1 }
                }
                row += 1
            }
        }
        XCTAssertEqual(row, both.codes.rows)
        XCTAssertGreaterThan(upDiffersFromGate, row, "the up bits must carry information the gate bits do not")
        // The option is part of the run: no resume across it.
        XCTAssertEqual(try both.dir.state()?.fingerprint[ProbeConfig.upSignKey], "true")
        XCTAssertNil(try plain.dir.state()?.fingerprint[ProbeConfig.upSignKey])
        XCTAssertThrowsError(try collect(model, path: path, corpus: corpus, out: dir.appendingPathComponent("plain"), upSign: true)) { e in
            guard case ProbeError.differentRun(_, let differences) = e else { return XCTFail("\(e)") }
            XCTAssertTrue(differences.contains(ProbeConfig.upSignKey), differences)
        }
    }

    func testUpSignRefusedForPlainMLPs() throws {
        let dir = ProbeFixtures.tempDir("gated-codes-plain")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = try ProbeFixtures.tinyModel(in: dir)
        let model = try Model.load(path: path, registry: .builtins())
        let corpus = try ProbeFixtures.smallCorpus(in: dir, bytes: 1_000)
        let out = dir.appendingPathComponent("probe")
        XCTAssertThrowsError(try collect(model, path: path, corpus: corpus, out: out, upSign: true, layer: 0)) { e in
            XCTAssertTrue("\(e)".contains("layer 0's MLP is not gated"), "\(e)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: ProbeDirectory(out).codesURL(layer: 0).path), "no code file after the refusal")
    }
}
