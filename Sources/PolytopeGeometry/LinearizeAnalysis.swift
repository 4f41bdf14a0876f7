import PolytopePlots
import Foundation
import PolytopeIO
import PolytopeModel
import PolytopeProbe
import PolytopeReport
import PolytopeTokenizers

/// How far a model moves when its GELU units are replaced by a piecewise-linear surrogate,
/// over the windows of a corpus: next-token KL, final hidden-state error, and code changes.
public struct LinearizeResult: Codable, Sendable {
    public struct LayerChange: Codable, Sendable {
        public var layer: Int
        /// Mean over tokens of the units whose sign bit (pre-activation > 0) differs between the
        /// original and the linearised model (upstream changes move later pre-activations).
        public var meanFlips: Double
        /// Fraction of tokens whose whole sign code is unchanged.
        public var unchangedCodes: Double
        /// Mean |pre-activation difference|.
        public var meanAbsPreDifference: Double
    }

    public var model: String
    public var surrogate: String
    public var windows: Int
    public var tokens: Int
    /// "kl_nats" (KL(P_original || P_linearised) of the next-token distribution) or "cosine_change".
    public var outputMeasure: String
    public var meanOutputChange: Double
    public var maxOutputChange: Double
    public var medianOutputChange: Double
    /// ||h_lin - h|| / ||h|| of the final hidden state (`hiddenHook`).
    public var hiddenHook: String
    public var meanHiddenRelativeError: Double
    public var maxHiddenRelativeError: Double
    public var layers: [LayerChange]
    /// Histogram of per-token output change: counts in `bins` equal bins from 0 to maxOutputChange.
    public var outputChangeHistogram: [Double]
}

public enum LinearizeAnalysis {
    /// Runs both models on up to `maxWindows` non-overlapping context-length windows of the
    /// corpus documents (in corpus order).
    ///
    /// - Complexity: two forward passes per window.
    public static func run(original: Model, linearized: Model, surrogate: GELUSurrogate, corpus: Corpus,
                           maxWindows: Int) throws -> LinearizeResult {
        let tokenizer = try ModelTokenizer.make(for: original)
        let anatomy = try original.requireAnatomy()
        let planner = try WindowPlanner.forModel(original, context: original.spec.contextLength > 0 ? nil : 128)
        var windows: [[Int32]] = []
        try corpus.forEachDocument { doc in
            guard windows.count < maxWindows else { return }
            let ids = try tokenizer.encode(doc.bytes, options: EncodeOptions(invalidUTF8: .lossy, addSpecialTokens: false)).map { Int32($0.id) }
            var s = 0
            while s < ids.count, windows.count < maxWindows {
                windows.append(planner.window(contentStart: s, in: ids))
                s += planner.contentLength
            }
        }
        guard !windows.isEmpty else { throw GeometryError.badArgument("the corpus gave no tokens") }
        let layers = original.mlpLayers
        let preHooks = try layers.map { try original.mlp(layer: $0).pre }
        let logits = anatomy.logits != nil
        let outHook = anatomy.logits ?? original.spec.nodes.last!.name
        let hiddenHook = anatomy.finalNorm ?? outHook
        let hooks = Array(Set(preHooks + [outHook, hiddenHook]))
        var changes: [Double] = [], hidden: [Double] = []
        var flips = [Double](repeating: 0, count: layers.count), same = flips, absDiff = flips
        var tokens = 0
        for w in windows {
            let fc = ForwardContext(sequences: [w])
            let a = try original.forward(fc, capture: hooks), b = try linearized.forward(fc, capture: hooks)
            for r in 0..<w.count {
                var pa = Array(a[outHook]!.row(r)), pb = Array(b[outHook]!.row(r))
                if logits { InjectionRunner.logSoftmax(&pa); InjectionRunner.logSoftmax(&pb) }
                changes.append(OutputChange.compute(pa, pb, logProbabilities: logits))
                let ha = a[hiddenHook]!.row(r), hb = b[hiddenHook]!.row(r)
                var num = 0.0, den = 0.0
                for (x, y) in zip(ha, hb) { num += Double(x - y) * Double(x - y); den += Double(x) * Double(x) }
                hidden.append(den > 0 ? (num / den).squareRoot() : 0)
                for (i, h) in preHooks.enumerated() {
                    let xa = a[h]!.row(r), xb = b[h]!.row(r)
                    var n = 0, d = 0.0
                    for (x, y) in zip(xa, xb) {
                        if (x > 0) != (y > 0) { n += 1 }
                        d += Double(abs(x - y))
                    }
                    flips[i] += Double(n)
                    if n == 0 { same[i] += 1 }
                    absDiff[i] += d / Double(xa.count)
                }
            }
            tokens += w.count
        }
        let t = Double(tokens)
        let maxChange = changes.max() ?? 0
        let bins = 20
        var hist = [Double](repeating: 0, count: bins)
        for c in changes { hist[maxChange > 0 ? min(bins - 1, Int(c / maxChange * Double(bins))) : 0] += 1 }
        let sorted = changes.sorted()
        return LinearizeResult(
            model: original.spec.name, surrogate: surrogate.rawValue, windows: windows.count, tokens: tokens,
            outputMeasure: logits ? "kl_nats" : "cosine_change",
            meanOutputChange: changes.reduce(0, +) / t, maxOutputChange: maxChange, medianOutputChange: sorted[sorted.count / 2],
            hiddenHook: hiddenHook, meanHiddenRelativeError: hidden.reduce(0, +) / t, maxHiddenRelativeError: hidden.max() ?? 0,
            layers: layers.enumerated().map { i, l in
                .init(layer: l, meanFlips: flips[i] / t, unchangedCodes: same[i] / t, meanAbsPreDifference: absDiff[i] / t)
            },
            outputChangeHistogram: hist)
    }

    /// Writes linearize.json and linearize.svg (histogram of per-token output change), atomically.
    public static func write(_ r: LinearizeResult, to dir: URL) throws {
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let enc = JSONEncoder()
        enc.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(try enc.encode(r), to: dir.appendingPathComponent("linearize.json"))
        let measure = r.outputMeasure == "kl_nats" ? "KL(original ‖ linearised), nats" : "1 − cos"
        let hist = SVGPlot.Histogram(title: "\(r.model): GELU → \(r.surrogate), \(r.tokens) tokens", xLabel: measure, yLabel: "tokens",
                                     counts: r.outputChangeHistogram, binStart: 0,
                                     binWidth: r.maxOutputChange > 0 ? r.maxOutputChange / Double(r.outputChangeHistogram.count) : 1,
                                     markers: [.init(x: r.meanOutputChange, label: "mean")])
        try AtomicFile.write(Data(hist.document().utf8), to: dir.appendingPathComponent("linearize.svg"))
    }

    public static func summary(_ r: LinearizeResult) -> String {
        var s = "\(r.model), GELU → \(r.surrogate), \(r.tokens) tokens in \(r.windows) windows: \(r.outputMeasure) mean \(String(format: "%.4g", r.meanOutputChange)), median \(String(format: "%.4g", r.medianOutputChange)), max \(String(format: "%.4g", r.maxOutputChange)); hidden-state relative error (\(r.hiddenHook)) mean \(String(format: "%.4g", r.meanHiddenRelativeError)), max \(String(format: "%.4g", r.maxHiddenRelativeError))"
        for l in r.layers {
            s += "\nlayer \(l.layer): \(String(format: "%.2f", l.meanFlips)) sign flips per token, \(String(format: "%.3f", l.unchangedCodes)) of codes unchanged, mean |Δpre| \(String(format: "%.4g", l.meanAbsPreDifference))"
        }
        return s
    }
}
