import Foundation
import PolytopeArchitectures
import PolytopeBuiltins
import PolytopeModel
import PolytopeProbe
import XCTest

/// The default window: the model's context length, at most 1,024 tokens (SmolLM2 states
/// 8,192); `--context` up to the model's own; a model that states none needs `--context`.
final class WindowDefaultsTests: XCTestCase {
    func model(context: Int) throws -> Model {
        let dir = ProbeFixtures.tempDir("window-defaults")
        defer { try? FileManager.default.removeItem(at: dir) }
        var spec = try HFImporter.convert(directory: ProbeFixtures.repoRoot.appendingPathComponent("Tests/Fixtures/families/llama-gqa").path,
                                          options: .init(outputPath: dir.appendingPathComponent("m.pb").path))
        spec.contextLength = context
        return try Model(spec: spec, baseDirectory: dir.path, registry: .builtins())
    }

    func testDefaultWindowIsCappedAtGPT2Length() throws {
        let long = try model(context: 8192)
        XCTAssertEqual(try WindowPlanner.forModel(long).contextLength, WindowPlanner.defaultContextCap)
        XCTAssertEqual(WindowPlanner.defaultContextCap, 1024)
        XCTAssertEqual(try WindowPlanner.forModel(long, context: 4096).contextLength, 4096)
        XCTAssertEqual(try WindowPlanner.forModel(long, context: 9000).contextLength, 8192, "the model's own length is the cap")
        XCTAssertEqual(try WindowPlanner.forModel(try model(context: 512)).contextLength, 512)
        let none = try model(context: 0)
        XCTAssertThrowsError(try WindowPlanner.forModel(none)) { XCTAssertTrue("\($0)".contains("--context"), "\($0)") }
        XCTAssertEqual(try WindowPlanner.forModel(none, context: 100).contextLength, 100)
    }
}
