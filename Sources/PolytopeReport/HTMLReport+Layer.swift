import PolytopePlots

extension HTMLReport {
    /// One layer: its facts, the monosemanticity comparison, the cluster index, the cards.
    static func appendLayer(_ layer: LayerClusters, index: Int, into out: inout String) {
        let anchor = layerAnchor(index)
        out += "<section class=\"layer\" id=\"\(anchor)\">\n<h2>Layer \(layer.layer) <code>"
        HTMLEscaping.escape(layer.hook, into: &out)
        out += "</code></h2>\n<div class=\"stats\">"
        func stat(_ name: String, _ value: String) {
            out += "<span>\(name) <b>"
            HTMLEscaping.escape(value, into: &out)
            out += "</b></span>"
        }
        stat("bits", grouped(layer.bits))
        stat("tokens", grouped(layer.tokens))
        if let noise = layer.noise {
            stat("clusters", String(layer.k))
            stat("noise", "\(grouped(noise)) (\(decimal(100 * Double(noise) / Double(max(1, layer.tokens)), 1))%)")
        } else {
            stat("k", String(layer.k))
        }
        stat("method", layer.method)
        stat("mode", layer.mode)
        if layer.noise == nil {
            stat("loss", decimal(layer.loss, 1))
            stat("iterations", String(layer.iterations))
        }
        if let s = layer.silhouette { stat("silhouette", decimal(s, 3)) }
        out += "</div>\n"
        if let tree = layer.condensedTree { appendCondensedTree(tree, layer: layer, into: &out) }

        appendMeasures(layer.measures, into: &out)

        out += "<h3 id=\"\(anchor)-index\">Clusters</h3>\n"
        if layer.clusters.isEmpty {
            out += "<p class=\"note\">No clusters.</p>\n</section>\n"
            return
        }
        out += "<p class=\"note\">In the probe's order; click a column heading to sort, "
        out += "a cluster id to open its card. Coherence: share of members that are the cluster's most frequent token. "
        out += "Entropies in bits; distances are Hamming distances between polytope codes (of \(grouped(layer.bits)) bits).</p>\n"
        appendIndex(layer, index: index, into: &out)
        out += "<div class=\"cards\">\n"
        for (position, cluster) in layer.clusters.enumerated() {
            appendCard(cluster, layer: layer, index: index, position: position, into: &out)
        }
        out += "</div>\n</section>\n"
    }

    /// Polytope clustering against the baselines, one row per `ClusteringMeasures`, the best
    /// value of each column marked.
    static func appendMeasures(_ measures: [ClusteringMeasures], into out: inout String) {
        out += "<h3>Monosemanticity: polytope codes vs baselines</h3>\n"
        guard !measures.isEmpty else {
            out += "<p class=\"note\">No measures were computed for this layer.</p>\n"
            return
        }
        out += "<p class=\"note\">How to read it: each row clusters the same tokens a different way. Lower entropy of the "
        out += "token (and of the token before it) inside clusters, and a higher share of single-token clusters, mean more "
        out += "monosemantic clusters. The polytope lens (Black et al. 2022) predicts polytope clusters are at least as "
        out += "monosemantic as activation clusters and more so than single neurons. Best value per column in bold.</p>\n"
        // A column where every row ties has no best value to point at.
        func best(_ values: [Double], _ pick: ([Double]) -> Double?) -> Double? {
            let finite = values.filter(\.isFinite)
            return Set(finite).count > 1 ? pick(finite) : nil
        }
        let bestToken = best(measures.map(\.meanTokenEntropy)) { $0.min() }
        let bestPrevious = best(measures.map(\.meanPreviousTokenEntropy)) { $0.min() }
        let bestSingle = best(measures.map(\.singleTokenFraction)) { $0.max() }
        out += "<div class=\"table-wrap\"><table class=\"data measures\"><thead><tr><th>clustering</th><th class=\"num\">clusters</th>"
        out += "<th class=\"num\">mean token entropy (bits)</th><th class=\"num\">mean previous-token entropy (bits)</th>"
        out += "<th class=\"num\">single-token clusters</th>"
        let showNoise = measures.contains { $0.noiseFraction != nil }
        if showNoise { out += "<th class=\"num\">left as noise</th>" }
        out += "</tr></thead><tbody>\n"
        for (i, m) in measures.enumerated() {
            out += i == 0 ? "<tr class=\"primary\"><td>" : "<tr><td>"
            HTMLEscaping.escape(m.method, into: &out)
            out += "</td><td class=\"num\">\(m.clusters)</td>"
            func cell(_ v: Double, best: Double?, text: String) {
                out += v == best ? "<td class=\"num best\">" : "<td class=\"num\">"
                out += text
                out += "</td>"
            }
            cell(m.meanTokenEntropy, best: bestToken, text: decimal(m.meanTokenEntropy, 3))
            cell(m.meanPreviousTokenEntropy, best: bestPrevious, text: decimal(m.meanPreviousTokenEntropy, 3))
            cell(m.singleTokenFraction, best: bestSingle,
                 text: m.singleTokenFraction.isFinite ? decimal(m.singleTokenFraction * 100, 1) + "%" : "—")
            if showNoise { out += "<td class=\"num\">" + (m.noiseFraction.map { decimal($0 * 100, 1) + "%" } ?? "—") + "</td>" }
            out += "</tr>\n"
        }
        out += "</tbody></table></div>\n"
    }

    /// The sortable index: one row per cluster, linking to its card.
    static func appendIndex(_ layer: LayerClusters, index: Int, into out: inout String) {
        // A long index scrolls in its own box (heading kept in view) so the cards stay near.
        out += layer.clusters.count > 16 ? "<div class=\"table-wrap tall\">" : "<div class=\"table-wrap\">"
        out += "<table class=\"data index sortable\"><thead><tr>"
        out += "<th data-sort=\"num\">id</th><th class=\"num\" data-sort=\"num\">size</th>"
        out += "<th data-sort=\"num\">coherence</th><th class=\"num\" data-sort=\"num\">mean dist.</th>"
        out += "<th class=\"num\" data-sort=\"num\">max dist.</th><th class=\"num\" data-sort=\"num\">token H</th>"
        out += "<th class=\"num\" data-sort=\"num\">prev. H</th><th>top tokens</th></tr></thead><tbody>\n"
        for (position, c) in layer.clusters.enumerated() {
            let anchor = clusterAnchor(layer: index, position: position)
            out += "<tr><td data-v=\"\(c.id)\"><a href=\"#\(anchor)\">\(c.id < 0 ? "noise" : String(c.id))</a></td>"
            out += "<td class=\"num\" data-v=\"\(c.size)\">\(grouped(c.size))</td>"
            let coherence = c.coherence.isFinite ? min(max(c.coherence, 0), 1) : 0
            out += "<td data-v=\"\(decimal(c.coherence, 4))\"><span class=\"meter\"><span style=\"width:\(Int((coherence * 100).rounded()))%\"></span></span>"
            out += decimal(c.coherence, 2) + "</td>"
            out += "<td class=\"num\" data-v=\"\(decimal(c.meanDistance, 3))\">\(decimal(c.meanDistance, 1))</td>"
            out += "<td class=\"num\" data-v=\"\(c.maxDistance)\">\(c.maxDistance)</td>"
            out += "<td class=\"num\" data-v=\"\(decimal(c.tokenEntropy, 4))\">\(decimal(c.tokenEntropy, 2))</td>"
            out += "<td class=\"num\" data-v=\"\(decimal(c.previousTokenEntropy, 4))\">\(decimal(c.previousTokenEntropy, 2))</td><td>"
            appendChips(c.topTokens.prefix(6), total: c.size, into: &out)
            out += "</td></tr>\n"
        }
        out += "</tbody></table></div>\n"
    }

    /// Token chips: the token with its whitespace visible, and its count.
    static func appendChips<C: Collection>(_ tokens: C, total: Int, into out: inout String) where C.Element == TokenCount {
        out += "<span class=\"chips\">"
        for t in tokens {
            out += "<span class=\"chip\" title=\"\(t.count) of \(total)\">"
            ContextSnippet.appendToken(t.text, into: &out)
            out += "<small>\(grouped(t.count))</small></span>"
        }
        out += "</span>"
    }
}
