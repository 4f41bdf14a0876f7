import PolytopeReport
import Foundation

/// Monosemanticity measures of a grouping of recorded tokens (Black et al. 2022, §4: a region
/// "means" one thing when its tokens are few distinct tokens, or share their context).
public enum Monosemanticity {
    /// Shannon entropy in bits of the values' empirical distribution.
    public static func entropy<S: Sequence>(_ values: S) -> Double where S.Element: Hashable {
        var counts: [S.Element: Int] = [:]
        var n = 0
        for v in values { counts[v, default: 0] += 1; n += 1 }
        guard n > 0 else { return 0 }
        var h = 0.0
        for c in counts.values {
            let p = Double(c) / Double(n)
            h -= p * log2(p)
        }
        return h
    }

    /// Measures of a grouping: `groups` lists the member rows of each group (clusters, or a
    /// neuron's top-activating tokens). Groups of size 0 are ignored; the single-token share is
    /// over groups of size >= 2.
    public static func measures(method: String, groups: [[Int]], tokenIDs: [Int], previousIDs: [Int]) -> ClusteringMeasures {
        let nonEmpty = groups.filter { !$0.isEmpty }
        var tokenH = 0.0, prevH = 0.0
        var multi = 0, single = 0
        for g in nonEmpty {
            tokenH += entropy(g.map { tokenIDs[$0] })
            prevH += entropy(g.map { previousIDs[$0] })
            if g.count >= 2 {
                multi += 1
                let first = tokenIDs[g[0]]
                if g.allSatisfy({ tokenIDs[$0] == first }) { single += 1 }
            }
        }
        let n = Double(max(1, nonEmpty.count))
        return ClusteringMeasures(method: method, clusters: nonEmpty.count, meanTokenEntropy: tokenH / n,
                                  meanPreviousTokenEntropy: prevH / n,
                                  singleTokenFraction: multi > 0 ? Double(single) / Double(multi) : 0)
    }

    /// Member rows of each cluster from labels.
    public static func groups(labels: [Int], k: Int) -> [[Int]] {
        var g = [[Int]](repeating: [], count: k)
        for (i, c) in labels.enumerated() { g[c].append(i) }
        return g
    }
}
