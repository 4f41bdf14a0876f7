import PolytopePlots
import Foundation
import PolytopeIO
import PolytopeModel
import PolytopeProbe
import PolytopeReport
import PolytopeTokenizers

/// Many paths between random token positions of a corpus, summarised: does boundary density
/// line up with output change? (Per path, the Pearson correlation over t-bins between crossing
/// density and the output step; then its distribution over paths.)
public struct RandomPairsResult: Codable, Sendable {
    public struct Pair: Codable, Sendable {
        public var from: String
        public var to: String
        public var length: Double
        public var exactCrossings: Int
        public var laterCrossings: Int
        public var finalOutputChange: Double
        public var correlation: Double?
        public var layerCorrelation: Double?
        public var laterCorrelation: Double?
        public var shiftedCorrelation: Double?
        public var detrendedCorrelation: Double?
    }

    public struct Spread: Codable, Sendable {
        public var paths: Int
        public var mean: Double
        public var sd: Double
        public var median: Double
        public var q25: Double
        public var q75: Double
        public var fractionPositive: Double

        init(_ v: [Double]) {
            let s = v.sorted()
            let (m, sd) = Statistics.meanAndSD(v)
            func q(_ p: Double) -> Double { s.isEmpty ? .nan : s[min(s.count - 1, Int(p * Double(s.count - 1) + 0.5))] }
            paths = v.count
            mean = m
            self.sd = sd
            median = q(0.5)
            q25 = q(0.25)
            q75 = q(0.75)
            fractionPositive = v.isEmpty ? .nan : Double(v.filter { $0 > 0 }.count) / Double(v.count)
        }
    }

    public var model: String
    public var layer: Int
    public var path: String
    public var steps: Int
    public var bins: Int
    public var seed: UInt64
    public var outputMeasure: String
    public var correlation: Spread
    public var layerCorrelation: Spread
    public var laterCorrelation: Spread
    /// Control: density against output steps rotated by half the bins.
    public var shiftedCorrelation: Spread
    /// Control: correlation of residuals after a quadratic trend in t is removed from both curves.
    public var detrendedCorrelation: Spread
    /// Crossings per unit length over all paths (layer L exact, later layers sampled): mean and sd.
    public var layerDensityMean: Double
    public var layerDensitySD: Double
    public var laterDensityMean: Double
    public var laterDensitySD: Double
    /// Pearson correlation over paths between total crossings and the final output change,
    /// and (the confound) between path length and the final output change.
    public var crossingsVsFinalChange: Double?
    public var lengthVsFinalChange: Double?
    /// Mean over paths, per t-bin, of layer L's and the later layers' crossing density and of
    /// the output step: where along a path boundaries and output changes sit on average.
    public var meanLayerDensityPerBin: [Double]
    public var meanLaterDensityPerBin: [Double]
    public var meanOutputStepPerBin: [Double]
    public var pairs: [Pair]
}

public enum RandomPairs {
    /// Picks `count` pairs of token positions uniformly from the corpus documents' tokens (past
    /// the first `skip` tokens of a document, so each has context) with a seeded generator, and
    /// runs `PathAnalysis` on each.
    ///
    /// - Complexity: one path experiment per pair, plus tokenizing the corpus once.
    /// `window` caps the window length (markers included; default the model's context): a
    /// causal model sees the `window` tokens ending at the position, a bidirectional one the
    /// `window`-token slice around it, between the tokenizer's markers ([CLS] ... [SEP]).
    public static func run(model: Model, corpus: Corpus, count: Int, config: PathConfig, seed: UInt64 = 1, skip: Int = 8,
                           window: Int? = nil, log: (String) -> Void = { _ in }) throws -> RandomPairsResult {
        let tokenizer = try ModelTokenizer.make(for: model)
        let planner: WindowPlanner
        do { planner = try WindowPlanner.forModel(model, context: window) } catch {
            throw GeometryError.badArgument("--window \(window ?? 0): \(error)")
        }
        guard planner.contentLength >= 2 else { throw GeometryError.badArgument("window \(window ?? 0) leaves no room for tokens between the markers") }
        var docs: [[Int32]] = []
        try corpus.forEachDocument { doc in
            let ids = try tokenizer.encode(doc.bytes, options: EncodeOptions(invalidUTF8: .lossy, addSpecialTokens: false)).map { Int32($0.id) }
            if ids.count > skip { docs.append(ids) }
        }
        guard !docs.isEmpty else { throw GeometryError.badArgument("the corpus has no document longer than \(skip) tokens") }
        let total = docs.reduce(0) { $0 + $1.count - skip }
        var g = SplitMix64(seed: seed)
        let causal = model.isCausal
        func pick() -> TokenPoint {
            var k = Int(g.next() % UInt64(total))
            var d = 0
            while k >= docs[d].count - skip { k -= docs[d].count - skip; d += 1 }
            let i = k + skip
            let (w, p) = planner.window(around: i, in: docs[d], causal: causal)
            return TokenPoint(spec: "doc \(d) token \(i)", tokens: w, position: p, tokenText: TokenPoint.display(Int(docs[d][i]), tokenizer))
        }
        var pairs: [RandomPairsResult.Pair] = []
        var layerDensity: [Double] = [], laterDensity: [Double] = []
        var measure = "kl_nats"
        var profL = [Double](repeating: 0, count: config.bins), profT = profL, profO = profL
        for n in 0..<count {
            let a = pick(), b = pick()
            let r = try PathAnalysis.run(model: model, from: a, to: b, config: config)
            measure = r.outputMeasure
            pairs.append(.init(from: "\(a.spec) (\(a.tokenText))", to: "\(b.spec) (\(b.tokenText))", length: r.length,
                               exactCrossings: r.exactCrossings, laterCrossings: r.laterCrossings,
                               finalOutputChange: r.samples.last?.outputChange ?? 0, correlation: r.densityOutputCorrelation,
                               layerCorrelation: r.layerDensityOutputCorrelation, laterCorrelation: r.laterDensityOutputCorrelation,
                               shiftedCorrelation: r.shiftedDensityOutputCorrelation, detrendedCorrelation: r.detrendedDensityOutputCorrelation))
            for (k, bin) in r.bins.enumerated() {
                profL[k] += bin.exactDensity / Double(count)
                profT[k] += bin.laterDensity / Double(count)
                profO[k] += bin.outputStep / Double(count)
            }
            if r.length > 0 {
                layerDensity.append(Double(r.exactCrossings) / r.length)
                laterDensity.append(Double(r.laterCrossings) / r.length)
            }
            log("pair \(n + 1)/\(count): \(a.tokenText) → \(b.tokenText): \(r.exactCrossings) + \(r.laterCrossings) crossings, correlation \(r.densityOutputCorrelation.map { String(format: "%.3f", $0) } ?? "n/a")")
        }
        let (lm, ls) = Statistics.meanAndSD(layerDensity), (tm, ts) = Statistics.meanAndSD(laterDensity)
        return RandomPairsResult(
            model: model.spec.name, layer: config.layer, path: config.kind.rawValue, steps: config.steps, bins: config.bins, seed: seed,
            outputMeasure: measure,
            correlation: .init(pairs.compactMap(\.correlation)), layerCorrelation: .init(pairs.compactMap(\.layerCorrelation)),
            laterCorrelation: .init(pairs.compactMap(\.laterCorrelation)), shiftedCorrelation: .init(pairs.compactMap(\.shiftedCorrelation)),
            detrendedCorrelation: .init(pairs.compactMap(\.detrendedCorrelation)),
            layerDensityMean: lm, layerDensitySD: ls, laterDensityMean: tm, laterDensitySD: ts,
            crossingsVsFinalChange: Statistics.pearson(pairs.map { Double($0.exactCrossings + $0.laterCrossings) }, pairs.map(\.finalOutputChange)),
            lengthVsFinalChange: Statistics.pearson(pairs.map(\.length), pairs.map(\.finalOutputChange)),
            meanLayerDensityPerBin: profL, meanLaterDensityPerBin: profT, meanOutputStepPerBin: profO,
            pairs: pairs)
    }

    /// Writes pairs.json, pairs.csv, pairs.svg (histogram of per-path correlations) and
    /// pairs-profile.svg (mean density and output step per t-bin), atomically.
    public static func write(_ r: RandomPairsResult, to dir: URL) throws {
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let enc = JSONEncoder()
        enc.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(try enc.encode(r), to: dir.appendingPathComponent("pairs.json"))
        var csv = "from,to,length,crossings_layer,crossings_later,final_output_change,correlation,correlation_layer,correlation_later,correlation_shifted,correlation_detrended\n"
        func q(_ s: String) -> String { "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
        func o(_ x: Double?) -> String { x.map { "\($0)" } ?? "" }
        for p in r.pairs {
            csv += "\(q(p.from)),\(q(p.to)),\(p.length),\(p.exactCrossings),\(p.laterCrossings),\(p.finalOutputChange),\(o(p.correlation)),\(o(p.layerCorrelation)),\(o(p.laterCorrelation)),\(o(p.shiftedCorrelation)),\(o(p.detrendedCorrelation))\n"
        }
        try AtomicFile.write(Data(csv.utf8), to: dir.appendingPathComponent("pairs.csv"))
        var counts = [Double](repeating: 0, count: 20)
        for c in r.pairs.compactMap(\.correlation) { counts[max(0, min(19, Int((c + 1) * 10)))] += 1 }
        let hist = SVGPlot.Histogram(
            title: "\(r.model) layer \(r.layer): density–output correlation over \(r.correlation.paths) random paths",
            xLabel: "Pearson r over t-bins (crossing density vs output step)", yLabel: "paths", counts: counts, binStart: -1, binWidth: 0.1,
            markers: [.init(x: r.correlation.mean, label: "mean")])
        try AtomicFile.write(Data(hist.document().utf8), to: dir.appendingPathComponent("pairs.svg"))
        let mids = (0..<r.meanOutputStepPerBin.count).map { (Double($0) + 0.5) / Double(r.meanOutputStepPerBin.count) }
        let profile = SVGPlot.LineChart(
            title: "\(r.model) layer \(r.layer): mean over \(r.pairs.count) random \(r.path) paths", xLabel: "t along the path",
            yLabel: "boundaries crossed / unit length", rightYLabel: r.outputMeasure == "kl_nats" ? "output step per bin (KL, nats)" : "output step per bin (1 − cos)",
            series: [.init(label: "layer \(r.layer) (exact)", x: mids, y: r.meanLayerDensityPerBin, showPoints: true),
                     .init(label: "later layers", x: mids, y: r.meanLaterDensityPerBin, showPoints: true),
                     .init(label: "output step", x: mids, y: r.meanOutputStepPerBin, side: .right, dashed: true)])
        try AtomicFile.write(Data(profile.document().utf8), to: dir.appendingPathComponent("pairs-profile.svg"))
    }

    public static func summary(_ r: RandomPairsResult) -> String {
        func s(_ x: RandomPairsResult.Spread) -> String {
            String(format: "mean %.3f, sd %.3f, median %.3f (IQR %.3f…%.3f), positive %.0f%% of %d paths", x.mean, x.sd, x.median, x.q25, x.q75, 100 * x.fractionPositive, x.paths)
        }
        return """
        \(r.model), layer \(r.layer), \(r.pairs.count) random \(r.path) paths:
          correlation(density, output step) over t-bins: \(s(r.correlation))
            layer \(r.layer) only: \(s(r.layerCorrelation))
            later layers only: \(s(r.laterCorrelation))
            control, output steps rotated by half the path: \(s(r.shiftedCorrelation))
            detrended (quadratic trend in t removed from both): \(s(r.detrendedCorrelation))
          crossings per unit length: layer \(r.layer) \(String(format: "%.3g ± %.2g", r.layerDensityMean, r.layerDensitySD)), later \(String(format: "%.3g ± %.2g", r.laterDensityMean, r.laterDensitySD))
          correlation over paths of total crossings with final output change: \(r.crossingsVsFinalChange.map { String(format: "%.3f", $0) } ?? "n/a"); of path length with it: \(r.lengthVsFinalChange.map { String(format: "%.3f", $0) } ?? "n/a")
        """
    }
}
