import Foundation
import PolytopeClustering
import PolytopeCodes
import PolytopeProbe
import XCTest

/// `cluster --sample` + `assign --shard` + join give the labels and loss of single-machine CLARA
/// with one sample of the same size and seed (`CLARA.run(samples: 1)` on all codes in memory).
final class ScaleClusteringTests: XCTestCase {
    /// Codes with structure (noisy copies of a few centres) and exact ties (duplicated rows).
    func codes(rows: Int, bits: Int, seed: UInt64) throws -> CodeMatrix {
        var rng = SeededRandom(seed: seed)
        let centres = (0..<6).map { _ in (0..<bits).map { _ in rng.below(2) == 1 } }
        var bools: [Bool] = []
        for r in 0..<rows {
            let c = centres[rng.below(centres.count)]
            let row = r % 10 == 9 ? Array(bools[((r - 1) * bits)..<(r * bits)]) : c.map { rng.below(8) == 0 ? !$0 : $0 }
            bools += row
        }
        return try CodeMatrix(bools: bools, rows: rows, bits: bits)
    }

    func testShardedAssignmentEqualsCLARA() throws {
        let dir = ProbeFixtures.tempDir("scale-clustering")
        for (rows, bits, k, m, seed) in [(700, 100, 5, 120, UInt64(1)), (1000, 600, 9, 300, 7), (333, 64, 3, 400, 2)] {
            let all = try codes(rows: rows, bits: bits, seed: seed)
            let url = dir.appendingPathComponent("c\(rows).plcodes")
            try CodeFile.write(all, provenance: "{\"test\":\"\(rows)\"}", to: url)
            let reference = CLARA.run(CodeDissimilarity(codes: all, threads: 2), k: k, samples: 1, sampleSize: m,
                                      initialization: .build, seed: seed, threads: 2)
            let set = try ScaleClustering.sample(codes: url, k: k, sampleSize: m, seed: seed, initialization: .build, threads: 2)
            XCTAssertEqual(set.medoidRows, reference.medoids, "medoids differ (N=\(rows))")
            XCTAssertEqual(try set.codeMatrix(), all.subset(reference.medoids), "medoid codes differ (N=\(rows))")
            for n in [1, 2, 3, 7] {
                let out = dir.appendingPathComponent("assign-\(rows)-\(n)")
                try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
                for i in 0..<n {
                    try ScaleClustering.assign(codes: url, medoids: set, shard: try ProbeShard(index: i, count: n), threads: 1,
                                               into: out, blockRows: 64)
                }
                let joined = try ScaleClustering.join(dir: out, medoids: set)
                XCTAssertEqual(joined.labels, reference.labels, "labels differ (N=\(rows), \(n) shards)")
                XCTAssertEqual(joined.loss, reference.loss, "loss differs (N=\(rows), \(n) shards)")
                // The brute-force check of the same: every code's nearest medoid, ties to the lower index.
                if n == 1 {
                    var loss = 0
                    for r in 0..<rows {
                        let d = reference.medoids.map { all.distance(r, $0) }
                        let best = d.firstIndex(of: d.min()!)!
                        XCTAssertEqual(joined.labels[r], best)
                        loss += d[best]
                    }
                    XCTAssertEqual(joined.loss, loss)
                }
            }
        }
    }

    func testJoinRefusesAMissingShardOrOtherMedoids() throws {
        let dir = ProbeFixtures.tempDir("scale-join")
        let all = try codes(rows: 200, bits: 80, seed: 3)
        let url = dir.appendingPathComponent("c.plcodes")
        try CodeFile.write(all, to: url)
        let set = try ScaleClustering.sample(codes: url, k: 4, sampleSize: 50, seed: 1, initialization: .build, threads: 1)
        for i in [0, 2] { try ScaleClustering.assign(codes: url, medoids: set, shard: try ProbeShard(index: i, count: 3), threads: 1, into: dir) }
        XCTAssertThrowsError(try ScaleClustering.join(dir: dir, medoids: set)) { e in
            XCTAssertTrue("\(e)".contains("missing assignment shard 1 of 3"), "\(e)")
        }
        var other = set
        other.medoidRows = set.medoidRows.reversed()
        try ScaleClustering.assign(codes: url, medoids: set, shard: try ProbeShard(index: 1, count: 3), threads: 1, into: dir)
        XCTAssertEqual(try ScaleClustering.join(dir: dir, medoids: set).labels.count, 200)
        XCTAssertThrowsError(try ScaleClustering.join(dir: dir, medoids: other))
    }
}
