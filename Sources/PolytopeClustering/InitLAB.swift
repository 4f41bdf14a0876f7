/// LAB, Linear Approximative BUILD (Schubert & Rousseeuw, "Fast and eager k-medoids
/// clustering", Information Systems 2021, section 5): BUILD run on a fresh random subsample
/// of `10 + ceil(sqrt(N))` non-medoids for each medoid in turn. Each step picks, from the
/// subsample, the object that most lowers the subsample's loss given the medoids chosen so far.
///
/// - Complexity: O(k (10 + sqrt N)^2) = O(k N) distances; memory O(sqrt N).
public enum LABInit {
    public static func medoids<D: Dissimilarity>(_ d: D, k: Int, rng: inout SeededRandom) -> [Int] {
        let n = d.count
        precondition(k >= 1 && k <= n)
        var medoids: [Int] = []
        var isMedoid = [Bool](repeating: false, count: n)
        let size = 10 + Int(Double(n).squareRoot().rounded(.up))
        for _ in 0..<k {
            let free = n - medoids.count
            // A subsample of non-medoids: draw from 0..<free and skip over medoids.
            var sample: [Int]
            if medoids.isEmpty {
                sample = rng.sample(min(size, free), from: n)
            } else {
                let nonMedoids = (0..<n).filter { !isMedoid[$0] }
                sample = rng.sample(min(size, free), from: free).map { nonMedoids[$0] }
            }
            // Current distance of each sampled object to its nearest chosen medoid.
            let dn: [Int] = sample.map { o in medoids.map { d.distance(o, $0) }.min() ?? Int(Assignment.far) }
            var best = sample[0], bestCost = Int.max
            for x in sample {
                var cost = 0
                for (a, o) in sample.enumerated() { cost += min(dn[a], d.distance(o, x)) }
                if cost < bestCost {
                    bestCost = cost
                    best = x
                }
            }
            medoids.append(best)
            isMedoid[best] = true
        }
        return medoids
    }
}
