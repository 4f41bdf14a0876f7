import Foundation
import PolytopeClustering
import PolytopeCodes
import XCTest

/// FasterPAM, matrix-free FasterPAM, CLARA and the initialisations against exhaustive search on
/// small random instances.
final class KMedoidsBruteForceTests: XCTestCase {
    func randomCodes(rows: Int, bits: Int, seed: UInt64) throws -> CodeMatrix {
        var rng = TestRNG(seed: seed)
        // Clustered data: a few random centres, each row a centre with some bits flipped.
        let centres = (0..<3).map { _ in (0..<bits).map { _ in rng.next() & 1 == 1 } }
        var bools: [Bool] = []
        for _ in 0..<rows {
            let c = centres[rng.below(3)]
            bools += c.map { rng.below(bits) < bits / 6 ? !$0 : $0 }
        }
        return try CodeMatrix(bools: bools, rows: rows, bits: bits)
    }

    /// Loss of a medoid set from the matrix, independent of the library's assignment code.
    func loss(_ m: HammingMatrix, _ medoids: [Int]) -> Int {
        (0..<m.count).reduce(0) { acc, o in acc + Int(medoids.map { m[o, $0] }.min()!) }
    }

    func combinations(_ n: Int, _ k: Int) -> [[Int]] {
        if k == 0 { return [[]] }
        if n < k { return [] }
        return combinations(n - 1, k) + combinations(n - 1, k - 1).map { $0 + [n - 1] }
    }

    func assertSwapOptimal(_ m: HammingMatrix, _ r: KMedoidsResult, _ label: String) {
        let base = loss(m, r.medoids)
        XCTAssertEqual(r.loss, base, "\(label): reported loss is the recomputed loss")
        for slot in r.medoids.indices {
            for x in 0..<m.count where !r.medoids.contains(x) {
                var swapped = r.medoids
                swapped[slot] = x
                XCTAssertGreaterThanOrEqual(loss(m, swapped), base, "\(label): swapping medoid \(r.medoids[slot]) for \(x) improves")
            }
        }
        // Labels are nearest medoids.
        for o in 0..<m.count {
            let dl = m[o, r.medoids[r.labels[o]]]
            XCTAssertEqual(dl, r.medoids.map { m[o, $0] }.min()!, "\(label): object \(o) not at its nearest medoid")
        }
    }

    func testFasterPAMIsSwapOptimalAndNeverBelowTheOptimum() throws {
        var hitOptimum = 0, cases = 0
        for trial in 0..<40 {
            let n = 5 + trial % 8  // 5...12
            let codes = try randomCodes(rows: n, bits: 40 + trial, seed: UInt64(trial))
            let m = codes.allPairs(threads: 1)
            for k in 1...3 where k <= n {
                let optimum = combinations(n, k).map { loss(m, $0) }.min()!
                for initialization in KMedoidsInit.allCases {
                    for mode in [DissimilarityMode.matrix, .matrixFree] {
                        let d: any Dissimilarity = mode == .matrix ? PrecomputedDissimilarity(m) : CodeDissimilarity(codes: codes, threads: 1)
                        let r = KMedoids.run(d, k: k, options: .init(initialization: initialization, seed: UInt64(trial)))
                        let label = "trial \(trial) n \(n) k \(k) \(initialization) \(mode)"
                        XCTAssertEqual(r.mode, mode)
                        XCTAssertEqual(Set(r.medoids).count, k, label)
                        XCTAssertGreaterThanOrEqual(r.loss, optimum, label)
                        assertSwapOptimal(m, r, label)
                        cases += 1
                        if r.loss == optimum { hitOptimum += 1 }
                    }
                }
            }
        }
        // Swap-optimal is not globally optimal, but on such small instances it nearly always is.
        XCTAssertGreaterThan(Double(hitOptimum) / Double(cases), 0.8)
    }

    func testMatrixFreeGivesTheSameResultAsTheMatrix() throws {
        let codes = try randomCodes(rows: 200, bits: 300, seed: 42)
        for initialization in KMedoidsInit.allCases {
            let opts = KMedoids.Options(initialization: initialization, seed: 3)
            var a = KMedoids.run(PrecomputedDissimilarity(codes: codes), k: 7, options: opts)
            let b = KMedoids.run(CodeDissimilarity(codes: codes, threads: 2), k: 7, options: opts)
            XCTAssertEqual(a.mode, .matrix)
            XCTAssertEqual(b.mode, .matrixFree)
            a.mode = .matrixFree
            XCTAssertEqual(a, b, "\(initialization)")
        }
    }

    func testDeterministicForASeed() throws {
        let codes = try randomCodes(rows: 150, bits: 100, seed: 7)
        let d = PrecomputedDissimilarity(codes: codes)
        for initialization in [KMedoidsInit.kmeansPlusPlus, .lab, .random] {
            let r1 = KMedoids.run(d, k: 5, options: .init(initialization: initialization, seed: 11))
            let r2 = KMedoids.run(d, k: 5, options: .init(initialization: initialization, seed: 11))
            XCTAssertEqual(r1, r2)
        }
        var g1 = SeededRandom(seed: 5), g2 = SeededRandom(seed: 5)
        XCTAssertEqual((0..<10).map { _ in g1.next() }, (0..<10).map { _ in g2.next() })
        // xoshiro256** seeded by SplitMix64(0): first output, computed independently.
        var g0 = SeededRandom(seed: 0)
        XCTAssertEqual(g0.next(), 0x99EC_5F36_CB75_F2B4)
    }

    func testCLARALossIsTheRecomputedLossOfItsMedoids() throws {
        let codes = try randomCodes(rows: 400, bits: 128, seed: 8)
        let m = codes.allPairs(threads: 2)
        for k in [1, 3, 6] {
            let r = CLARA.run(CodeDissimilarity(codes: codes), k: k, samples: 4, sampleSize: 60, seed: 9)
            XCTAssertEqual(r.mode, .clara)
            XCTAssertEqual(r.sampleSize, 60)
            XCTAssertEqual(r.loss, loss(m, r.medoids))
            for o in 0..<m.count { XCTAssertEqual(m[o, r.medoids[r.labels[o]]], r.medoids.map { m[o, $0] }.min()!) }
            // A sample of everything is plain FasterPAM (swap-optimal).
            let full = CLARA.run(PrecomputedDissimilarity(m), k: k, sampleSize: 400, seed: 1)
            XCTAssertEqual(full.loss, loss(m, full.medoids))
        }
    }

    func testAlternateConvergesToItsFixedPoint() throws {
        let codes = try randomCodes(rows: 120, bits: 64, seed: 10)
        let m = codes.allPairs(threads: 1)
        let r = KMedoids.run(PrecomputedDissimilarity(m), k: 4, options: .init(method: .alternate, initialization: .random, seed: 2))
        XCTAssertEqual(r.method, .alternate)
        XCTAssertEqual(r.loss, loss(m, r.medoids))
        // Fixed point: each medoid minimises the total distance within its cluster.
        for (c, med) in r.medoids.enumerated() {
            let members = r.labels.indices.filter { r.labels[$0] == c }
            let cost = members.reduce(0) { $0 + Int(m[med, $1]) }
            for x in members { XCTAssertLessThanOrEqual(cost, members.reduce(0) { $0 + Int(m[x, $1]) }) }
        }
        let fp = KMedoids.run(PrecomputedDissimilarity(m), k: 4, options: .init(initialization: .random, seed: 2))
        XCTAssertLessThanOrEqual(fp.loss, r.loss, "FasterPAM from the same start is never worse here")
    }

    func testModeChoiceAndBadK() throws {
        let codes = try randomCodes(rows: 50, bits: 64, seed: 1)
        XCTAssertEqual(try KMedoids.cluster(codes, k: 3).mode, .matrix)
        XCTAssertEqual(try KMedoids.cluster(codes, k: 3, options: .init(memoryBudget: 100)).mode, .matrixFree)
        XCTAssertEqual(try KMedoids.cluster(codes, k: 3, options: .init(memoryBudget: 100, claraSampleSize: 5, matrixFreeLimit: 10)).mode, .clara)
        XCTAssertEqual(try KMedoids.cluster(codes, k: 3, options: .init(method: .clara)).mode, .clara)
        XCTAssertThrowsError(try KMedoids.cluster(codes, k: 0)) { XCTAssertEqual($0 as? ClusteringError, .badK(k: 0, count: 50)) }
        XCTAssertThrowsError(try KMedoids.cluster(codes, k: 51)) { XCTAssertEqual($0 as? ClusteringError, .badK(k: 51, count: 50)) }
        XCTAssertThrowsError(try KMedoids.cluster(codes, k: 2, options: .init(memoryBudget: 100, mode: .matrix)))
        XCTAssertEqual(MemoryBudget.parse("4G"), 4 << 30)
        XCTAssertEqual(MemoryBudget.parse("512MiB"), 512 << 20)
        XCTAssertEqual(MemoryBudget.parse("1.5k"), 1536)
        XCTAssertEqual(MemoryBudget.parse("1000"), 1000)
        XCTAssertNil(MemoryBudget.parse("lots"))
        XCTAssertNil(MemoryBudget.parse("-1G"))
    }
}

/// Parallel speculative FasterPAM applies exactly the swaps the sequential sweep applies.
final class FasterPAMParallelTests: XCTestCase {
    func testSameResultForAnyThreadCount() throws {
        var rng = TestRNG(seed: 21)
        let bits = 96
        let centres = (0..<6).map { _ in (0..<bits).map { _ in rng.next() & 1 == 1 } }
        var bools: [Bool] = []
        for _ in 0..<700 { bools += centres[rng.below(6)].map { rng.below(5) == 0 ? !$0 : $0 } }
        let codes = try CodeMatrix(bools: bools, rows: 700, bits: bits)
        let m = PrecomputedDissimilarity(codes: codes)
        let free = CodeDissimilarity(codes: codes, threads: 1)
        for k in [1, 2, 5, 12] {
            for initialization in [KMedoidsInit.random, .lab, .build] {
                var g = SeededRandom(seed: UInt64(k))
                let start = KMedoids.initialMedoids(m, k: k, initialization: initialization, rng: &g)
                let sequential = FasterPAM.run(m, initialMedoids: start, threads: 1)
                for threads in [2, 3, 5] {
                    XCTAssertEqual(FasterPAM.run(m, initialMedoids: start, threads: threads), sequential, "k \(k) \(initialization) threads \(threads)")
                }
                if initialization == .build {
                    for threads in [2, 3] {
                        XCTAssertEqual(BuildInit.medoids(m, k: k, threads: threads), start)
                        XCTAssertEqual(BuildInit.medoids(free, k: k, threads: threads), start)
                    }
                }
                var mf = FasterPAM.run(free, initialMedoids: start, threads: 2)
                mf.mode = .matrix
                XCTAssertEqual(mf, sequential)
                // Capped sweeps stop at the same place too.
                XCTAssertEqual(FasterPAM.run(m, initialMedoids: start, maxIterations: 1, threads: 2),
                               FasterPAM.run(m, initialMedoids: start, maxIterations: 1, threads: 1))
            }
        }
    }
}
