import PolytopePlots

extension HTMLReport {
    /// "Cluster 3", or "Noise" for HDBSCAN's noise group (id -1).
    static func clusterName(_ id: Int) -> String { id < 0 ? "Noise (HDBSCAN: in no dense region)" : "Cluster \(id)" }

    /// HDBSCAN's condensed tree as an inline SVG, with how to read it.
    static func appendCondensedTree(_ tree: [CondensedClusterInfo], layer: LayerClusters, into out: inout String) {
        out += "<h3>HDBSCAN condensed tree</h3>\n<p class=\"note\">Read from the top down: all codes form one group at "
        out += "large Hamming distances; going down, groups split where two parts of at least min_cluster_size codes "
        out += "separate, and codes that leave without forming such a part become noise. Coloured bars are the selected "
        out += "clusters (numbered as in the index below); hover a bar for its size and distances. Noise: "
        out += "\(grouped(layer.noise ?? 0)) of \(grouped(layer.tokens)) tokens, shown as its own group at the end of the index.</p>\n"
        let plot = SVGPlot.CondensedTree(
            title: "Layer \(layer.layer): condensed tree (\(layer.k) clusters)",
            nodes: tree.map {
                .init(id: $0.id, parent: $0.parent, birthDistance: $0.birthDistance.map(Double.init),
                      deathDistance: Double($0.deathDistance), size: $0.size, label: $0.label)
            })
        out += "<div class=\"figures\">" + plot.fragment() + "</div>\n"
    }
}
