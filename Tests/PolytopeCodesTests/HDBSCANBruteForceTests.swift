import Foundation
import PolytopeClustering
import PolytopeCodes
import XCTest

/// HDBSCAN's pieces against brute force on tiny inputs: core distances by sorting, the MST weight
/// by Kruskal over all pairs of the mutual-reachability graph, and stabilities recomputed from
/// the definition by splitting connected components level by level.
final class HDBSCANBruteForceTests: XCTestCase {
    func randomCodes(_ n: Int, bits: Int, seed: UInt64, clusters: Int = 3) throws -> CodeMatrix {
        var rng = SeededRandom(seed: seed)
        let centres = (0..<clusters).map { _ in (0..<bits).map { _ in rng.below(2) == 1 } }
        var bools = [Bool]()
        for _ in 0..<n {
            let c = centres[rng.below(clusters)]
            let flip = [0.05, 0.15, 0.3][rng.below(3)]
            bools += c.map { rng.unit() < flip ? !$0 : $0 }
        }
        return try CodeMatrix(bools: bools, rows: n, bits: bits)
    }

    func core(_ m: HammingMatrix, _ ms: Int) -> [Int] {
        (0..<m.count).map { i in (0..<m.count).map { Int(m[i, $0]) }.sorted()[ms - 1] }
    }

    func mr(_ m: HammingMatrix, _ core: [Int]) -> (Int, Int) -> Int {
        { i, j in max(core[i], core[j], Int(m[i, j])) }
    }

    func kruskalWeight(_ n: Int, _ w: (Int, Int) -> Int) -> Int {
        var edges = [(Int, Int, Int)]()
        for i in 0..<n { for j in (i + 1)..<n { edges.append((w(i, j), i, j)) } }
        edges.sort { $0.0 < $1.0 }
        var parent = Array(0..<n)
        func find(_ x: Int) -> Int { var x = x; while parent[x] != x { x = parent[x] }; return x }
        var total = 0
        for (d, i, j) in edges {
            let a = find(i), b = find(j)
            if a != b { parent[a] = b; total += d }
        }
        return total
    }

    func testCoreDistancesAndMSTWeightMatchBruteForce() throws {
        for seed in UInt64(0)..<30 {
            let n = 8 + Int(seed % 23), bits = [16, 40, 130][Int(seed % 3)]
            let codes = try randomCodes(n, bits: bits, seed: seed)
            let m = codes.allPairs(threads: 1)
            for ms in [1, 2, 3, 5] where ms <= n {
                let expected = core(m, ms)
                // A tiny tile forces many blocks in the tiled path.
                let tiled = HDBSCANCoreDistances.compute(codes: codes, minSamples: ms, threads: 2, tileBytes: 2 * n * 3)
                XCTAssertEqual(tiled.map(Int.init), expected, "seed \(seed) ms \(ms)")
                XCTAssertEqual(HDBSCANCoreDistances.compute(matrix: m, minSamples: ms, threads: 2).map(Int.init), expected)
                let fromCodes = HDBSCANPrim.mst(codes: codes, core: tiled, threads: 2)
                let fromMatrix = HDBSCANPrim.mst(matrix: m, core: tiled)
                XCTAssertEqual(fromCodes, fromMatrix, "seed \(seed) ms \(ms)")
                XCTAssertEqual(fromCodes.count, n - 1)
                XCTAssertEqual(Set(fromCodes.map(\.next)).union([0]), Set(0..<n), "every node joins once")
                XCTAssertEqual(fromCodes.reduce(0) { $0 + Int($1.weight) }, kruskalWeight(n, mr(m, expected)), "seed \(seed) ms \(ms)")
            }
        }
    }

    /// Stability by definition: walk the distance levels downward; at each level the cluster's
    /// points with mutual reachability < level stay connected; a split into two parts of at least
    /// min_cluster_size makes two clusters, smaller parts fall out. Instances where a level splits
    /// a cluster into more than two parts at once (a tie) are skipped.
    func bruteStabilities(_ n: Int, _ w: (Int, Int) -> Int, mcs: Int) -> [(Set<Int>, Double)]? {
        var out = [(Set<Int>, Double)]()
        func components(_ pts: [Int], below level: Int) -> [[Int]] {
            var left = Set(pts), comps = [[Int]]()
            while let s = left.first {
                var comp = [s], stack = [s]
                left.remove(s)
                while let x = stack.popLast() {
                    for y in left where w(x, y) < level { left.remove(y); comp.append(y); stack.append(y) }
                }
                comps.append(comp)
            }
            return comps
        }
        func cluster(_ pts0: [Int], birth: Double) -> Bool {
            var pts = pts0, stab = 0.0
            let members = Set(pts0)
            var levels = Set<Int>()
            for i in pts { for j in pts where i < j { levels.insert(w(i, j)) } }
            for level in levels.sorted(by: >) {
                let comps = components(pts, below: level)
                if comps.count == 1 { continue }
                if comps.count > 2 { return false }
                let lam = level > 0 ? 1 / Double(level) : .infinity
                let big = comps.filter { $0.count >= mcs }
                if big.count == 2 {
                    stab += Double(pts.count) * (lam - birth)
                    out.append((members, stab))
                    return cluster(big[0], birth: lam) && cluster(big[1], birth: lam)
                }
                stab += Double(pts.count - (big.first?.count ?? 0)) * (lam - birth)
                if big.isEmpty { break }
                pts = big[0]
            }
            out.append((members, stab))
            return true
        }
        return cluster(Array(0..<n), birth: 0) ? out : nil
    }

    func testStabilitiesMatchDefinition() throws {
        var checked = 0
        for seed in UInt64(0)..<150 {
            let n = 12 + Int(seed % 19)
            let codes = try randomCodes(n, bits: 256, seed: 100 + seed, clusters: 2 + Int(seed % 3))
            let m = codes.allPairs(threads: 1)
            let ms = [1, 2, 3, 1][Int(seed % 4)], mcs = [2, 3, 4][Int(seed / 3 % 3)]
            let r = try HDBSCAN.cluster(matrix: m, options: .init(minClusterSize: mcs, minSamples: ms, threads: 1))
            guard let brute = bruteStabilities(n, mr(m, core(m, ms)), mcs: mcs) else { continue }
            checked += 1
            // Our clusters with their member sets (points anywhere in the subtree).
            let t = r.tree
            var members = [Set<Int>](repeating: [], count: t.clusterCount)
            var parentOf = [Int](repeating: -1, count: t.clusterCount)
            for i in 0..<t.rowCount where t.childSize[i] > 1 { parentOf[t.child[i] - n] = t.parent[i] - n }
            for i in 0..<t.rowCount where t.childSize[i] == 1 {
                var c = t.parent[i] - n
                while c >= 0 { members[c].insert(t.child[i]); c = parentOf[c] }
            }
            XCTAssertEqual(t.clusterCount, brute.count, "seed \(seed)")
            for (set, stab) in brute {
                guard let c = members.firstIndex(of: set) else { XCTFail("seed \(seed): cluster \(set.sorted()) missing"); continue }
                if c == 0 { continue }  // the root's stability is never used
                XCTAssertEqual(r.stabilities[c], stab, accuracy: 1e-9 * max(1, abs(stab)), "seed \(seed) cluster \(set.sorted())")
            }
        }
        XCTAssertGreaterThan(checked, 30, "too many instances skipped for ties")
    }

    func testApproximationWithTheWholeSampleIsExact() throws {
        let codes = try randomCodes(300, bits: 128, seed: 9, clusters: 4)
        let exact = try HDBSCAN.cluster(codes, options: .init(minClusterSize: 10, threads: 2))
        let (approx, sample) = try HDBSCAN.approximate(codes, sampleSize: 300, options: .init(minClusterSize: 10, threads: 2))
        XCTAssertEqual(sample, Array(0..<300))
        XCTAssertEqual(approx.labels, exact.labels)
        // A half sample still finds the same four groups on well-separated codes.
        let (half, _) = try HDBSCAN.approximate(codes, sampleSize: 150, seed: 3, options: .init(minClusterSize: 10, threads: 2))
        XCTAssertGreaterThan(ClusterAgreement.adjustedRandIndex(half.labels, exact.labels), 0.8)
    }

    func testAdjustedRandIndexMatchesScikitLearnValues() {
        // sklearn.metrics.adjusted_rand_score([0, 0, 1, 1], [0, 0, 1, 2]) = 0.5714285714285715
        XCTAssertEqual(ClusterAgreement.adjustedRandIndex([0, 0, 1, 1], [0, 0, 1, 2]), 0.5714285714285715, accuracy: 1e-15)
        // adjusted_rand_score([0, 0, 1, 2], [0, 0, 1, 1]) = 0.5714285714285715; ([0,0,1,1],[0,1,0,1]) = -0.5
        XCTAssertEqual(ClusterAgreement.adjustedRandIndex([0, 0, 1, 1], [0, 1, 0, 1]), -0.5, accuracy: 1e-15)
        XCTAssertEqual(ClusterAgreement.adjustedRandIndex([5, 5, -1, 2], [1, 1, 0, 7]), 1)
        XCTAssertTrue(ClusterAgreement.sameUpToRelabelling([0, 0, 1, -1], [1, 1, 0, -1]))
        XCTAssertFalse(ClusterAgreement.sameUpToRelabelling([0, 0, 1, -1], [1, 1, -1, 0]))
    }

    func testBadParametersAreOneLineErrors() throws {
        let codes = try randomCodes(10, bits: 32, seed: 1)
        XCTAssertThrowsError(try HDBSCAN.cluster(codes, options: .init(minClusterSize: 1))) {
            XCTAssertEqual($0 as? HDBSCANError, .badMinClusterSize(1, count: 10))
        }
        XCTAssertThrowsError(try HDBSCAN.cluster(codes, options: .init(minClusterSize: 11))) {
            XCTAssertEqual($0 as? HDBSCANError, .badMinClusterSize(11, count: 10))
        }
        XCTAssertThrowsError(try HDBSCAN.cluster(codes, options: .init(minClusterSize: 3, minSamples: 0)))
        XCTAssertThrowsError(try HDBSCAN.cluster(try CodeMatrix(bits: 32), options: .init())) {
            XCTAssertEqual($0 as? HDBSCANError, .empty)
        }
    }
}
