import Foundation
import PolytopeBuiltins
import PolytopeModel
import PolytopeProbe
import XCTest

/// The probe records its precision in the state and never resumes across precisions; a state
/// written before precisions existed counts as fp32.
final class PrecisionResumeTests: XCTestCase {
    func testRefusesToResumeAcrossPrecisions() throws {
        let dir = ProbeFixtures.tempDir("precision-resume")
        let modelPath = try ProbeFixtures.tinyModel(in: dir)
        let corpus = try ProbeFixtures.smallCorpus(in: dir, bytes: 3_000)
        let model = try Model.load(path: modelPath, registry: .builtins())
        let out = dir.appendingPathComponent("probe")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        func collect(_ precision: Precision, maxWindows: Int?) throws -> CollectionResult {
            var c = ProbeConfig(modelPath: modelPath, corpusPaths: [corpus.path])
            c.layers = [0]
            c.contextLength = 32
            c.batchWindows = 2
            c.maxWindows = maxWindows
            c.precision = precision
            return try Collector(config: c, model: model, tokenizer: try ModelTokenizer.make(for: model),
                                 corpus: try Corpus(paths: [corpus.path]), directory: ProbeDirectory(out)).run(restart: false)
        }
        _ = try collect(.fp32, maxWindows: 2)
        let state = try XCTUnwrap(try ProbeDirectory(out).state())
        XCTAssertEqual(state.fingerprint[ProbeConfig.precisionKey], "fp32")
        XCTAssertThrowsError(try collect(.bf16, maxWindows: 2)) { e in
            guard case ProbeError.differentRun(_, let differences) = e else { return XCTFail("\(e)") }
            XCTAssertTrue(differences.contains("precision"), differences)
        }
        // A state from before the precision entry resumes as fp32 (and only as fp32).
        var old = state
        old.fingerprint.removeValue(forKey: ProbeConfig.precisionKey)
        try old.write(to: ProbeDirectory(out))
        XCTAssertThrowsError(try collect(.bf16, maxWindows: 2))
        XCTAssertNoThrow(try collect(.fp32, maxWindows: 2))
    }
}
