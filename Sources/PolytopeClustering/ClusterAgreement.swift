/// Agreement between two labelings.
public enum ClusterAgreement {
    /// Adjusted Rand index (Hubert & Arabie 1985); every label value, -1 included, is one group
    /// (as scikit-learn's `adjusted_rand_score`). 1 for identical partitions. O(N + ka kb).
    public static func adjustedRandIndex(_ a: [Int], _ b: [Int]) -> Double {
        precondition(a.count == b.count)
        let n = a.count
        guard n > 1 else { return 1 }
        func dense(_ x: [Int]) -> ([Int], Int) {
            var map = [Int: Int]()
            let d = x.map { v -> Int in
                if let i = map[v] { return i }
                map[v] = map.count
                return map.count - 1
            }
            return (d, map.count)
        }
        let (da, ka) = dense(a), (db, kb) = dense(b)
        var table = [Int](repeating: 0, count: ka * kb)
        for i in 0..<n { table[da[i] * kb + db[i]] += 1 }
        func c2(_ x: Int) -> Double { Double(x) * Double(x - 1) / 2 }
        var sumCells = 0.0, sumA = 0.0, sumB = 0.0
        var rowSum = [Int](repeating: 0, count: ka), colSum = [Int](repeating: 0, count: kb)
        for i in 0..<ka { for j in 0..<kb { let v = table[i * kb + j]; sumCells += c2(v); rowSum[i] += v; colSum[j] += v } }
        for v in rowSum { sumA += c2(v) }
        for v in colSum { sumB += c2(v) }
        let expected = sumA * sumB / c2(n)
        let maxIndex = (sumA + sumB) / 2
        if maxIndex == expected { return 1 }
        return (sumCells - expected) / (maxIndex - expected)
    }

    /// True when the labelings are equal up to renumbering the clusters (a bijection between label
    /// values that keeps noise, any negative label, as noise).
    public static func sameUpToRelabelling(_ a: [Int], _ b: [Int]) -> Bool {
        guard a.count == b.count else { return false }
        var ab = [Int: Int](), ba = [Int: Int]()
        for (x, y) in zip(a, b) {
            if (x < 0) != (y < 0) { return false }  // noise is noise in both
            if let m = ab[x], m != y { return false }
            if let m = ba[y], m != x { return false }
            ab[x] = y
            ba[y] = x
        }
        return true
    }
}
