import Foundation
import PolytopeIO
import PolytopePlots

/// The probe's clusters as one self-contained HTML page for a person to read: a run overview,
/// then per layer a comparison of polytope clusters with the baselines, an index of clusters
/// and one card per cluster showing its medoid and members in context (keyword-in-context
/// lines aligned on the token) with a histogram of their Hamming distances to the medoid.
///
/// The page needs nothing from the network: CSS and SVG are inline, and a few lines of inline
/// JavaScript only add sorting to the index tables (without it, everything still reads).
/// Every string from the corpus, the model or the command line is HTML-escaped.
///
/// Layout, anchors and how to add sections: docs/report.md.
public enum HTMLReport {
    /// Member rows shown open in each card; the rest sit behind a "more" disclosure.
    static let openMembers = 8

    /// The report as an HTML document.
    ///
    /// - Parameters:
    ///   - data: the probe's results.
    ///   - extraSections: further sections (statistics, plots, tables), placed and linked from
    ///     the navigation bar as each one's `placement` says, in the order given.
    /// - Complexity: O(total size of the output): one growing string, no re-copying.
    public static func render(_ data: ProbeReportData, extraSections: [ReportSection] = []) -> String {
        var out = ""
        let memberCount = data.layers.reduce(0) { $0 + $1.clusters.reduce(0) { $0 + $1.members.count + 1 } }
        out.reserveCapacity(40_000 + memberCount * 700)
        let anchors = sectionAnchors(extraSections)

        out += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>"
        HTMLEscaping.escape("Polytope clusters — \(data.model)", into: &out)
        out += "</title>\n<style>\n" + ReportStyle.css + "</style>\n</head>\n<body>\n"

        appendHeader(data, into: &out)
        appendNavigation(data, sections: extraSections, anchors: anchors, into: &out)
        out += "<main>\n"
        appendOverview(data, into: &out)
        for (section, anchor) in zip(extraSections, anchors) where section.placement == .beforeLayers {
            appendSection(section, anchor: anchor, into: &out)
        }
        for (index, layer) in data.layers.enumerated() {
            appendLayer(layer, index: index, into: &out)
        }
        for (section, anchor) in zip(extraSections, anchors) where section.placement == .afterLayers {
            appendSection(section, anchor: anchor, into: &out)
        }
        out += "</main>\n<footer>PolytopeLens · polytope codes after Black et al. 2022, "
        out += "“Interpreting Neural Networks through the Polytope Lens” (arXiv 2211.12312)"
        if !data.createdAt.isEmpty {
            out += " · created "
            HTMLEscaping.escape(data.createdAt, into: &out)
        }
        out += "</footer>\n<script>\n" + ReportStyle.script + "</script>\n</body>\n</html>\n"
        return out
    }

    /// Renders the report and writes it to `url` atomically (a reader never sees half a file).
    ///
    /// - Throws: `FileWriteError` naming the path when the file cannot be written.
    public static func write(_ data: ProbeReportData, to url: URL, extraSections: [ReportSection]) throws {
        try AtomicFile.write(Data(render(data, extraSections: extraSections).utf8), to: url)
    }

    /// Writes the report to `url` atomically (no extra sections).
    public static func write(_ data: ProbeReportData, to url: URL) throws {
        try write(data, to: url, extraSections: [])
    }

    // MARK: - Anchors

    /// The fragment id of layer number `index` (position in `data.layers`, so two clusterings
    /// of one layer never collide).
    public static func layerAnchor(_ index: Int) -> String { "layer-\(index)" }

    /// The fragment id of the card of the cluster at `position` in layer `index`'s clusters.
    public static func clusterAnchor(layer index: Int, position: Int) -> String { "layer-\(index)-cluster-\(position)" }

    /// Unique fragment ids for the extra sections: the given anchor (cleaned) or a slug of the
    /// title, suffixed `-2`, `-3`, ... on collision with each other or the report's own ids.
    static func sectionAnchors(_ sections: [ReportSection]) -> [String] {
        var used: Set<String> = ["overview", "top"]
        return sections.map { section in
            var slug = ""
            var lastDash = true
            for ch in (section.anchor ?? section.title).lowercased().unicodeScalars {
                if ch.properties.isAlphabetic && ch.isASCII || ("0"..."9").contains(ch) {
                    slug.unicodeScalars.append(ch)
                    lastDash = false
                } else if !lastDash {
                    slug += "-"
                    lastDash = true
                }
            }
            while slug.hasSuffix("-") { slug.removeLast() }
            if slug.isEmpty || slug.hasPrefix("layer-") { slug = "section" + (slug.isEmpty ? "" : "-" + slug) }
            var candidate = slug, n = 2
            while used.contains(candidate) {
                candidate = "\(slug)-\(n)"
                n += 1
            }
            used.insert(candidate)
            return candidate
        }
    }

    // MARK: - Page parts

    static func appendHeader(_ data: ProbeReportData, into out: inout String) {
        out += "<header class=\"top\" id=\"top\">\n<div class=\"kicker\">PolytopeLens · polytope clusters</div>\n<h1>"
        HTMLEscaping.escape(data.model, into: &out)
        out += "</h1>\n<dl class=\"facts\">"
        func fact(_ name: String, _ value: String) {
            out += "<div><dt>\(name)</dt><dd>"
            HTMLEscaping.escape(value, into: &out)
            out += "</dd></div>"
        }
        fact("corpus", data.corpus.isEmpty ? "—" : data.corpus.joined(separator: ", "))
        fact("documents", grouped(data.documents))
        fact("tokens seen", grouped(data.tokensSeen))
        fact("tokens recorded", grouped(data.tokensRecorded))
        fact("layers", data.layers.map { String($0.layer) }.joined(separator: ", "))
        if !data.createdAt.isEmpty { fact("created", data.createdAt) }
        out += "</dl>\n</header>\n"
    }

    static func appendNavigation(_ data: ProbeReportData, sections: [ReportSection], anchors: [String],
                                 into out: inout String) {
        out += "<nav class=\"bar\" aria-label=\"sections\"><a href=\"#overview\">Overview</a>"
        func link(_ section: ReportSection, _ anchor: String) {
            out += "<a href=\"#\(anchor)\">"
            HTMLEscaping.escape(section.title, into: &out)
            out += "</a>"
        }
        for (s, a) in zip(sections, anchors) where s.placement == .beforeLayers { link(s, a) }
        for (i, layer) in data.layers.enumerated() {
            out += "<a class=\"layer-tab\" href=\"#\(layerAnchor(i))\">Layer \(layer.layer)<small>"
            HTMLEscaping.escape(layer.hook, into: &out)
            out += "</small></a>"
        }
        for (s, a) in zip(sections, anchors) where s.placement == .afterLayers { link(s, a) }
        out += "</nav>\n"
    }

    static func appendOverview(_ data: ProbeReportData, into out: inout String) {
        out += "<section id=\"overview\" class=\"panel\">\n<h2>Overview</h2>\n"
        if data.layers.isEmpty {
            out += "<p class=\"note\">No layer was clustered.</p>\n</section>\n"
            return
        }
        out += "<div class=\"table-wrap\"><table class=\"data\"><thead><tr><th>layer</th><th>hook</th>"
        out += "<th class=\"num\">bits</th><th class=\"num\">tokens</th><th class=\"num\">k</th><th>method</th><th>mode</th>"
        out += "<th class=\"num\">loss</th><th class=\"num\">iterations</th><th class=\"num\">silhouette</th>"
        out += "<th class=\"num\" title=\"mean over clusters of the entropy of token identity\">mean token entropy</th></tr></thead><tbody>\n"
        for (i, layer) in data.layers.enumerated() {
            out += "<tr><td><a href=\"#\(layerAnchor(i))\">Layer \(layer.layer)</a></td><td><code>"
            HTMLEscaping.escape(layer.hook, into: &out)
            out += "</code></td><td class=\"num\">\(grouped(layer.bits))</td><td class=\"num\">\(grouped(layer.tokens))</td>"
            out += "<td class=\"num\">\(layer.k)</td><td>"
            HTMLEscaping.escape(layer.method, into: &out)
            out += "</td><td>"
            HTMLEscaping.escape(layer.mode, into: &out)
            out += "</td><td class=\"num\">\(decimal(layer.loss, 1))</td><td class=\"num\">\(layer.iterations)</td>"
            out += "<td class=\"num\">\(layer.silhouette.map { decimal($0, 3) } ?? "—")</td>"
            out += "<td class=\"num\">\(layer.measures.first.map { decimal($0.meanTokenEntropy, 2) } ?? "—")</td></tr>\n"
        }
        out += "</tbody></table></div>\n</section>\n"
    }

    static func appendSection(_ section: ReportSection, anchor: String, into out: inout String) {
        out += "<section class=\"panel extra\" id=\"\(anchor)\">\n<h2>"
        HTMLEscaping.escape(section.title, into: &out)
        out += "</h2>\n"
        out += section.html
        out += "\n</section>\n"
    }

    // MARK: - Number formatting

    /// `value` with `digits` decimals; "—" for NaN or infinity.
    static func decimal(_ value: Double, _ digits: Int) -> String {
        value.isFinite ? String(format: "%.\(digits)f", value) : "—"
    }

    /// An integer with thin-space thousands separators (locale-independent).
    static func grouped(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var out = value < 0 ? "-" : ""
        for (i, ch) in digits.enumerated() {
            if i > 0, (digits.count - i) % 3 == 0 { out += "\u{2009}" }
            out.append(ch)
        }
        return out
    }
}
