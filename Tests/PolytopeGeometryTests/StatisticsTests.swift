import Foundation
import PolytopeGeometry
import PolytopeProbe
import XCTest

final class StatisticsTests: XCTestCase {
    func testPearsonAndDetrending() throws {
        XCTAssertEqual(try XCTUnwrap(Statistics.pearson([1, 2, 3, 4], [2, 4, 6, 8])), 1, accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(Statistics.pearson([1, 2, 3, 4], [8, 6, 4, 2])), -1, accuracy: 1e-12)
        XCTAssertNil(Statistics.pearson([1, 2, 3], [5, 5, 5]))
        let x = (0..<10).map { Double($0) / 9 }
        let quad = x.map { 3 - 2 * $0 + 5 * $0 * $0 }
        for r in Statistics.quadraticResiduals(quad, at: x) { XCTAssertEqual(r, 0, accuracy: 1e-9) }
        // A cubic keeps only its part orthogonal to 1, x, x²: residuals sum to zero.
        let cubic = x.map { $0 * $0 * $0 }
        XCTAssertEqual(Statistics.quadraticResiduals(cubic, at: x).reduce(0, +), 0, accuracy: 1e-9)
        let (m, sd) = Statistics.meanAndSD([2, 4, 4, 4, 5, 5, 7, 9])
        XCTAssertEqual(m, 5)
        XCTAssertEqual(sd, (32.0 / 7).squareRoot(), accuracy: 1e-12)
    }

    func testRandomPairsOnTinyModel() throws {
        let model = try GeometryFixtures.tiny("gpt2-relu")
        let dir = GeometryFixtures.tempDir("pairs")
        try Data("It is a truth universally acknowledged, that a single man in possession of a good fortune, must be in want of a wife.".utf8)
            .write(to: dir.appendingPathComponent("a.txt"))
        var config = PathConfig(layer: 0)
        config.steps = 33
        config.bins = 8
        let r = try RandomPairs.run(model: model, corpus: try Corpus(paths: [dir.path]), count: 3, config: config, seed: 5)
        XCTAssertEqual(r.pairs.count, 3)
        let again = try RandomPairs.run(model: model, corpus: try Corpus(paths: [dir.path]), count: 3, config: config, seed: 5)
        XCTAssertEqual(r.pairs.map(\.from), again.pairs.map(\.from), "seeded")
        for p in r.pairs { XCTAssertGreaterThan(p.length, 0) }
        try RandomPairs.write(r, to: dir.appendingPathComponent("out"))
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir.appendingPathComponent("out/pairs.svg").path))
    }
}
