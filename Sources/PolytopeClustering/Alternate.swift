/// The alternating ("Voronoi iteration", k-means-style) k-medoids method, for comparison:
/// assign every object to its nearest medoid, then make each cluster's medoid the member with
/// the least total distance to the other members; repeat until no medoid changes.
///
/// Park & Jun, "A simple and fast algorithm for K-medoids clustering", Expert Systems with
/// Applications 36 (2009); the scheme goes back to Maranzana (1963). It usually stops at a
/// worse local optimum than PAM/FasterPAM (Schubert & Rousseeuw 2021 discuss why).
///
/// - Complexity: per iteration O(N k) for assignment and O(Σ_c |c|^2) for the medoid update.
public enum Alternate {
    public static func run<D: Dissimilarity>(_ d: D, initialMedoids: [Int], maxIterations: Int = 100,
                                             initialization: KMedoidsInit = .build) -> KMedoidsResult {
        let n = d.count, k = initialMedoids.count
        precondition(k >= 1 && k <= n && Set(initialMedoids).count == k)
        var medoids = initialMedoids
        var a = Assignment(d, medoids: medoids)
        var iterations = 0, changes = 0
        while iterations < maxIterations {
            iterations += 1
            var members = [[Int]](repeating: [], count: k)
            for o in 0..<n { members[Int(a.nearest[o])].append(o) }
            var changed = false
            for c in 0..<k where members[c].count > 1 {
                var best = medoids[c]
                var bestCost = members[c].reduce(0) { $0 + d.distance(best, $1) }
                for x in members[c] where x != medoids[c] {
                    var cost = 0
                    for o in members[c] {
                        cost += d.distance(x, o)
                        if cost >= bestCost { break }
                    }
                    if cost < bestCost {
                        bestCost = cost
                        best = x
                    }
                }
                if best != medoids[c] {
                    medoids[c] = best
                    changed = true
                    changes += 1
                }
            }
            if !changed { break }
            a = Assignment(d, medoids: medoids)
        }
        return KMedoidsResult(medoids: a.medoids, labels: a.labels, loss: a.loss, iterations: iterations, swaps: changes,
                              method: .alternate, initialization: initialization, mode: d.mode)
    }
}
