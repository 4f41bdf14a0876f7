import Foundation
import XCTest
@testable import PolytopeProbe
@testable import PolytopePlots
@testable import PolytopeReport

final class ReportTests: XCTestCase {
    let data = ReportSamples.small()

    /// Writes the sample report (with extra sections) where POLYTOPE_REPORT_SAMPLE_OUT says,
    /// for scripts/screenshot-report.sh; otherwise does nothing.
    func testWritesSampleWhenAsked() throws {
        guard let path = ProcessInfo.processInfo.environment["POLYTOPE_REPORT_SAMPLE_OUT"], !path.isEmpty else { return }
        let sample = ProcessInfo.processInfo.environment["POLYTOPE_REPORT_SAMPLE_SIZE"] == "large" ? ReportSamples.large() : data
        try HTMLReport.write(sample, to: URL(fileURLWithPath: path), extraSections: Self.sampleSections())
    }

    static func sampleSections() -> [ReportSection] {
        let xs = (0...40).map { Double($0) / 40 }
        let chart = SVGPlot.LineChart(
            title: "Boundary density vs KL divergence along a path (synthetic)", xLabel: "position along path",
            yLabel: "boundaries crossed per step", rightYLabel: "KL divergence (nats)",
            series: [SVGPlot.Series(label: "boundary density", x: xs, y: xs.map { 40 + 30 * sin(6 * $0) }),
                     SVGPlot.Series(label: "KL", x: xs, y: xs.map { 0.02 + 0.2 * $0 * $0 }, side: .right, dashed: true)])
        let scaling = SVGPlot.LineChart(
            title: "Distinct codes vs tokens (synthetic)", xLabel: "tokens", yLabel: "distinct codes",
            series: [SVGPlot.Series(label: "layer 0", x: [1e2, 1e3, 1e4, 1e5], y: [100, 990, 9000, 62000], showPoints: true),
                     SVGPlot.Series(label: "layer 3", x: [1e2, 1e3, 1e4, 1e5], y: [98, 900, 6000, 21000], showPoints: true)],
            xScale: .log10, yScale: .log10, width: 480)
        return [
            .figures(title: "Code statistics", svgs: [chart.fragment(), scaling.fragment()],
                     caption: "Synthetic curves, to show how figures sit in the report."),
            .table(title: "Baselines", caption: "Synthetic numbers.", columns: ["method", "clusters", "entropy"],
                   rows: [["polytope (hamming)", "8", "1.2"], ["activations <cosine>", "8", "1.6"]], placement: .afterLayers),
        ]
    }

    func testDocumentIsBalancedAndSelfContained() {
        let html = HTMLReport.render(data, extraSections: Self.sampleSections())
        XCTAssertTrue(html.hasPrefix("<!DOCTYPE html>"))
        XCTAssertNil(TagBalance.problem(in: html))
        for tag in ["html", "head", "body", "main", "nav", "footer", "style", "script"] {
            XCTAssertEqual(html.occurrences(of: "<\(tag)>") + html.occurrences(of: "<\(tag) "), 1, tag)
            XCTAssertEqual(html.occurrences(of: "</\(tag)>"), 1, tag)
        }
        // The only URLs are SVG namespace names, never something to fetch.
        XCTAssertEqual(html.occurrences(of: "http://") + html.occurrences(of: "https://"),
                       html.occurrences(of: "xmlns=\"http://www.w3.org/2000/svg\""))
        for attribute in ["src", "href", "action", "srcset"] {
            for value in html.attributeValues(attribute) {
                XCTAssertTrue(value.hasPrefix("#"), "\(attribute)=\(value) is not a fragment link")
            }
        }
        XCTAssertFalse(html.contains("@import"))
        XCTAssertFalse(html.contains("url("))
    }

    func testOneCardPerClusterAndIndexLinksResolve() {
        let html = HTMLReport.render(data)
        let clusters = data.layers.reduce(0) { $0 + $1.clusters.count }
        XCTAssertEqual(html.occurrences(of: "<article class=\"card\""), clusters)
        let ids = html.attributeValues("id")
        XCTAssertEqual(Set(ids).count, ids.count, "duplicate ids")
        let links = html.attributeValues("href").map { String($0.dropFirst()) }
        XCTAssertFalse(links.isEmpty)
        for link in links { XCTAssertTrue(ids.contains(link), "#\(link) has no target") }
        // Every index row links to its own card, in the layer's cluster order.
        for (i, layer) in data.layers.enumerated() {
            let index = html.slice(after: "id=\"layer-\(i)-index\"", from: "<tbody>", to: "</tbody>") ?? ""
            XCTAssertEqual(index.occurrences(of: "<tr>"), layer.clusters.count)
            let targets = index.attributeValues("href")
            XCTAssertEqual(targets, layer.clusters.indices.map { "#layer-\(i)-cluster-\($0)" })
            XCTAssertTrue(ids.contains("layer-\(i)"))
        }
    }

    func testHostileTextIsEscapedEverywhere() {
        let html = HTMLReport.render(data, extraSections: [ReportSection(title: ReportSamples.hostile, html: "<p>trusted</p>")])
        XCTAssertFalse(html.contains(ReportSamples.hostile))
        XCTAssertFalse(html.contains("<img"))
        XCTAssertFalse(html.contains("<b>bold"))
        XCTAssertEqual(html.occurrences(of: "<script>"), 1)
        XCTAssertEqual(html.occurrences(of: "</script>"), 1)
        XCTAssertTrue(html.contains("&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;&quot;&#39;&amp;amp;"))
        XCTAssertTrue(html.contains("before &lt;b&gt;bold&lt;/b&gt; &amp; "))
        XCTAssertTrue(html.contains("gpt2-relu &lt;tiny&gt; &amp; &quot;friends&quot;"))
        XCTAssertTrue(html.contains("&lt;evil&gt;&quot;name&#39;.txt"))
        XCTAssertFalse(html.contains("<evil>"))
        // Extra sections: title escaped, body inserted as given.
        XCTAssertTrue(html.contains("<p>trusted</p>"))
        XCTAssertNil(TagBalance.problem(in: html))
    }

    func testMedoidTokenHighlightedInItsContext() {
        let html = HTMLReport.render(data)
        let card = html.slice(after: "id=\"layer-0-cluster-0\"", from: "<tr class=\"medoid\">", to: "</tr>") ?? ""
        XCTAssertTrue(card.contains(
            "<td class=\"l\"><div><span>It was the best of</span></div></td>"
                + "<td class=\"r\"><div><mark class=\"tok\"><span class=\"ws\">·</span>times</mark>, it was the worst of times</div></td>"),
            card)
        // Each card has exactly one medoid row, and its token is the one highlighted there.
        XCTAssertEqual(html.occurrences(of: "<tr class=\"medoid\">"), 5)
        let hostileRow = html.slice(after: "id=\"layer-0-cluster-1\"", from: "<tr class=\"medoid\">", to: "</tr>") ?? ""
        XCTAssertTrue(hostileRow.contains("<mark class=\"tok\">&lt;/script&gt;&lt;img"), hostileRow)
        // The medoid is not repeated among the members below it.
        let firstCard = html.slice(after: "id=\"layer-0-cluster-0\"", from: "<table class=\"kwic\">", to: "</article>") ?? ""
        XCTAssertEqual(firstCard.occurrences(of: "It was the best of"), 1)
    }

    func testWhitespaceAndLongContextsReadSensibly() {
        let html = HTMLReport.render(data)
        // Newlines and tabs in context become marks, never raw line breaks inside a KWIC row.
        let row = html.slice(after: "id=\"layer-0-cluster-0\"", from: "<tbody><tr>", to: "</tr>") ?? ""
        XCTAssertTrue(row.contains("happy<span class=\"ws\">⏎</span>in former"), row)
        XCTAssertTrue(row.contains(" and<span class=\"ws\">⇥</span>now"), row)
        XCTAssertFalse(row.contains("\n"))
        // A newline token and a space token are visible chips, not blanks.
        XCTAssertTrue(html.contains("<span class=\"chip\" title=\"1 of 3\"><span class=\"ws\">⏎</span><small>1</small></span>"))
        XCTAssertTrue(html.contains("<span class=\"chip\" title=\"1 of 3\"><span class=\"ws\">·</span><small>1</small></span>"))
        // Long contexts are cut to 80 characters each side, marked with an ellipsis.
        let long = html.slice(after: "id=\"layer-0-cluster-0\"", from: "<span class=\"cut\">…</span>", to: "</span></div>") ?? ""
        XCTAssertEqual(long.count, ContextSnippet.contextCharacters)
        XCTAssertTrue(long.hasSuffix("the 👨‍👩‍👧 family of"))
    }

    func testContextTrimmingKeepsWholeCharacters() {
        // A family emoji (one Character, 7 scalars) straddling the cut is kept whole or dropped.
        let family = "👨‍👩‍👧"
        for pad in 0..<3 {
            let left = String(repeating: "x", count: 90) + family + String(repeating: "y", count: 78 + pad)
            let (kept, cut) = ContextSnippet.trimLeft(left)
            XCTAssertTrue(cut)
            XCTAssertEqual(kept.count, 80)
            XCTAssertTrue(kept.hasSuffix(String(repeating: "y", count: 78 + pad)))
            XCTAssertEqual(kept.contains(family), pad < 2, "pad \(pad)")
            XCTAssertFalse(kept.unicodeScalars.first == "\u{200D}")
        }
        let (head, headCut) = ContextSnippet.trimRight("e\u{301}" + String(repeating: "z", count: 100))
        XCTAssertTrue(headCut)
        XCTAssertEqual(head.count, 80)
        XCTAssertTrue(head.hasPrefix("e\u{301}"))
        XCTAssertEqual(ContextSnippet.trimLeft("short").cut, false)
    }

    func testMeasuresTableHasOneRowPerMeasureWithBestMarked() {
        let html = HTMLReport.render(data)
        for (i, layer) in data.layers.enumerated() {
            guard let start = html.range(of: "id=\"layer-\(i)\""),
                  let table = html[start.lowerBound...].range(of: "<table class=\"data measures\">"),
                  let body = html[table.upperBound...].range(of: "<tbody>"),
                  let end = html[body.upperBound...].range(of: "</tbody>") else { return XCTFail("layer \(i): no measures table") }
            let rows = String(html[body.upperBound..<end.lowerBound])
            XCTAssertEqual(rows.occurrences(of: "<tr"), layer.measures.count)
            var cursor = rows.startIndex
            for m in layer.measures {
                guard let r = rows[cursor...].range(of: ">\(m.method)</td>") else { return XCTFail("\(m.method) missing or out of order") }
                cursor = r.upperBound
            }
            // Lowest token entropy is the first row, highest single-token fraction the first too.
            let first = rows.components(separatedBy: "</tr>")[0]
            XCTAssertEqual(first.occurrences(of: "class=\"num best\""), 2, first)
            XCTAssertTrue(first.contains("<td class=\"num best\">1.200</td>"))
            XCTAssertTrue(first.contains("<td class=\"num best\">50.0%</td>"))
        }
        XCTAssertTrue(html.contains("Black et al. 2022"))
    }

    func testTiedMeasuresMarkNoBest() {
        var tied = data
        for i in tied.layers[1].measures.indices { tied.layers[1].measures[i].singleTokenFraction = 0 }
        let html = HTMLReport.render(tied)
        let layer1 = html.slice(after: "id=\"layer-1\"", from: "<table class=\"data measures\">", to: "</table>") ?? ""
        XCTAssertEqual(layer1.occurrences(of: "<td class=\"num\">0.0%</td>"), 2)
        XCTAssertEqual(layer1.occurrences(of: "class=\"num best\""), 2, layer1)  // the two entropy columns only
    }

    func testSectionsArePlacedAndLinkedWithUniqueAnchors() {
        let sections = [
            ReportSection(title: "Code statistics", html: "<p>A</p>"),
            ReportSection(title: "Code statistics", html: "<p>B</p>", placement: .afterLayers),
            ReportSection(title: "Overview", html: "<p>C</p>"),
            ReportSection(title: "x", html: "<p>D</p>", anchor: "layer-0"),
        ]
        XCTAssertEqual(HTMLReport.sectionAnchors(sections), ["code-statistics", "code-statistics-2", "overview-2", "section-layer-0"])
        let html = HTMLReport.render(data, extraSections: sections)
        let a = html.range(of: "<p>A</p>")!.lowerBound, b = html.range(of: "<p>B</p>")!.lowerBound
        let layers = html.range(of: "<section class=\"layer\"")!.lowerBound
        XCTAssertLessThan(a, layers)
        XCTAssertGreaterThan(b, layers)
        XCTAssertTrue(html.contains("<a href=\"#code-statistics-2\">Code statistics</a>"))
        XCTAssertNil(TagBalance.problem(in: html))
    }

    func testTableSectionEscapesCells() {
        let section = ReportSection.table(title: "Baselines", caption: "<i>", columns: ["a<b"], rows: [["1.5"], ["<x>"]])
        XCTAssertTrue(section.html.contains("<td class=\"num\">1.5</td>"))
        XCTAssertTrue(section.html.contains("<td>&lt;x&gt;</td>"))
        XCTAssertTrue(section.html.contains("<th>a&lt;b</th>"))
        XCTAssertFalse(section.html.contains("<i>"))
    }

    func testWriteIsTheRenderedDocument() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("report-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("report.html")
        try HTMLReport.write(data, to: url)
        XCTAssertEqual(try String(contentsOf: url, encoding: .utf8), HTMLReport.render(data))
        XCTAssertThrowsError(try HTMLReport.write(data, to: dir.appendingPathComponent("missing/report.html"))) { error in
            XCTAssertTrue("\(error)".contains("missing/report.html"), "\(error)")
        }
    }

    func testLargeReportKeepsItsStructure() {
        let large = ReportSamples.large()
        let html = HTMLReport.render(large)
        XCTAssertEqual(html.occurrences(of: "<article class=\"card\""), 200)
        XCTAssertEqual(html.occurrences(of: "<tr class=\"medoid\">"), 200)
        // 19 members besides the medoid per card: 8 open, 11 behind "more".
        XCTAssertEqual(html.occurrences(of: "<summary>11 more members</summary>"), 200)
        XCTAssertNil(TagBalance.problem(in: html))
    }

    func testEmptyReportStillRenders() {
        let empty = ProbeReportData(model: "m", corpus: [], documents: 0, tokensSeen: 0, tokensRecorded: 0, layers: [], createdAt: "")
        let html = HTMLReport.render(empty)
        XCTAssertNil(TagBalance.problem(in: html))
        XCTAssertTrue(html.contains("No layer was clustered."))
    }

    func testTagBalanceCatchesMisnesting() {
        XCTAssertNotNil(TagBalance.problem(in: "<div><span></div></span>"))
        XCTAssertNotNil(TagBalance.problem(in: "<table><tr><td></td></table>"))
        XCTAssertNil(TagBalance.problem(in: "<div><col><line/><script>if (a < b) {}</script></div>"))
    }
}
