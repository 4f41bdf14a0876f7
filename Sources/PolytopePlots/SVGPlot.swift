/// Small, dependency-free SVG plots: line charts (one axis or two) and histograms, written as
/// standalone `.svg` documents or as fragments to inline in the HTML report.
///
/// Everything is drawn with presentation attributes (no stylesheet, no `id`s), so a fragment
/// looks the same inline as on its own and many fragments can share one page. Text is
/// escaped; non-finite values are skipped (a line breaks at them), and empty input draws the
/// axes with a "no data" note instead of failing.
///
/// ```swift
/// let chart = SVGPlot.LineChart(
///     title: "Boundary density vs KL", xLabel: "position along path",
///     yLabel: "boundaries crossed", rightYLabel: "KL (nats)",
///     series: [.init(label: "boundaries", x: xs, y: density),
///              .init(label: "KL", x: xs, y: kl, side: .right)])
/// try chart.document().write(toFile: "density.svg", atomically: true, encoding: .utf8)
/// ```
public enum SVGPlot {
    /// How values map to an axis.
    public enum Scale: Sendable {
        case linear
        /// Base-10 logarithmic; values that are not > 0 are skipped.
        case log10
    }

    /// Which y axis a series is read against.
    public enum Side: Sendable {
        case left, right
    }

    /// One line of a line chart: `y[i]` at `x[i]` (extra values of the longer array are ignored).
    public struct Series: Sendable {
        public var label: String
        public var x: [Double]
        public var y: [Double]
        public var side: Side
        /// A CSS colour; nil picks the next colour of the palette.
        public var color: String?
        /// Draw a dot at each point (always drawn for isolated points).
        public var showPoints: Bool
        public var dashed: Bool

        public init(label: String, x: [Double], y: [Double], side: Side = .left,
                    color: String? = nil, showPoints: Bool = false, dashed: Bool = false) {
            self.label = label
            self.x = x
            self.y = y
            self.side = side
            self.color = color
            self.showPoints = showPoints
            self.dashed = dashed
        }
    }

    /// A vertical reference line at `x` with a short label (e.g. a mean).
    public struct Marker: Sendable {
        public var x: Double
        public var label: String
        public var color: String

        public init(x: Double, label: String, color: String = "#c2410c") {
            self.x = x
            self.label = label
            self.color = color
        }
    }

    /// Colour-blind-friendly series colours (Okabe & Ito's palette, darkened for thin lines).
    public static let palette = ["#0072b2", "#d55e00", "#009e73", "#cc79a7", "#7a6a00", "#56b4e9"]

    static let fontFamily = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"

    /// Wraps a fragment produced by a chart's `fragment()` as a standalone SVG file.
    static func standalone(_ fragment: String) -> String {
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + fragment + "\n"
    }
}

/// Appends SVG elements to a string; numbers are printed with one decimal.
struct SVGWriter {
    var out = ""

    init(width: Double, height: Double, label: String) {
        out.reserveCapacity(4096)
        out += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(num(width))\" height=\"\(num(height))\" "
        out += "viewBox=\"0 0 \(num(width)) \(num(height))\" role=\"img\" aria-label=\""
        HTMLEscaping.escape(label, into: &out)
        out += "\" font-family=\"\(SVGPlot.fontFamily)\" font-size=\"11\">"
        if !label.isEmpty {
            out += "<title>"
            HTMLEscaping.escape(label, into: &out)
            out += "</title>"
        }
    }

    mutating func finish() -> String {
        out += "</svg>"
        return out
    }

    mutating func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, stroke: String,
                       width: Double = 1, dash: String? = nil) {
        out += "<line x1=\"\(num(x1))\" y1=\"\(num(y1))\" x2=\"\(num(x2))\" y2=\"\(num(y2))\" stroke=\"\(stroke)\""
        if width != 1 { out += " stroke-width=\"\(num(width))\"" }
        if let dash { out += " stroke-dasharray=\"\(dash)\"" }
        out += "/>"
    }

    mutating func rect(_ x: Double, _ y: Double, _ w: Double, _ h: Double, fill: String,
                       stroke: String? = nil, title: String? = nil) {
        out += "<rect x=\"\(num(x))\" y=\"\(num(y))\" width=\"\(num(max(0, w)))\" height=\"\(num(max(0, h)))\" fill=\"\(fill)\""
        if let stroke { out += " stroke=\"\(stroke)\"" }
        if let title {
            out += "><title>"
            HTMLEscaping.escape(title, into: &out)
            out += "</title></rect>"
        } else {
            out += "/>"
        }
    }

    mutating func circle(_ x: Double, _ y: Double, r: Double, fill: String) {
        out += "<circle cx=\"\(num(x))\" cy=\"\(num(y))\" r=\"\(num(r))\" fill=\"\(fill)\"/>"
    }

    mutating func path(_ d: String, stroke: String, width: Double = 1.75, dash: String? = nil) {
        out += "<path d=\"\(d)\" fill=\"none\" stroke=\"\(stroke)\" stroke-width=\"\(num(width))\" stroke-linejoin=\"round\" stroke-linecap=\"round\""
        if let dash { out += " stroke-dasharray=\"\(dash)\"" }
        out += "/>"
    }

    enum Anchor: String { case start, middle, end }

    mutating func text(_ s: String, _ x: Double, _ y: Double, anchor: Anchor = .start, size: Double? = nil,
                       weight: String? = nil, fill: String = "#334155", rotate: Double? = nil) {
        out += "<text x=\"\(num(x))\" y=\"\(num(y))\""
        if anchor != .start { out += " text-anchor=\"\(anchor.rawValue)\"" }
        if let size { out += " font-size=\"\(num(size))\"" }
        if let weight { out += " font-weight=\"\(weight)\"" }
        out += " fill=\"\(fill)\""
        if let rotate { out += " transform=\"rotate(\(num(rotate)) \(num(x)) \(num(y)))\"" }
        out += ">"
        HTMLEscaping.escape(s, into: &out)
        out += "</text>"
    }
}

/// A coordinate with one decimal, without Foundation's formatter (this runs per bar and point).
func num(_ v: Double) -> String {
    guard v.isFinite else { return "0" }
    let tenths = Int((v * 10).rounded())
    let sign = tenths < 0 ? "-" : ""
    let a = abs(tenths)
    return a % 10 == 0 ? "\(sign)\(a / 10)" : "\(sign)\(a / 10).\(a % 10)"
}

/// Rough width in pixels of `s` at font size `size` (for laying out legends and margins).
func textWidth(_ s: String, size: Double = 11) -> Double {
    Double(s.count) * size * 0.58
}
