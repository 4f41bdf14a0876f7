import PolytopePlots

extension HTMLReport {
    /// One cluster's card: stats, top tokens, the medoid and the members as keyword-in-context
    /// lines aligned on the token, and a histogram of distances to the medoid.
    static func appendCard(_ c: ClusterSummary, layer: LayerClusters, index: Int, position: Int,
                           into out: inout String) {
        out += "<article class=\"card\" id=\"\(clusterAnchor(layer: index, position: position))\">\n"
        out += "<header><h4>\(clusterName(c.id))</h4><span class=\"stats\">"
        out += "<span>size <b>\(grouped(c.size))</b></span>"
        out += "<span>coherence <b>\(decimal(c.coherence, 2))</b></span>"
        out += "<span>mean dist. <b>\(decimal(c.meanDistance, 1))</b></span>"
        out += "<span>max dist. <b>\(c.maxDistance)</b></span>"
        out += "<span>token H <b>\(decimal(c.tokenEntropy, 2))</b></span>"
        out += "<span>prev. H <b>\(decimal(c.previousTokenEntropy, 2))</b></span></span>"
        out += "<a class=\"up\" href=\"#\(layerAnchor(index))-index\" title=\"back to the index\">↑ index</a></header>\n"
        out += "<div class=\"card-body\"><div class=\"card-main\">"
        if !c.topTokens.isEmpty {
            appendChips(c.topTokens.prefix(10), total: c.size, into: &out)
        }
        out += "<table class=\"kwic\"><colgroup><col class=\"c-d\"><col class=\"c-l\"><col class=\"c-r\"><col class=\"c-s\"></colgroup>"
        out += "<tbody class=\"medoid\">"
        appendKWICRow(c.medoid, distance: 0, role: "medoid", into: &out)
        out += "</tbody>"
        let members = c.members.filter { $0 != c.medoid }
        let open = members.prefix(openMembers), rest = members.dropFirst(openMembers)
        out += "<tbody>"
        for m in open { appendKWICRow(m, distance: m.distance, role: nil, into: &out) }
        out += "</tbody></table>"
        if !rest.isEmpty {
            out += "<details><summary>\(rest.count) more member\(rest.count == 1 ? "" : "s")</summary>"
            out += "<table class=\"kwic\"><colgroup><col class=\"c-d\"><col class=\"c-l\"><col class=\"c-r\"><col class=\"c-s\"></colgroup><tbody>"
            for m in rest { appendKWICRow(m, distance: m.distance, role: nil, into: &out) }
            out += "</tbody></table></details>"
        }
        let shown = members.count + 1
        if c.size > shown {
            out += "<p class=\"more\">showing \(shown) of \(grouped(c.size)) tokens, nearest to the medoid first</p>"
        }
        out += "</div>"
        appendHistogram(c, bits: layer.bits, into: &out)
        out += "</div>\n</article>\n"
    }

    /// One concordance line: distance, left context (clipped on the left), the token
    /// highlighted with its right context, and the source.
    static func appendKWICRow(_ t: TokenOccurrence, distance: Int?, role: String?, into out: inout String) {
        out += "<tr"
        if let role { out += " class=\"\(role)\"" }
        out += "><td class=\"d\">"
        out += distance.map(String.init) ?? "·"
        out += "</td><td class=\"l\"><div><span>"
        let (left, leftCut) = ContextSnippet.trimLeft(t.left)
        if leftCut { out += "<span class=\"cut\">…</span>" }
        ContextSnippet.appendContext(left, into: &out)
        out += "</span></div></td><td class=\"r\"><div><mark class=\"tok\">"
        ContextSnippet.appendToken(t.text, into: &out)
        out += "</mark>"
        let (right, rightCut) = ContextSnippet.trimRight(t.right)
        ContextSnippet.appendContext(right, into: &out)
        if rightCut { out += "<span class=\"cut\">…</span>" }
        out += "</div></td><td class=\"s\" title=\""
        HTMLEscaping.escape("\(t.source) · document \(t.document) · bytes \(t.byteStart)–\(t.byteEnd) · window \(t.window) position \(t.position) · token id \(t.tokenID)", into: &out)
        out += "\">"
        HTMLEscaping.escape(shortSource(t.source), into: &out)
        out += "</td></tr>"
    }

    /// The file name of a source path (keeping a `:line` suffix), for the narrow source column.
    static func shortSource(_ source: String) -> String {
        guard let slash = source.lastIndex(of: "/") else { return source }
        let tail = source[source.index(after: slash)...]
        return tail.isEmpty ? source : String(tail)
    }

    /// The card's thumbnail histogram of Hamming distances to the medoid, the mean marked.
    static func appendHistogram(_ c: ClusterSummary, bits: Int, into out: inout String) {
        out += "<figure class=\"hist\">"
        let hist = SVGPlot.Histogram(
            title: "\(clusterName(c.id)): Hamming distance to medoid",
            counts: c.distanceHistogram, binStart: 0, binWidth: Double(max(1, c.histogramBinWidth)),
            markers: c.meanDistance.isFinite ? [SVGPlot.Marker(x: c.meanDistance, label: "mean \(decimal(c.meanDistance, 1))")] : [],
            width: 250, height: 110, compact: true)
        out += hist.fragment()
        out += "<figcaption title=\"codes of \(bits) bits\">Hamming distance to medoid</figcaption></figure>"
    }
}
