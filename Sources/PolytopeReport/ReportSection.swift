import PolytopePlots
/// A titled block of pre-rendered HTML that the report shows beside the clusters: code
/// statistics with SVG plots, a baselines table, anything a probe step wants a reader to see.
///
/// The title is escaped; `html` is inserted as is, so whoever builds it must escape what came
/// from outside (use `HTMLEscaping.escape`, or the `table` and `figure` helpers, which do).
public struct ReportSection: Sendable, Equatable {
    /// Where the section goes in the page.
    public enum Placement: Sendable, Equatable {
        /// After the run overview, before the per-layer clusters.
        case beforeLayers
        /// After every layer.
        case afterLayers
    }

    public var title: String
    public var html: String
    /// The fragment id it is linked by (letters, digits, `-`); nil derives one from the title.
    public var anchor: String?
    public var placement: Placement

    public init(title: String, html: String, anchor: String? = nil, placement: Placement = .beforeLayers) {
        self.title = title
        self.html = html
        self.anchor = anchor
        self.placement = placement
    }

    /// A section holding one table: `columns` as its header, `rows` as text cells (escaped).
    /// Cells that parse as numbers are right-aligned, and so is the heading of a column of them.
    public static func table(title: String, caption: String? = nil, columns: [String], rows: [[String]],
                             placement: Placement = .beforeLayers) -> ReportSection {
        var html = ""
        if let caption {
            html += "<p class=\"note\">"
            HTMLEscaping.escape(caption, into: &html)
            html += "</p>"
        }
        // A column is numeric (right-aligned, heading too) when every non-empty cell parses.
        let numeric = columns.indices.map { i in
            rows.contains { i < $0.count && !$0[i].isEmpty } && rows.allSatisfy { i >= $0.count || $0[i].isEmpty || Double($0[i]) != nil }
        }
        html += "<div class=\"table-wrap\"><table class=\"data\"><thead><tr>"
        for (i, c) in columns.enumerated() {
            html += numeric[i] ? "<th class=\"num\">" : "<th>"
            HTMLEscaping.escape(c, into: &html)
            html += "</th>"
        }
        html += "</tr></thead><tbody>"
        for row in rows {
            html += "<tr>"
            for cell in row {
                html += Double(cell) != nil ? "<td class=\"num\">" : "<td>"
                HTMLEscaping.escape(cell, into: &html)
                html += "</td>"
            }
            html += "</tr>"
        }
        html += "</tbody></table></div>"
        return ReportSection(title: title, html: html, placement: placement)
    }

    /// A section of figures (SVG fragments from `SVGPlot`, trusted) with an optional caption.
    public static func figures(title: String, svgs: [String], caption: String? = nil,
                               placement: Placement = .beforeLayers) -> ReportSection {
        var html = "<div class=\"figures\">"
        for svg in svgs { html += "<figure>" + svg + "</figure>" }
        html += "</div>"
        if let caption {
            html += "<p class=\"note\">"
            HTMLEscaping.escape(caption, into: &html)
            html += "</p>"
        }
        return ReportSection(title: title, html: html, placement: placement)
    }
}
