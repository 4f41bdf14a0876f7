import PolytopePlots
import Foundation
import PolytopeIO
import PolytopeModel
import PolytopeReport

/// Scaling one activation: the vector at a token's position is multiplied by factors 0...S,
/// once at the MLP input after its layer norm, and once (the control) at the layer norm's
/// input, where the norm should cancel the scale (up to its epsilon, so only very small
/// factors change anything there).
public struct ScaleResult: Codable, Sendable {
    public struct Series: Codable, Sendable {
        /// "after_norm" (the MLP input) or "before_norm" (the layer norm's input).
        public var placement: String
        public var hook: String
        /// Per factor: layer L units whose code differs from the unscaled code, the same for
        /// the later layers (knots crossed), and the output change from the unscaled output.
        public var hammingLayer: [Int]
        public var hammingLater: [Int]
        public var outputChange: [Double]
        /// Knots crossed (layer L and later) between neighbouring factors.
        public var crossedStep: [Int]
        /// Smallest factor from which on every larger factor leaves layer L's code unchanged (nil if none).
        public var unchangedFrom: Double?
        /// Layer L crossings for factors in (0, S], solved exactly (after the norm only: the
        /// pre-activations are affine in the factor there).
        public var exactLayerCrossings: [Crossing]?
    }

    public var model: String
    public var layer: Int
    public var at: String
    public var token: String
    public var outputMeasure: String
    public var factors: [Double]
    public var laterLayers: [Int]
    public var series: [Series]
}

public enum ScaleAnalysis {
    /// Factors `0, S/(steps-1), ..., S`, with 1 added if missing.
    public static func factors(max s: Double, steps: Int) -> [Double] {
        var f = (0..<steps).map { s * Double($0) / Double(steps - 1) }
        if s >= 1, !f.contains(1) { f.append(1); f.sort() }
        return f
    }

    public static func run(model: Model, at point: TokenPoint, layer: Int, maxScale: Double, steps: Int) throws -> ScaleResult {
        guard steps >= 2, maxScale >= 1 else {
            throw GeometryError.badArgument("need --steps >= 2 and --max >= 1 (the unscaled point is the reference); got \(steps), \(maxScale)")
        }
        let site = try MLPSite(model: model, layer: layer)
        let later = MLPSite.layers(of: model).filter { $0 > layer }
        let fs = factors(max: maxScale, steps: steps)
        var placements = [("after_norm", site.inputHook)]
        if let pre = site.preNormHook { placements.append(("before_norm", pre)) }
        var series: [ScaleResult.Series] = []
        var logits = false
        for (name, hook) in placements {
            let runner = try InjectionRunner(model: model, point: point, injectHook: hook, codeLayers: [layer] + later)
            logits = runner.outputIsLogits
            let x = runner.baseVector
            let samples = try runner.evaluate(fs.map { f in x.map { Float(f) * $0 } })
            let ref = try runner.evaluate([x])[0]
            let nL = runner.layerUnits[0]
            var hamL: [Int] = [], hamLater: [Int] = [], change: [Double] = [], step: [Int] = []
            for (i, s) in samples.enumerated() {
                hamL.append(DenseCrossingCounter.distance(Array(ref.regions[0..<nL]), Array(s.regions[0..<nL])))
                hamLater.append(DenseCrossingCounter.distance(Array(ref.regions[nL...]), Array(s.regions[nL...])))
                change.append(runner.outputChange(from: ref.output, to: s.output))
                step.append(i == 0 ? 0 : DenseCrossingCounter.distance(samples[i - 1].regions, s.regions))
            }
            var from: Double? = nil
            for i in stride(from: fs.count - 1, through: 0, by: -1) {
                if hamL[i] == 0 { from = fs[i] } else { break }
            }
            var exact: [Crossing]? = nil
            if name == "after_norm" {
                // pre(f) = f·(xW) + b: a straight path from 0 to S·x, t = f / S.
                let p0 = site.bIn.map(Double.init)
                let p1 = site.preActivations(x.map { Float(maxScale) * $0 })
                exact = BoundarySolver.straight(p0: p0, p1: p1, knots: site.knots, layer: layer).map {
                    Crossing(t: $0.t * maxScale, layer: $0.layer, unit: $0.unit)
                }
            }
            series.append(.init(placement: name, hook: hook, hammingLayer: hamL, hammingLater: hamLater, outputChange: change,
                                crossedStep: step, unchangedFrom: from, exactLayerCrossings: exact))
        }
        return ScaleResult(model: model.spec.name, layer: layer, at: point.spec, token: point.tokenText,
                           outputMeasure: logits ? "kl_nats" : "cosine_change", factors: fs, laterLayers: later, series: series)
    }

    /// Writes scale.json, scale.csv (one row per factor and placement), scale.svg (after the
    /// norm) and scale-control.svg (before it), atomically.
    public static func write(_ r: ScaleResult, to dir: URL) throws {
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let enc = JSONEncoder()
        enc.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(try enc.encode(r), to: dir.appendingPathComponent("scale.json"))
        var csv = "placement,factor,hamming_layer,hamming_later,crossed_step,output_change\n"
        for s in r.series {
            for (i, f) in r.factors.enumerated() {
                csv += "\(s.placement),\(f),\(s.hammingLayer[i]),\(s.hammingLater[i]),\(s.crossedStep[i]),\(s.outputChange[i])\n"
            }
        }
        try AtomicFile.write(Data(csv.utf8), to: dir.appendingPathComponent("scale.csv"))
        for s in r.series {
            let name = s.placement == "after_norm" ? "scale.svg" : "scale-control.svg"
            try AtomicFile.write(Data(chart(r, series: s).document().utf8), to: dir.appendingPathComponent(name))
        }
    }

    /// One chart per placement: Hamming distances of layer L (solid) and of later layers
    /// (with points) on the left axis, the output change (dashed) on the right.
    public static func chart(_ r: ScaleResult, series s: ScaleResult.Series) -> SVGPlot.LineChart {
        let measure = r.outputMeasure == "kl_nats" ? "KL from unscaled (nats)" : "1 − cos from unscaled"
        let short = r.outputMeasure == "kl_nats" ? "KL" : "1 − cos"
        var series: [SVGPlot.Series] = [.init(label: "Hamming, layer \(r.layer)", x: r.factors, y: s.hammingLayer.map(Double.init))]
        if !r.laterLayers.isEmpty {
            series.append(.init(label: "Hamming, later layers", x: r.factors, y: s.hammingLater.map(Double.init), showPoints: true))
        }
        series.append(.init(label: short, x: r.factors, y: s.outputChange, side: .right, dashed: true))
        let where_ = s.placement == "after_norm" ? "after the layer norm (\(s.hook))" : "before the layer norm (\(s.hook), control)"
        return SVGPlot.LineChart(title: "Scaling \(r.token) \(where_)", xLabel: "scale factor",
                                 yLabel: "Hamming distance from unscaled", rightYLabel: measure, series: series)
    }

    public static func summary(_ r: ScaleResult) -> String {
        var lines: [String] = []
        for s in r.series {
            let last = r.factors.count - 1
            var line = "\(s.placement) (\(s.hook)): at ×\(r.factors[last]) Hamming layer \(r.layer) = \(s.hammingLayer[last]), later = \(s.hammingLater[last]), \(r.outputMeasure) = \(String(format: "%.4g", s.outputChange[last])); at ×0: Hamming \(s.hammingLayer[0]), \(r.outputMeasure) \(String(format: "%.4g", s.outputChange[0]))"
            if let e = s.exactLayerCrossings { line += "; \(e.count) layer-\(r.layer) boundaries crossed over (0, \(r.factors[last])] (exact)" }
            line += s.unchangedFrom.map { "; layer \(r.layer) code unchanged for factors ≥ \($0)" } ?? "; layer \(r.layer) code changes up to the largest factor"
            lines.append(line)
        }
        return lines.joined(separator: "\n")
    }
}
