import Foundation

/// Axis ranges and tick marks at "nice" steps (1, 2 or 5 times a power of ten), after
/// Heckbert, "Nice Numbers for Graph Labels" (Graphics Gems, 1990).
public struct AxisTicks: Equatable, Sendable {
    /// The axis range, widened outward to whole steps, and the tick values within it.
    public var lower: Double
    public var upper: Double
    public var step: Double
    public var values: [Double]
    /// Whether the ticks are powers of ten on a log axis (each labelled in its own unit).
    public var isLogarithmic = false

    /// Ticks for data spanning `[minimum, maximum]`, about `target` of them (at least 2), never
    /// closer than `minimumStep` (1 for counts and Hamming distances, so no tick at 0.5).
    /// Non-finite bounds give the range [0, 1]; a constant range is widened around its value
    /// (by 1 for 0, else by a tenth of its magnitude) so the axis still has extent.
    ///
    /// - Complexity: O(number of ticks).
    public init(minimum: Double, maximum: Double, target: Int = 5, minimumStep: Double = 0) {
        var lo = min(minimum, maximum), hi = max(minimum, maximum)
        if !lo.isFinite || !hi.isFinite {
            lo = 0
            hi = 1
        }
        if hi - lo <= abs(hi) * 1e-12 || hi == lo {
            let pad = lo == 0 ? 1 : abs(lo) * 0.1
            lo -= pad
            hi += pad
        }
        let count = max(2, target)
        var step = AxisTicks.niceNumber((hi - lo) / Double(count - 1), round: true)
        if minimumStep > 0, minimumStep.isFinite, step < minimumStep {
            step = AxisTicks.niceNumber(minimumStep, round: false)
        }
        // Indices rather than repeated addition, so values do not drift (0.1 + 0.2 ...).
        let first = (lo / step).rounded(.down), last = (hi / step).rounded(.up)
        self.step = step
        self.lower = first * step
        self.upper = last * step
        let n = Int(last - first)
        self.values = (0...max(0, n)).map { (first + Double($0)) * step }
    }

    /// Log-scale ticks: the powers of ten covering `[minimum, maximum]` (both > 0; non-positive
    /// or non-finite input gives 1...10).
    public init(logMinimum minimum: Double, maximum: Double) {
        var lo = min(minimum, maximum), hi = max(minimum, maximum)
        if !(lo > 0) || !hi.isFinite || !lo.isFinite {
            lo = 1
            hi = 10
        }
        let e0 = log10(lo).rounded(.down)
        var e1 = log10(hi).rounded(.up)
        if e1 <= e0 { e1 = e0 + 1 }
        self.step = 10
        self.lower = pow(10, e0)
        self.upper = pow(10, e1)
        self.values = stride(from: e0, through: e1, by: 1).map { pow(10, $0) }
        self.isLogarithmic = true
    }

    /// The nice number closest to (`round`) or not below (`!round`) `x`: 1, 2, 5 or 10 times a
    /// power of ten.
    static func niceNumber(_ x: Double, round: Bool) -> Double {
        guard x > 0, x.isFinite else { return 1 }
        let exponent = log10(x).rounded(.down)
        let power = pow(10, exponent)
        let fraction = x / power
        let nice: Double
        if round {
            nice = fraction < 1.5 ? 1 : fraction < 3 ? 2 : fraction < 7 ? 5 : 10
        } else {
            nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10
        }
        return nice * power
    }

    /// Labels for `values`, all with the same number of decimals (enough to tell ticks `step`
    /// apart) and the same unit: axes reaching 10 000 use k / M / G suffixes, very small steps
    /// exponent notation.
    public var labels: [String] {
        if isLogarithmic { return values.map { AxisTicks.label($0, step: $0) } }
        let magnitude = max(abs(lower), abs(upper))
        return values.map { AxisTicks.label($0, step: step, axisMagnitude: magnitude) }
    }

    /// One tick label: `value` printed with the precision `step` needs, in the unit an axis
    /// reaching `axisMagnitude` uses (default: the value's own magnitude). Labels of one axis
    /// differ whenever their values differ by at least `step`.
    public static func label(_ value: Double, step: Double, axisMagnitude: Double? = nil) -> String {
        guard value.isFinite else { return "" }
        let magnitude = max(axisMagnitude ?? 0, abs(value))
        let usableStep = step > 0 && step.isFinite ? step : max(magnitude, 1)
        var divisor = 1.0, suffix = ""
        if magnitude >= 1e9 {
            (divisor, suffix) = (1e9, "G")
        } else if magnitude >= 1e6 {
            (divisor, suffix) = (1e6, "M")
        } else if magnitude >= 1e4 {
            (divisor, suffix) = (1e3, "k")
        }
        let decimals = max(0, Int((-log10(usableStep / divisor) - 1e-9).rounded(.up)))
        if magnitude >= 1e15 || decimals > 4 {
            // Exponent notation, with enough significant digits to tell neighbours apart.
            if value == 0 { return "0" }
            let significant = max(2, min(17, Int((log10(magnitude / usableStep) + 1e-9).rounded(.up)) + 1))
            return String(format: "%.\(significant)g", value)
                .replacingOccurrences(of: "e-0", with: "e-").replacingOccurrences(of: "e+0", with: "e")
                .replacingOccurrences(of: "e+", with: "e")
        }
        var text = String(format: "%.\(decimals)f", value / divisor)
        if text.hasPrefix("-"), Double(text) == 0 { text.removeFirst() }
        if Double(text) == 0 { return "0" }
        return text + suffix
    }
}
