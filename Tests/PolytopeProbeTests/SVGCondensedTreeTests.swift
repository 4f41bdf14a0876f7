import Foundation
import XCTest
@testable import PolytopePlots
@testable import PolytopeReport

/// The condensed-tree picture: one bar per cluster inside the plot, widths shared by size,
/// selected clusters coloured and labelled, a note instead of a tree when there is none.
final class SVGCondensedTreeTests: XCTestCase {
    func rects(_ svg: String) -> [(x: Double, y: Double, w: Double, h: Double, fill: String, title: String)] {
        let re = try! NSRegularExpression(pattern: "<rect x=\"([-\\d.]+)\" y=\"([-\\d.]+)\" width=\"([\\d.]+)\" height=\"([\\d.]+)\" fill=\"([^\"]+)\"><title>([^<]+)</title>")
        return re.matches(in: svg, range: NSRange(svg.startIndex..., in: svg)).map { m in
            func g(_ i: Int) -> String { String(svg[Range(m.range(at: i), in: svg)!]) }
            return (Double(g(1))!, Double(g(2))!, Double(g(3))!, Double(g(4))!, g(5), g(6))
        }
    }

    func testBarsFollowTheTree() {
        // Root (100 codes) splits at 40 into A (60) and B (30); A splits at 20 into C (25) and D (25).
        let nodes: [SVGPlot.CondensedTree.Node] = [
            .init(id: 0, parent: nil, birthDistance: nil, deathDistance: 40, size: 100, label: nil),
            .init(id: 1, parent: 0, birthDistance: 40, deathDistance: 20, size: 60, label: nil),
            .init(id: 2, parent: 0, birthDistance: 40, deathDistance: 31, size: 30, label: 0),
            .init(id: 3, parent: 1, birthDistance: 20, deathDistance: 8, size: 25, label: 1),
            .init(id: 4, parent: 1, birthDistance: 20, deathDistance: 12, size: 25, label: 2),
        ]
        let svg = SVGPlot.CondensedTree(title: "t", nodes: nodes, width: 700, height: 300).fragment()
        let r = rects(svg)
        XCTAssertEqual(r.count, 5)
        XCTAssertTrue(r.allSatisfy { $0.x >= 0 && $0.x + $0.w <= 700 && $0.y >= 0 && $0.y + $0.h <= 300 })
        let byTitle = { (prefix: String) in r.first { $0.title.hasPrefix(prefix) }! }
        let a = byTitle("condensed cluster 1"), b = byTitle("cluster 0"), c = byTitle("cluster 1"), d = byTitle("cluster 2")
        // Sizes share the parent's width: A is twice B; C and D equal.
        XCTAssertEqual(a.w / b.w, 2, accuracy: 0.05)
        XCTAssertEqual(c.w, d.w, accuracy: 0.2)
        // Higher distance is higher up: A and B start together, C and D start where A ends.
        XCTAssertEqual(a.y, b.y, accuracy: 0.1)
        XCTAssertEqual(c.y, a.y + a.h, accuracy: 0.2)
        XCTAssertGreaterThan(c.h, d.h, "C lives down to distance 8, D to 12")
        XCTAssertEqual(a.fill, "#cbd5e1", "not selected: grey")
        XCTAssertEqual(Set([b.fill, c.fill, d.fill]).count, 3, "selected clusters get distinct colours")
        XCTAssertTrue(svg.contains(">1</text>") && svg.contains(">2</text>"), "labels drawn on wide bars")
    }

    func testNoTree() {
        let svg = SVGPlot.CondensedTree(title: "t", nodes: [.init(id: 0, parent: nil, birthDistance: nil, deathDistance: 3, size: 9, label: nil)]).fragment()
        XCTAssertTrue(svg.contains("every code is noise"))
        XCTAssertEqual(rects(svg).count, 0)
    }
}
