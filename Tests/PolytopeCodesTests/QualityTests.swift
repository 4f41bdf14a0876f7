import Foundation
import PolytopeClustering
import PolytopeCodes
import XCTest

/// Silhouette, medoid silhouette and cluster stats against direct formulas.
final class QualityTests: XCTestCase {
    func codes() throws -> CodeMatrix {
        var rng = TestRNG(seed: 3)
        return try CodeMatrix(bools: (0..<(60 * 50)).map { _ in rng.below(3) == 0 }, rows: 60, bits: 50)
    }

    func testSilhouetteMatchesTheDefinition() throws {
        let c = try codes()
        let m = c.allPairs(threads: 1)
        let r = KMedoids.run(PrecomputedDissimilarity(m), k: 4, options: .init(seed: 1))
        let s = ClusterQuality.silhouette(PrecomputedDissimilarity(m), labels: r.labels, k: 4)
        XCTAssertFalse(s.sampled)
        var total = 0.0
        for i in 0..<60 {
            let own = r.labels[i]
            let same = (0..<60).filter { r.labels[$0] == own && $0 != i }
            if same.isEmpty { continue }
            let a = same.map { Double(m[i, $0]) }.reduce(0, +) / Double(same.count)
            let b = (0..<4).filter { $0 != own }.map { c in
                let o = (0..<60).filter { r.labels[$0] == c }
                return o.map { Double(m[i, $0]) }.reduce(0, +) / Double(o.count)
            }.min()!
            total += (b - a) / max(a, b)
        }
        XCTAssertEqual(s.mean, total / 60, accuracy: 1e-12)
        // Sampled: evaluates the requested number of objects, says so, and is deterministic.
        let s2 = ClusterQuality.silhouette(CodeDissimilarity(codes: c), labels: r.labels, k: 4, exactLimit: 10, sampleSize: 20, seed: 4)
        XCTAssertTrue(s2.sampled)
        XCTAssertEqual(s2.evaluated, 20)
        XCTAssertEqual(s2, ClusterQuality.silhouette(PrecomputedDissimilarity(m), labels: r.labels, k: 4, exactLimit: 10, sampleSize: 20, seed: 4))
    }

    func testMedoidSilhouetteAndStats() throws {
        let c = try codes()
        let m = c.allPairs(threads: 1)
        let d = PrecomputedDissimilarity(m)
        let medoids = [0, 10, 20]
        var expected = 0.0
        for o in 0..<60 {
            let ds = medoids.map { Double(m[o, $0]) }.sorted()
            if ds[1] > 0 { expected += 1 - ds[0] / ds[1] }
        }
        XCTAssertEqual(ClusterQuality.medoidSilhouette(d, medoids: medoids), expected / 60, accuracy: 1e-12)
        let (labels, _) = assign(d, medoids: medoids)
        let stats = ClusterQuality.stats(d, medoids: medoids, labels: labels)
        XCTAssertEqual(stats.map(\.size).reduce(0, +), 60)
        for (cl, st) in stats.enumerated() {
            let members = (0..<60).filter { labels[$0] == cl }
            XCTAssertEqual(st.size, members.count)
            XCTAssertEqual(st.maxDistance, members.map { Int(m[$0, medoids[cl]]) }.max())
            XCTAssertEqual(st.meanDistance, Double(members.map { Int(m[$0, medoids[cl]]) }.reduce(0, +)) / Double(members.count), accuracy: 1e-12)
        }
    }
}
