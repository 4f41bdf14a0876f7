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

    /// `--method hdbscan`: JSON and `--labels` .npy equal the library's exact HDBSCAN, -1 for noise.
    func testClusterCommandHDBSCANMatchesTheLibrary() throws {
        let dir = ProbeFixtures.tempDir("cluster-hdbscan")
        var rng = SplitMix64(seed: 3)
        let bits = 128, n = 260
        // Four tight prototypes and 20 random codes.
        let protos = (0..<4).map { _ in (0..<bits).map { _ in rng.next() % 2 == 0 } }
        var bools = [Bool]()
        for i in 0..<n {
            if i % 13 == 0 { bools += (0..<bits).map { _ in rng.next() % 2 == 0 }; continue }
            bools += protos[i % 4].map { rng.next() % 12 == 0 ? !$0 : $0 }
        }
        let codes = try CodeMatrix(bools: bools, rows: n, bits: bits)
        let input = dir.appendingPathComponent("codes.npy")
        try codes.writeNPY(to: input)
        let out = dir.appendingPathComponent("h.json"), labelsURL = dir.appendingPathComponent("h.npy")
        let (status, err) = try ProbeFixtures.run(["cluster", input.path, "--method", "hdbscan", "--min-cluster-size", "10",
                                                   "--min-samples", "4", "--out", out.path, "--labels", labelsURL.path])
        XCTAssertEqual(status, 0, err)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: out)) as? [String: Any])
        let expected = try HDBSCAN.cluster(codes, options: .init(minClusterSize: 10, minSamples: 4))
        XCTAssertEqual(expected.clusterCount, 4)
        XCTAssertGreaterThan(expected.noiseCount, 0)
        XCTAssertEqual(json["labels"] as? [Int], expected.labels)
        XCTAssertEqual(json["noise"] as? Int, expected.noiseCount)
        XCTAssertEqual(json["mode"] as? String, "exact")
        XCTAssertEqual((json["clusters"] as? [[String: Any]])?.map { $0["size"] as? Int }, expected.clusterSizes.map { $0 })
        XCTAssertEqual(try NPYArray.read(from: labelsURL).int32s().map(Int.init), expected.labels)

        // A sample of all codes is the exact result; a smaller one is marked as approximate.
        let (status2, err2) = try ProbeFixtures.run(["cluster", input.path, "--method", "hdbscan", "--min-cluster-size", "10",
                                                     "--min-samples", "4", "--hdbscan-sample", "150", "--out", out.path])
        XCTAssertEqual(status2, 0, err2)
        let json2 = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: out)) as? [String: Any])
        XCTAssertEqual(json2["mode"] as? String, "sample+assignment")
        XCTAssertEqual(json2["sample_size"] as? Int, 150)
    }
}
