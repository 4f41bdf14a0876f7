import Foundation
import PolytopeClustering
import PolytopeCodes
import PolytopeIO
import PolytopeProbe
import XCTest

/// `polytope cluster` end to end: its JSON against the library run in-process on the same codes.
final class ClusterCommandTests: XCTestCase {
    func testClusterCommandMatchesTheLibrary() throws {
        let dir = ProbeFixtures.tempDir("cluster-cli")
        var rng = SplitMix64(seed: 11)
        let bits = 200, n = 300
        let bools = (0..<(n * bits)).map { i in
            // Three noisy prototypes, so the clustering has structure.
            let proto = (i / bits) % 3
            let bit = i % bits
            let base = (bit * (proto + 3)) % 7 < 3
            return rng.next() % 10 == 0 ? !base : base
        }
        let codes = try CodeMatrix(bools: bools, rows: n, bits: bits)
        let input = dir.appendingPathComponent("codes.npy")
        try codes.writeNPY(to: input)
        let out = dir.appendingPathComponent("clusters.json")
        let (status, err) = try ProbeFixtures.run(["cluster", input.path, "--k", "3", "--seed", "5", "--init", "build", "--out", out.path])
        XCTAssertEqual(status, 0, err)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: out)) as? [String: Any])
        let expected = try KMedoids.cluster(codes, k: 3, options: .init(initialization: .build, seed: 5))
        XCTAssertEqual(json["medoids"] as? [Int], expected.medoids)
        XCTAssertEqual(json["labels"] as? [Int], expected.labels)
        XCTAssertEqual(json["loss"] as? Int, expected.loss)
        for key in ["iterations", "swaps", "mode", "kernel", "silhouette", "clusters"] { XCTAssertNotNil(json[key], key) }

        // k larger than the data: one clear line, no output file.
        let out2 = dir.appendingPathComponent("none.json")
        let (status2, err2) = try ProbeFixtures.run(["cluster", input.path, "--k", "301", "--out", out2.path])
        XCTAssertNotEqual(status2, 0)
        XCTAssertTrue(err2.contains("301"), err2)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out2.path))
    }
}
