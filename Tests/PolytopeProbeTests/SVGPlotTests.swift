import Foundation
import XCTest
@testable import PolytopePlots
@testable import PolytopeReport

final class SVGPlotTests: XCTestCase {
    func testTicksForKnownRanges() {
        let a = AxisTicks(minimum: 0, maximum: 10, target: 6)
        XCTAssertEqual(a.values, [0, 2, 4, 6, 8, 10])
        XCTAssertEqual(a.labels, ["0", "2", "4", "6", "8", "10"])
        let b = AxisTicks(minimum: 0, maximum: 1, target: 6)
        XCTAssertEqual(b.labels, ["0", "0.2", "0.4", "0.6", "0.8", "1.0"])
        let c = AxisTicks(minimum: -3.7, maximum: 12.2, target: 6)
        XCTAssertEqual(c.values, [-5, 0, 5, 10, 15])
        let d = AxisTicks(minimum: 0, maximum: 20_000, target: 5)
        XCTAssertEqual(d.labels, ["0", "5k", "10k", "15k", "20k"])
        let e = AxisTicks(minimum: 0.01, maximum: 0.09, target: 5)
        XCTAssertEqual(e.labels, ["0", "0.02", "0.04", "0.06", "0.08", "0.10"])
        let f = AxisTicks(minimum: 1_000_000, maximum: 3_500_000, target: 6)
        XCTAssertEqual(f.labels, ["1.0M", "1.5M", "2.0M", "2.5M", "3.0M", "3.5M"])
        XCTAssertEqual(AxisTicks(logMinimum: 3, maximum: 700).labels, ["1", "10", "100", "1000"])
        XCTAssertEqual(AxisTicks(logMinimum: 20_000, maximum: 900_000).labels, ["10k", "100k", "1M"])
        XCTAssertEqual(AxisTicks(logMinimum: 0.002, maximum: 0.05).labels, ["0.001", "0.01", "0.1"])
    }

    /// Brute force over many ranges: the step is 1, 2 or 5 times a power of ten, the axis
    /// covers the data with whole steps, and the tick count stays near the target.
    func testTickPropertiesOverRandomRanges() {
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let scale = pow(10, Double.random(in: -6...9, using: &rng))
            let a = Double.random(in: -1...1, using: &rng) * scale, b = Double.random(in: -1...1, using: &rng) * scale
            let target = Int.random(in: 2...10, using: &rng)
            let t = AxisTicks(minimum: a, maximum: b, target: target)
            let mantissa = t.step / pow(10, log10(t.step).rounded(.down))
            XCTAssertTrue([1, 2, 5].contains { abs(mantissa - $0) < 1e-9 }, "step \(t.step)")
            XCTAssertLessThanOrEqual(t.lower, min(a, b) + 1e-9 * scale)
            XCTAssertGreaterThanOrEqual(t.upper, max(a, b) - 1e-9 * scale)
            XCTAssertEqual(t.values.first, t.lower)
            XCTAssertEqual(t.values.last ?? 0, t.upper, accuracy: t.step * 1e-9)
            XCTAssertTrue((2...(2 * target + 2)).contains(t.values.count), "\(t.values.count) ticks for target \(target)")
            XCTAssertEqual(Set(t.labels).count, t.labels.count, "labels repeat: \(t.labels)")
        }
    }

    func testDegenerateRangesStillGiveAnAxis() {
        for (lo, hi) in [(Double.nan, Double.nan), (5, 5), (0, 0), (-Double.infinity, 3), (Double.infinity, Double.infinity)] {
            let t = AxisTicks(minimum: lo, maximum: hi)
            XCTAssertGreaterThan(t.upper, t.lower)
            XCTAssertGreaterThanOrEqual(t.values.count, 2)
            XCTAssertTrue(t.values.allSatisfy(\.isFinite))
            if lo == 5 { XCTAssertTrue(t.lower <= 5 && t.upper >= 5) }
        }
        XCTAssertEqual(AxisTicks(logMinimum: -1, maximum: 0).values, [1, 10])
    }

    func testLineChartIsAStandaloneDocument() {
        let chart = SVGPlot.LineChart(
            title: "KL <vs> density & more", xLabel: "t", yLabel: "boundaries", rightYLabel: "KL",
            series: [SVGPlot.Series(label: "boundaries", x: [0, 1, 2, 3, 4, 5], y: [0, 2, .nan, 6, 8, 10]),
                     SVGPlot.Series(label: "KL", x: [0, 5], y: [0.1, 0.3], side: .right)])
        let svg = chart.document()
        XCTAssertTrue(svg.hasPrefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\""))
        XCTAssertNil(TagBalance.problem(in: svg))
        XCTAssertEqual(svg.occurrences(of: "<svg"), 1)
        XCTAssertTrue(svg.contains(">KL &lt;vs&gt; density &amp; more</text>"))
        XCTAssertFalse(svg.lowercased().contains("nan"))
        // Left axis ticks 0...10 by 2, right axis 0.10...0.30 by 0.05.
        for label in ["0", "2", "4", "6", "8", "10", "0.10", "0.20", "0.30"] {
            XCTAssertTrue(svg.contains(">\(label)</text>"), label)
        }
        // The NaN splits the first line into two runs; the second series is one run.
        let paths = svg.attributeValues("d")
        XCTAssertEqual(paths.count, 2)
        XCTAssertEqual(paths[0].occurrences(of: "M"), 2)
        XCTAssertEqual(paths[1].occurrences(of: "M"), 1)
        XCTAssertTrue(svg.contains("boundaries (left)"))
        XCTAssertTrue(svg.contains("KL (right)"))
    }

    func testLineChartPointPositionsFollowTheAxes() {
        // Plot of y = x on 0...10: points on the diagonal of the plot box.
        let chart = SVGPlot.LineChart(series: [SVGPlot.Series(label: "", x: [0, 10], y: [0, 10])], width: 400, height: 300)
        let d = chart.fragment().attributeValues("d")[0]
        let numbers = d.split(whereSeparator: { "ML ".contains($0) }).compactMap { Double($0) }
        XCTAssertEqual(numbers.count, 4)
        // (x0, y0) is the bottom-left corner, (x1, y1) the top-right one.
        XCTAssertLessThan(numbers[0], numbers[2])
        XCTAssertGreaterThan(numbers[1], numbers[3])
        XCTAssertEqual(numbers[2], 400 - 10 - 8, accuracy: 0.05)
    }

    func testEmptyAndAllNaNChartsSayNoData() {
        for series in [[], [SVGPlot.Series(label: "a", x: [1, 2], y: [.nan, .nan])]] {
            let svg = SVGPlot.LineChart(title: "t", series: series).document()
            XCTAssertNil(TagBalance.problem(in: svg))
            XCTAssertTrue(svg.contains(">no data</text>"))
            XCTAssertFalse(svg.lowercased().contains("nan<"))
        }
        let log = SVGPlot.LineChart(series: [SVGPlot.Series(label: "a", x: [0, -1, 10, 100], y: [1, 1, 10, 100])],
                                    xScale: .log10, yScale: .log10).fragment()
        XCTAssertEqual(log.attributeValues("d").first?.occurrences(of: "L"), 1, "non-positive x skipped on a log axis")
    }

    func testHistogramBarsAndMarkers() {
        let h = SVGPlot.Histogram(title: "distances", xLabel: "Hamming distance", counts: [3, 0, 7, 1], binStart: 0, binWidth: 5,
                                  markers: [SVGPlot.Marker(x: 8.5, label: "mean 8.5")])
        let svg = h.document()
        XCTAssertNil(TagBalance.problem(in: svg))
        // One bar per non-empty bin (plus the white background), each with its range as a tooltip.
        XCTAssertEqual(svg.occurrences(of: "<rect"), 1 + 3)
        XCTAssertTrue(svg.contains("<title>[10, 15): 7</title>"))
        XCTAssertTrue(svg.contains(">mean 8.5</text>"))
        for label in ["0", "5", "10", "15", "20"] { XCTAssertTrue(svg.contains(">\(label)</text>"), label) }
        // The tallest bar reaches the top tick (8 = 0...8 by 2): its height is the plot height.
        let heights = svg.attributeValues("height").dropFirst(2).compactMap { Double($0) }
        XCTAssertEqual(heights.count, 3)
        XCTAssertEqual(heights[0] / heights[1], 3.0 / 7.0, accuracy: 0.01)
    }

    func testHistogramOfNothing() {
        for counts in [[Double](), [0, 0], [.nan, -1]] {
            let svg = SVGPlot.Histogram(counts: counts, compact: true).fragment()
            XCTAssertNil(TagBalance.problem(in: svg))
            XCTAssertTrue(svg.contains(">no data</text>"))
            XCTAssertEqual(svg.occurrences(of: "<rect"), 0)
        }
        let binned = SVGPlot.Histogram.binned([1, 2, .nan, 3, .infinity, 3], bins: 2)
        XCTAssertEqual(binned.counts, [1, 3])
        XCTAssertEqual(binned.binStart, 1)
        XCTAssertEqual(binned.binWidth, 1)
    }
}
