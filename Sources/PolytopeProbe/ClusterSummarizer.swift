import PolytopeReport
import Foundation
import PolytopeCodes
import PolytopeTokenizers

/// Turns a clustering into summaries a person can read: medoid and nearest members in context,
/// top tokens, coherence, entropies, and the distribution of distances to the medoid.
struct ClusterSummarizer {
    let codes: CodeMatrix
    let records: [TokenRecord]
    let texts: DocumentTexts
    let tokenizer: any Tokenizer
    let membersShown: Int
    let contextBytes: Int

    /// Rows whose context the summaries show (for loading only those documents).
    static func shownRows(medoids: [Int], labels: [Int], codes: CodeMatrix, membersShown: Int) -> [[Int]] {
        let groups = Monosemanticity.groups(labels: labels, k: medoids.count)
        return zip(medoids, groups).map { medoid, members in
            let sorted = members.map { ($0, codes.distance($0, medoid)) }.sorted { ($0.1, $0.0) < ($1.1, $1.0) }
            return sorted.prefix(membersShown + 1).map(\.0)
        }
    }

    func tokenText(_ id: Int) -> String { String(decoding: tokenizer.decode([id]), as: UTF8.self) }

    func summaries(medoids: [Int], labels: [Int]) -> [ClusterSummary] {
        let groups = Monosemanticity.groups(labels: labels, k: medoids.count)
        return medoids.enumerated().map { c, medoid in
            let members = groups[c]
            let dist = members.map { codes.distance($0, medoid) }
            let order = members.indices.sorted { (dist[$0], members[$0]) < (dist[$1], members[$1]) }
            let shown = order.filter { members[$0] != medoid }.prefix(membersShown).map {
                texts.occurrence(records[members[$0]], context: contextBytes, distance: dist[$0])
            }
            var counts: [Int: Int] = [:]
            for m in members { counts[records[m].tokenID, default: 0] += 1 }
            let top = counts.sorted { ($1.value, $0.key) < ($0.value, $1.key) }.prefix(8)
            let maxD = dist.max() ?? 0
            let bin = max(1, (maxD + 20) / 20)
            var hist = [Int](repeating: 0, count: maxD / bin + 1)
            for d in dist { hist[d / bin] += 1 }
            let size = members.count
            return ClusterSummary(
                id: c, size: size, medoidRow: medoid,
                medoid: texts.occurrence(records[medoid], context: contextBytes, distance: 0),
                members: Array(shown),
                meanDistance: size > 0 ? Double(dist.reduce(0, +)) / Double(size) : 0, maxDistance: maxD,
                topTokens: top.map { TokenCount(text: tokenText($0.key), count: $0.value) },
                coherence: size > 0 ? Double(top.first?.value ?? 0) / Double(size) : 0,
                tokenEntropy: Monosemanticity.entropy(members.map { records[$0].tokenID }),
                previousTokenEntropy: Monosemanticity.entropy(members.map { records[$0].previousTokenID }),
                distanceHistogram: hist, histogramBinWidth: bin, memberRows: order.map { members[$0] })
        }
    }
}
