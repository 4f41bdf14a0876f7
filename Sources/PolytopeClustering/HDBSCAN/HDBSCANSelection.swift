/// How flat clusters are chosen from the condensed tree.
public enum HDBSCANSelection: String, Sendable, Codable, CaseIterable, CustomStringConvertible {
    /// Excess of mass: the set of non-nested clusters of largest total stability
    /// (Campello et al. 2013, section 3.3).
    case eom
    /// The leaves of the condensed tree: many small, homogeneous clusters.
    case leaf
    public var description: String { rawValue }
}

/// Flat clusters, memberships and outlier scores from a condensed tree; every rule as
/// scikit-learn's `_get_clusters` / `_do_labelling` (allow_single_cluster = False,
/// max_cluster_size = None).
enum HDBSCANExtract {
    /// Selected cluster ids (sorted ascending), and each cluster's final stability.
    /// - Complexity: O(clusters · depth) for EOM (each cluster's subtree deselected once it loses).
    static func select(_ t: CondensedTree, method: HDBSCANSelection, epsilon: Double) -> [Int] {
        let n = t.points, k = t.clusterCount
        // Cluster children (rows whose child is a cluster), per cluster.
        var children = [[Int]](repeating: [], count: k)
        var birthLambda = [Double](repeating: 0, count: k)
        var parentOf = [Int](repeating: -1, count: k)
        for i in 0..<t.rowCount where t.childSize[i] > 1 {
            children[t.parent[i] - n].append(t.child[i])
            birthLambda[t.child[i] - n] = t.lambda[i]
            parentOf[t.child[i] - n] = t.parent[i]
        }
        var selected = Set<Int>()
        switch method {
        case .eom:
            var stability = t.stabilities()
            var isCluster = [Bool](repeating: true, count: k)
            isCluster[0] = false
            for c in stride(from: k - 1, through: 1, by: -1) {
                // np.sum over the (two) children, in row order.
                var sub = 0.0
                for ch in children[c] { sub += stability[ch - n] }
                if sub > stability[c] {
                    isCluster[c] = false
                    stability[c] = sub
                } else {
                    var stack = children[c]
                    while let x = stack.popLast() {
                        isCluster[x - n] = false
                        stack.append(contentsOf: children[x - n])
                    }
                }
            }
            selected = Set((1..<k).filter { isCluster[$0] }.map { $0 + n })
        case .leaf:
            selected = Set((1..<k).filter { children[$0].isEmpty }.map { $0 + n })
        }
        if epsilon != 0, k > 1 {
            selected = epsilonSearch(selected, n: n, children: children, birthLambda: birthLambda, parentOf: parentOf,
                                     epsilon: epsilon)
        }
        return selected.sorted()
    }

    /// `cluster_selection_epsilon` (Malzer & Baum 2020, "A hybrid approach to hierarchical
    /// density-based cluster selection"): a selected cluster born at a distance below ε is replaced
    /// by its nearest ancestor born above ε (never the root).
    private static func epsilonSearch(_ leaves: Set<Int>, n: Int, children: [[Int]], birthLambda: [Double],
                                      parentOf: [Int], epsilon: Double) -> Set<Int> {
        var selected = Set<Int>()
        var processed = Set<Int>()
        for leaf in leaves.sorted() {
            let eps = 1.0 / birthLambda[leaf - n]
            guard eps < epsilon else {
                selected.insert(leaf)
                continue
            }
            if processed.contains(leaf) { continue }
            var node = leaf
            while true {
                let p = parentOf[node - n]
                if p == n { break }  // parent is the root: keep node
                if 1.0 / birthLambda[p - n] > epsilon {
                    node = p
                    break
                }
                node = p
            }
            selected.insert(node)
            var stack = children[node - n]
            while let x = stack.popLast() {
                processed.insert(x)
                stack.append(contentsOf: children[x - n])
            }
        }
        return selected
    }

    /// Labels (-1 noise; clusters numbered in order of their ids), membership probabilities and
    /// GLOSH outlier scores. O(rows).
    ///
    /// A point belongs to the nearest selected cluster above it in the condensed tree.
    /// Probability: λ_p / λ_max(C), capped at 1, where λ_p is where the point left the tree and
    /// λ_max(C) the largest λ among C's own rows (the `hdbscan` package's definition; 1 when that
    /// is 0 or λ_p is infinite). GLOSH (Campello, Moulavi, Zimek & Sander 2015, "Hierarchical
    /// density estimates for data clustering, visualization, and outlier detection", eq. 8):
    /// (λ_max(C) − λ_p) / λ_max(C) with C the cluster the point fell out of and λ_max(C) the
    /// largest λ of any point in C's subtree (0 when λ_p is infinite or λ_max is 0; 1 when only
    /// λ_max is infinite).
    static func label(_ t: CondensedTree, selected: [Int]) -> (labels: [Int], probabilities: [Double], outlierScores: [Double]) {
        let n = t.points, k = t.clusterCount
        var labelOfCluster = [Int](repeating: -1, count: k)
        for (i, c) in selected.enumerated() { labelOfCluster[c - n] = i }
        var parentOf = [Int](repeating: -1, count: k)
        var ownMax = [Double](repeating: 0, count: k)      // largest λ of a cluster's own rows
        var subtreeMax = [Double](repeating: 0, count: k)  // largest point λ in the subtree
        for i in 0..<t.rowCount {
            let p = t.parent[i] - n
            ownMax[p] = max(ownMax[p], t.lambda[i])
            if t.childSize[i] > 1 { parentOf[t.child[i] - n] = t.parent[i] } else { subtreeMax[p] = max(subtreeMax[p], t.lambda[i]) }
        }
        for c in stride(from: k - 1, through: 1, by: -1) {
            let p = parentOf[c] - n
            subtreeMax[p] = max(subtreeMax[p], subtreeMax[c])
        }
        // The selected cluster (label) each cluster sits under, walking down in id order.
        var owner = [Int](repeating: -1, count: k)
        for c in 1..<max(1, k) {
            owner[c] = labelOfCluster[c] >= 0 ? c : owner[parentOf[c] - n]
        }
        var labels = [Int](repeating: -1, count: n)
        var probabilities = [Double](repeating: 0, count: n)
        var scores = [Double](repeating: 0, count: n)
        for i in 0..<t.rowCount where t.childSize[i] == 1 {
            let x = t.child[i], p = t.parent[i] - n, lam = t.lambda[i]
            let top = subtreeMax[p]
            if lam.isInfinite || top == 0 { scores[x] = 0 } else if top.isInfinite { scores[x] = 1 } else { scores[x] = (top - lam) / top }
            let o = owner[p]
            guard o >= 0 else { continue }
            labels[x] = labelOfCluster[o]
            let death = ownMax[o]
            probabilities[x] = death == 0 || lam.isInfinite ? 1 : min(lam, death) / death
        }
        return (labels, probabilities, scores)
    }
}
