import Foundation
import PolytopeCodes
import PolytopeProbe

/// Statistics of a set of polytope codes (one row per token, in the order seen).
public enum CodeStatistics {
    /// Distinct codes among the first n rows, at up to `points` values of n (always the last).
    ///
    /// - Complexity: O(rows · bits / 8) for hashing the rows.
    public static func distinctCurve(_ codes: CodeMatrix, points: Int = 200) -> [(tokens: Int, distinct: Int)] {
        guard codes.rows > 0 else { return [] }
        var seen = Set<[UInt8]>()
        var out: [(Int, Int)] = []
        let every = max(1, codes.rows / max(1, points))
        for r in 0..<codes.rows {
            seen.insert(codes.packedRow(r))
            if (r + 1) % every == 0 || r == codes.rows - 1 { out.append((r + 1, seen.count)) }
        }
        return out
    }

    /// Hamming distance from each query row to its nearest other row of the whole set.
    /// Identical codes at other rows count as distance 0.
    ///
    /// - Complexity: O(|queries| · rows · bits / 64) popcounts.
    public static func nearestNeighbourDistances(_ codes: CodeMatrix, queries: [Int]) -> [Int] {
        guard codes.rows > 1 else { return [] }
        var buf = [UInt16](repeating: 0, count: codes.rows)
        return queries.map { q in
            buf.withUnsafeMutableBufferPointer { codes.distances(from: q, into: $0) }
            var best = Int.max
            for (j, d) in buf.enumerated() where j != q && Int(d) < best { best = Int(d) }
            return best
        }
    }

    /// Distances of `pairs` random pairs of distinct rows (a seeded generator, so reruns agree).
    public static func randomPairDistances(_ codes: CodeMatrix, pairs: Int, seed: UInt64 = 1) -> [Int] {
        guard codes.rows > 1 else { return [] }
        var g = SplitMix64(seed: seed)
        return (0..<pairs).map { _ in
            let i = Int(g.next() % UInt64(codes.rows))
            var j = Int(g.next() % UInt64(codes.rows - 1))
            if j >= i { j += 1 }
            return codes.distance(i, j)
        }
    }

    /// Fraction of rows with each bit set (per-neuron firing rate).
    ///
    /// - Complexity: O(rows · bits).
    public static func firingRates(_ codes: CodeMatrix) -> [Double] {
        guard codes.rows > 0 else { return [Double](repeating: 0, count: codes.bits) }
        var counts = [Int](repeating: 0, count: codes.bits)
        for r in 0..<codes.rows {
            let row = codes.packedRow(r)
            for (b, byte) in row.enumerated() where byte != 0 {
                for k in 0..<8 where byte & (UInt8(0x80) >> UInt8(k)) != 0 {
                    let bit = b * 8 + k
                    if bit < codes.bits { counts[bit] += 1 }
                }
            }
        }
        return counts.map { Double($0) / Double(codes.rows) }
    }

    /// Integer histogram: counts of each value 0...max.
    public static func histogram(_ values: [Int]) -> [Double] {
        guard let m = values.max(), m >= 0 else { return [] }
        var h = [Double](repeating: 0, count: m + 1)
        for v in values where v >= 0 { h[v] += 1 }
        return h
    }
}
