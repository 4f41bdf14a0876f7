import Foundation
import PolytopeClustering
import PolytopeCodes
import XCTest

/// Real MiniLM layer-3 codes against the Python `kmedoids` package's FasterPAM
/// (tools/make_kmedoids_fixtures.py): our loss must be within 1% of its loss.
final class KMedoidsReferenceTests: XCTestCase {
    struct Reference: Decodable {
        struct Run: Decodable {
            var k: Int
            var `init`: String
            var seed: Int?
            var loss: Int
        }
        var n: Int
        var bits: Int
        var row_sums: [Int]
        var runs: [Run]
    }

    func load() throws -> (CodeMatrix, Reference) {
        let codes = try CodeMatrix.readNPY(from: Fixtures.url("kmedoids/minilm_l3_codes.npy"), bits: 1536)
        let ref = try JSONDecoder().decode(Reference.self, from: Data(contentsOf: Fixtures.url("kmedoids/reference.json")))
        return (codes, ref)
    }

    func testAllPairsMatchesNumpyRowSums() throws {
        let (codes, ref) = try load()
        XCTAssertEqual(codes.rows, ref.n)
        XCTAssertEqual(codes.bits, ref.bits)
        var baseline: HammingMatrix?
        for kernel in HammingKernel.supported {
            HammingKernel.force(kernel)
            let m = codes.allPairs(threads: 2)
            if let baseline {
                XCTAssertEqual(m, baseline, "\(kernel)")
                continue
            }
            baseline = m
            var sums = [Int](repeating: 0, count: m.count)
            m.values.withUnsafeBufferPointer { v in
                for i in 0..<m.count { for j in 0..<m.count { sums[i] += Int(v[i * m.count + j]) } }
            }
            XCTAssertEqual(sums, ref.row_sums, "\(kernel)")
        }
        HammingKernel.force(nil)
    }

    func testFasterPAMLossWithinOnePercentOfKmedoids() throws {
        let (codes, ref) = try load()
        let d = PrecomputedDissimilarity(codes: codes)
        let free = CodeDissimilarity(codes: codes)
        for k in Set(ref.runs.map(\.k)).sorted() {
            let runs = ref.runs.filter { $0.k == k }
            let build = runs.first { $0.`init` == "build" }!.loss
            let bestRandom = runs.filter { $0.`init` == "random" }.map(\.loss).min()!
            let ours = KMedoids.run(d, k: k, options: .init(initialization: .build))
            XCTAssertLessThanOrEqual(Double(ours.loss), Double(build) * 1.01, "k \(k) build: ours \(ours.loss), kmedoids \(build)")
            for initialization in [KMedoidsInit.kmeansPlusPlus, .lab, .random] {
                let losses = (0..<3).map { KMedoids.run(d, k: k, options: .init(initialization: initialization, seed: UInt64($0))).loss }
                XCTAssertLessThanOrEqual(Double(losses.min()!), Double(bestRandom) * 1.01,
                                         "k \(k) \(initialization): ours \(losses), kmedoids random best \(bestRandom)")
            }
            // Matrix-free from LAB, as the large-N path would run.
            let mf = KMedoids.run(free, k: k, options: .init(initialization: .lab, seed: 1))
            XCTAssertLessThanOrEqual(Double(mf.loss), Double(build) * 1.01, "k \(k) matrix-free")
            // CLARA on samples of 500 stays close (looser: it never sees all pairs).
            let cl = CLARA.run(free, k: k, samples: 5, sampleSize: 500, seed: 1)
            XCTAssertLessThanOrEqual(Double(cl.loss), Double(build) * 1.03, "k \(k) CLARA")
        }
    }
}
