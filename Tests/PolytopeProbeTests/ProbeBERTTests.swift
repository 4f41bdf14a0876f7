import Foundation
import PolytopeBuiltins
import PolytopeCodes
import PolytopeArchitectures
import PolytopeModel
import PolytopeProbe
import XCTest

/// The probe on a BERT-style model: windows are wrapped in [CLS] ... [SEP], and the recorded
/// codes equal an independent forward pass over the same wrapped window.
final class ProbeBERTTests: XCTestCase {
    func testWordPieceWindowsAndCodes() throws {
        let dir = ProbeFixtures.tempDir("probe-bert")
        let model = dir.appendingPathComponent("bert.pb").path
        let spec = try HFImporter.convert(directory: ProbeFixtures.repoRoot.appendingPathComponent("Tests/Fixtures/runtime/bert").path,
                                          options: .init(outputPath: model))
        try ModelFile.write(spec, to: model)
        let corpus = try ProbeFixtures.smallCorpus(in: dir, bytes: 3_000)
        let out = dir.appendingPathComponent("out")
        let (status, err) = try ProbeFixtures.run(["probe", "--model", model, "--corpus", corpus.path, "--layer", "1", "--k", "3",
                                                   "--context", "24", "--per-window", "3", "--skip", "2", "--quiet", "--out", out.path])
        XCTAssertEqual(status, 0, err)
        let records = try TokenTable.read(out.appendingPathComponent("tokens.bin"))
        let codes = try CodeFile.read(from: out.appendingPathComponent("codes-layer1.plcodes")).codes
        XCTAssertEqual(records.count, codes.rows)
        XCTAssertGreaterThan(records.count, 10)

        let m = try Model.load(path: model, registry: .builtins())
        let tokenizer = try ModelTokenizer.make(for: m)
        let cls = Int32(m.spec.tokenizer!.specialTokens["[CLS]"]!), sep = Int32(m.spec.tokenizer!.specialTokens["[SEP]"]!)
        var docs: [[UInt8]] = []
        try Corpus(paths: [corpus.path]).forEachDocument { docs.append($0.bytes) }
        for (row, r) in records.enumerated() {
            XCTAssertGreaterThanOrEqual(r.position, 1 + 2, "[CLS] and the skipped positions are never recorded")
            let tokens = try tokenizer.encode(docs[r.document], options: .init(addSpecialTokens: false))
            let t = try XCTUnwrap(tokens.firstIndex { $0.byteRange == r.byteStart..<r.byteEnd && $0.id == r.tokenID })
            let start = t - (r.position - 1)
            let content = tokens[start..<min(start + 22, tokens.count)].map { Int32($0.id) }
            let pre = try m.forward(ForwardContext(sequences: [[cls] + content + [sep]]), capture: ["blocks.1.mlp.hook_pre"])["blocks.1.mlp.hook_pre"]!
            for u in 0..<pre.cols { XCTAssertEqual(codes[row, u], pre[r.position, u] > 0, "row \(row) unit \(u)") }
        }
    }
}
