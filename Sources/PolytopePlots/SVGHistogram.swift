import Foundation

extension SVGPlot {
    /// Bars of counts over equal-width bins: bin `i` covers
    /// `[binStart + i * binWidth, binStart + (i + 1) * binWidth)`.
    public struct Histogram: Sendable {
        public var title: String
        public var xLabel: String
        public var yLabel: String
        public var counts: [Double]
        public var binStart: Double
        public var binWidth: Double
        public var markers: [Marker]
        public var color: String
        public var width: Double
        public var height: Double
        /// A thumbnail for cluster cards: no title or axis labels, few ticks.
        public var compact: Bool

        public init(title: String = "", xLabel: String = "", yLabel: String = "count",
                    counts: [Double], binStart: Double = 0, binWidth: Double = 1, markers: [Marker] = [],
                    color: String = "#0072b2", width: Double = 480, height: Double = 240, compact: Bool = false) {
            self.title = title
            self.xLabel = xLabel
            self.yLabel = yLabel
            self.counts = counts
            self.binStart = binStart
            self.binWidth = binWidth > 0 && binWidth.isFinite ? binWidth : 1
            self.markers = markers
            self.color = color
            self.width = width
            self.height = height
            self.compact = compact
        }

        /// Integer counts, as `ClusterSummary.distanceHistogram` holds them.
        public init(title: String = "", xLabel: String = "", yLabel: String = "count",
                    counts: [Int], binStart: Double = 0, binWidth: Double = 1, markers: [Marker] = [],
                    color: String = "#0072b2", width: Double = 480, height: Double = 240, compact: Bool = false) {
            self.init(title: title, xLabel: xLabel, yLabel: yLabel, counts: counts.map(Double.init),
                      binStart: binStart, binWidth: binWidth, markers: markers, color: color,
                      width: width, height: height, compact: compact)
        }

        /// Bins the finite `values` into `bins` equal bins spanning their range (NaN and
        /// infinities are dropped). O(values.count + bins).
        public static func binned(_ values: [Double], bins: Int = 20) -> (counts: [Double], binStart: Double, binWidth: Double) {
            let finite = values.filter { $0.isFinite }
            guard let lo = finite.min(), let hi = finite.max(), bins > 0 else { return ([], 0, 1) }
            let width = hi > lo ? (hi - lo) / Double(bins) : 1
            var counts = [Double](repeating: 0, count: bins)
            for v in finite { counts[min(bins - 1, Int((v - lo) / width))] += 1 }
            return (counts, lo, width)
        }

        /// A standalone `.svg` document (XML declaration, `xmlns`).
        public func document() -> String { SVGPlot.standalone(fragment()) }

        /// An `<svg>` element to inline in HTML.
        ///
        /// - Complexity: O(number of bins).
        public func fragment() -> String {
            let showTitle = !compact && !title.isEmpty
            let top = (showTitle ? 30.0 : 8) + (markers.isEmpty ? 0 : 12)
            let bottom = height - (compact ? 16 : 22) - (compact || xLabel.isEmpty ? 0 : 16)
            let finiteCounts = counts.map { $0.isFinite ? max(0, $0) : 0 }
            let maxCount = finiteCounts.max() ?? 0
            let integral = finiteCounts.allSatisfy { $0 == $0.rounded() }
            let yTicks = AxisTicks(minimum: 0, maximum: max(maxCount, 1), target: compact ? 3 : 5, minimumStep: integral ? 1 : 0)
            let yLabels = yTicks.labels
            let left = (compact ? 4 : 10) + (compact || yLabel.isEmpty ? 0 : 16) + (yLabels.map { textWidth($0, size: compact ? 9 : 11) }.max() ?? 0) + 6
            let right = width - (compact ? 6 : 12)
            let lo = binStart.isFinite ? binStart : 0
            let hi = lo + Double(max(1, counts.count)) * binWidth
            // Integral bins (distances, counts of things) get integral ticks.
            let integralBins = lo == lo.rounded() && binWidth == binWidth.rounded()
            let xTicks = AxisTicks(minimum: lo, maximum: hi, target: compact ? 4 : max(3, Int((right - left) / 70)),
                                   minimumStep: integralBins ? 1 : 0)
            // The x axis spans exactly the bins (ticks outside it are not drawn).
            let xAt = { (v: Double) in left + (v - lo) / (hi - lo) * (right - left) }
            let yAt = { (v: Double) in bottom - (v - yTicks.lower) / (yTicks.upper - yTicks.lower) * (bottom - top) }
            let fontSize: Double? = compact ? 9 : nil

            var svg = SVGWriter(width: width, height: height, label: title.isEmpty ? "histogram" : title)
            if !compact { svg.rect(0, 0, width, height, fill: "#ffffff") }
            if showTitle {
                svg.text(title, width / 2, 20, anchor: .middle, size: 13, weight: "600", fill: "#0f172a")
            }
            for (v, label) in zip(yTicks.values, yLabels) {
                let y = yAt(v)
                svg.line(left, y, right, y, stroke: "#eef0f3")
                svg.text(label, left - 4, y + 3, anchor: .end, size: fontSize, fill: "#64748b")
            }
            let barWidth = (right - left) / Double(max(1, counts.count))
            let gap = barWidth > 4 ? 1.0 : 0
            for (i, c) in finiteCounts.enumerated() where c > 0 {
                let x0 = xAt(lo + Double(i) * binWidth)
                let y = yAt(c)
                let from = lo + Double(i) * binWidth
                let label = "[\(AxisTicks.label(from, step: min(binWidth, xTicks.step))), \(AxisTicks.label(from + binWidth, step: min(binWidth, xTicks.step)))): \(AxisTicks.label(c, step: 1))"
                svg.rect(x0 + gap / 2, y, barWidth - gap, bottom - y, fill: color, title: label)
            }
            for (v, label) in zip(xTicks.values, xTicks.labels) where v >= lo - 1e-9 && v <= hi + 1e-9 {
                let x = xAt(v)
                svg.line(x, bottom, x, bottom + 3, stroke: "#94a3b8")
                svg.text(label, x, bottom + (compact ? 12 : 14), anchor: .middle, size: fontSize, fill: "#64748b")
            }
            svg.line(left, bottom, right, bottom, stroke: "#94a3b8")
            for m in markers where m.x.isFinite {
                let x = min(max(xAt(m.x), left), right)
                svg.line(x, top - 4, x, bottom, stroke: m.color, width: 1.25, dash: "3 2")
                svg.text(m.label, x, top - 7, anchor: x > (left + right) / 2 ? .end : .start, size: fontSize, fill: m.color)
            }
            if !compact, !xLabel.isEmpty {
                svg.text(xLabel, (left + right) / 2, height - 8, anchor: .middle, fill: "#334155")
            }
            if !compact, !yLabel.isEmpty {
                svg.text(yLabel, 14, (top + bottom) / 2, anchor: .middle, fill: "#334155", rotate: -90)
            }
            if maxCount == 0 {
                svg.text("no data", (left + right) / 2, (top + bottom) / 2, anchor: .middle, size: compact ? 10 : 13, fill: "#94a3b8")
            }
            return svg.finish()
        }
    }
}
