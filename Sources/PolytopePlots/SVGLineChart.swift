import Foundation

/// Maps data values onto one pixel axis (linear or log10), with the ticks it shows.
struct PlotAxis {
    var scale: SVGPlot.Scale
    var ticks: AxisTicks
    /// Pixel positions of `ticks.lower` and `ticks.upper` (for a y axis, bottom then top).
    var from: Double
    var to: Double

    /// An axis fitted to the finite (and, for log10, positive) `values`.
    init(values: [Double], scale: SVGPlot.Scale, target: Int, from: Double, to: Double) {
        self.scale = scale
        self.from = from
        self.to = to
        var lo = Double.infinity, hi = -Double.infinity
        for v in values where v.isFinite && (scale == .linear || v > 0) {
            lo = min(lo, v)
            hi = max(hi, v)
        }
        switch scale {
        case .linear: ticks = AxisTicks(minimum: lo, maximum: hi, target: target)
        case .log10: ticks = AxisTicks(logMinimum: lo, maximum: hi)
        }
    }

    /// The pixel position of `v`, or nil when it cannot be drawn (NaN, or not > 0 on log10).
    func position(_ v: Double) -> Double? {
        guard v.isFinite else { return nil }
        let t: Double
        switch scale {
        case .linear:
            t = (v - ticks.lower) / (ticks.upper - ticks.lower)
        case .log10:
            guard v > 0 else { return nil }
            t = (log10(v) - log10(ticks.lower)) / (log10(ticks.upper) - log10(ticks.lower))
        }
        return from + t * (to - from)
    }
}

extension SVGPlot {
    /// One or two series over a shared x axis; series on `.right` are read against a second
    /// y axis drawn on the right. Ticks fall on 1-2-5 steps (powers of ten on log axes).
    public struct LineChart: Sendable {
        public var title: String
        public var xLabel: String
        public var yLabel: String
        public var rightYLabel: String
        public var series: [Series]
        public var xScale: Scale
        public var yScale: Scale
        public var rightYScale: Scale
        public var width: Double
        public var height: Double

        public init(title: String = "", xLabel: String = "", yLabel: String = "", rightYLabel: String = "",
                    series: [Series], xScale: Scale = .linear, yScale: Scale = .linear,
                    rightYScale: Scale = .linear, width: Double = 640, height: Double = 360) {
            self.title = title
            self.xLabel = xLabel
            self.yLabel = yLabel
            self.rightYLabel = rightYLabel
            self.series = series
            self.xScale = xScale
            self.yScale = yScale
            self.rightYScale = rightYScale
            self.width = width
            self.height = height
        }

        /// A standalone `.svg` document (XML declaration, `xmlns`).
        public func document() -> String { SVGPlot.standalone(fragment()) }

        /// An `<svg>` element to inline in HTML.
        ///
        /// - Complexity: O(total number of points).
        public func fragment() -> String {
            let colors = series.enumerated().map { i, s in s.color ?? SVGPlot.palette[i % SVGPlot.palette.count] }
            let hasRight = series.contains { $0.side == .right }
            let leftValues = series.filter { $0.side == .left }.flatMap { Array($0.y.prefix($0.x.count)) }
            let rightValues = series.filter { $0.side == .right }.flatMap { Array($0.y.prefix($0.x.count)) }
            let xValues = series.flatMap { Array($0.x.prefix($0.y.count)) }

            // Vertical layout: title, legend, plot, x tick labels, x label.
            var top = 10.0
            if !title.isEmpty { top += 18 }
            let legend = series.enumerated().filter { !$0.element.label.isEmpty }
            if !legend.isEmpty { top += 18 }
            top += 6
            let bottom = height - 22 - (xLabel.isEmpty ? 0 : 16)

            let yAxis = PlotAxis(values: leftValues, scale: yScale, target: 6, from: bottom, to: top)
            let rAxis = PlotAxis(values: rightValues, scale: rightYScale, target: 6, from: bottom, to: top)
            let yLabels = yAxis.ticks.labels, rLabels = hasRight ? rAxis.ticks.labels : []
            let left = 10 + (yLabel.isEmpty ? 0 : 16) + (yLabels.map { textWidth($0) }.max() ?? 0) + 8
            let right = width - 10 - (hasRight ? (rightYLabel.isEmpty ? 0 : 16) + (rLabels.map { textWidth($0) }.max() ?? 0) + 8 : 8)
            let xTarget = max(3, Int((right - left) / 80))
            let xAxis = PlotAxis(values: xValues, scale: xScale, target: xTarget, from: left, to: right)

            var svg = SVGWriter(width: width, height: height, label: title.isEmpty ? "line chart" : title)
            svg.rect(0, 0, width, height, fill: "#ffffff")
            if !title.isEmpty {
                svg.text(title, width / 2, 22, anchor: .middle, size: 13, weight: "600", fill: "#0f172a")
            }
            if !legend.isEmpty {
                let y = top - 14
                let items = legend.map { (i, s) in (s.label + (hasRight ? (s.side == .left ? " (left)" : " (right)") : ""), colors[i], s.dashed) }
                var x = width / 2 - items.reduce(0) { $0 + 30 + textWidth($1.0) } / 2
                for (label, color, dashed) in items {
                    svg.line(x, y - 4, x + 18, y - 4, stroke: color, width: 2.5, dash: dashed ? "5 3" : nil)
                    svg.text(label, x + 23, y, fill: "#334155")
                    x += 30 + textWidth(label)
                }
            }

            // Grid and left ticks.
            for (v, label) in zip(yAxis.ticks.values, yLabels) {
                guard let y = yAxis.position(v) else { continue }
                svg.line(left, y, right, y, stroke: "#e5e7eb")
                svg.text(label, left - 6, y + 3.5, anchor: .end, fill: "#475569")
            }
            if hasRight {
                for (v, label) in zip(rAxis.ticks.values, rLabels) {
                    guard let y = rAxis.position(v) else { continue }
                    svg.line(right, y, right + 4, y, stroke: "#94a3b8")
                    svg.text(label, right + 6, y + 3.5, fill: "#475569")
                }
                svg.line(right, top, right, bottom, stroke: "#94a3b8")
            }
            for (v, label) in zip(xAxis.ticks.values, xAxis.ticks.labels) {
                guard let x = xAxis.position(v) else { continue }
                svg.line(x, bottom, x, bottom + 4, stroke: "#94a3b8")
                svg.text(label, x, bottom + 15, anchor: .middle, fill: "#475569")
            }
            svg.line(left, top, left, bottom, stroke: "#94a3b8")
            svg.line(left, bottom, right, bottom, stroke: "#94a3b8")
            if !xLabel.isEmpty {
                svg.text(xLabel, (left + right) / 2, height - 8, anchor: .middle, fill: "#334155")
            }
            if !yLabel.isEmpty {
                svg.text(yLabel, 16, (top + bottom) / 2, anchor: .middle, fill: "#334155", rotate: -90)
            }
            if hasRight, !rightYLabel.isEmpty {
                svg.text(rightYLabel, width - 12, (top + bottom) / 2, anchor: .middle, fill: "#334155", rotate: 90)
            }

            var drewAny = false
            for (i, s) in series.enumerated() {
                let axis = s.side == .left ? yAxis : rAxis
                var d = "", run: [(Double, Double)] = [], isolated: [(Double, Double)] = []
                func endRun() {
                    if run.count == 1, !s.showPoints { isolated.append(run[0]) }
                    run.removeAll()
                }
                for (xv, yv) in zip(s.x, s.y) {
                    guard let px = xAxis.position(xv), let py = axis.position(yv) else {
                        endRun()
                        continue
                    }
                    d += (run.isEmpty ? "M" : "L") + num(px) + " " + num(py)
                    run.append((px, py))
                    if s.showPoints { isolated.append((px, py)) }
                }
                endRun()
                if !d.isEmpty {
                    svg.path(d, stroke: colors[i], dash: s.dashed ? "5 3" : nil)
                    drewAny = true
                }
                for (px, py) in isolated { svg.circle(px, py, r: 2.5, fill: colors[i]) }
                if !isolated.isEmpty { drewAny = true }
            }
            if !drewAny {
                svg.text("no data", (left + right) / 2, (top + bottom) / 2, anchor: .middle, size: 13, fill: "#94a3b8")
            }
            return svg.finish()
        }
    }
}
