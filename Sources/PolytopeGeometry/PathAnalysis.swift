import Foundation
import PolytopeModel

/// Settings of a path experiment.
public struct PathConfig: Sendable {
    public var layer: Int
    public var kind: ActivationPath.Kind = .straight
    /// Evenly spaced sample points (outputs and later-layer codes), ends included.
    public var steps: Int = 129
    /// Bisection stops when a differing interval is shorter than this (in t).
    public var resolution: Double = 1e-3
    /// Bracket width for spherical crossings of layer L (in t).
    public var tolerance: Double = 1e-9
    public var bins: Int = 32
    /// Count crossings of later layers (costs forward passes); layer L's own are always exact.
    public var laterLayers: Bool = true
    /// Points t at which to report the local affine map's norms (empty: none).
    public var affineAt: [Double] = []

    public init(layer: Int) { self.layer = layer }
}

/// Results of one path: crossings, densities per t-bin, and output change along it.
public struct PathResult: Codable, Sendable {
    public struct Bin: Codable, Sendable {
        public var t0: Double
        public var t1: Double
        /// Path length of the bin in activation space.
        public var length: Double
        /// Knots crossed in layer L (exact) and in later layers (sampled), and per unit length.
        public var exact: Int
        public var later: Int
        public var exactDensity: Double
        public var laterDensity: Double
        /// Output change between the bin's ends (KL(P(t0) || P(t1)) or cosine change).
        public var outputStep: Double
    }

    public struct Sample: Codable, Sendable {
        public var t: Double
        public var arcLength: Double
        /// Output change from the path start (KL in nats, or 1 - cosine).
        public var outputChange: Double
        /// Layer L units whose code differs from the start (exact) and later-layer knots crossed from the start.
        public var hammingLayer: Int
        public var hammingLater: Int
    }

    public struct AffineNorm: Codable, Sendable {
        public var t: Double
        public var norms: MLPAffineMap.Norms
    }

    public var model: String
    public var layer: Int
    public var inputHook: String
    public var from: String
    public var fromToken: String
    public var to: String
    public var toToken: String
    public var path: String
    public var angle: Double
    public var length: Double
    public var steps: Int
    public var resolution: Double
    public var tolerance: Double
    public var outputMeasure: String
    public var exactCrossings: Int
    public var laterCrossings: Int
    public var laterLayers: [Int]
    public var evaluations: Int
    /// Pearson correlation over bins between total crossing density and output step (nil if undefined).
    public var densityOutputCorrelation: Double?
    /// The same for layer L's density alone and for the later layers' alone.
    public var layerDensityOutputCorrelation: Double?
    public var laterDensityOutputCorrelation: Double?
    /// Control: the total density against the output steps rotated by half the bins (what
    /// two smooth curves give without lining up).
    public var shiftedDensityOutputCorrelation: Double?
    /// Control: the correlation of the residuals after removing a quadratic trend in t from
    /// both curves (a shared rise toward the path's middle does not count).
    public var detrendedDensityOutputCorrelation: Double?
    public var bins: [Bin]
    public var samples: [Sample]
    public var crossings: [Crossing]
    public var affineNorms: [AffineNorm]
}

/// Runs a path between the MLP-input activations of two token positions (see `PathConfig`).
///
/// The path's vectors are injected at the start point's position in the start point's window
/// (`InjectionRunner`), so later layers and the output see the start's context throughout.
public enum PathAnalysis {
    public static func run(model: Model, from a: TokenPoint, to b: TokenPoint, config: PathConfig) throws -> PathResult {
        let site = try MLPSite(model: model, layer: config.layer)
        let later = config.laterLayers ? MLPSite.layers(of: model).filter { $0 > config.layer } : []
        let runner = try InjectionRunner(model: model, point: a, injectHook: site.inputHook, codeLayers: later)
        let x0 = runner.baseVector
        let x1 = try model.forward(ForwardContext(sequences: [b.tokens]), capture: [site.inputHook])[site.inputHook]!.row(b.position)
        let path = try ActivationPath(from: x0, to: Array(x1), kind: config.kind)
        return try run(model: model, site: site, runner: runner, path: path, from: a, to: b, config: config)
    }

    static func run(model: Model, site: MLPSite, runner: InjectionRunner, path: ActivationPath,
                    from a: TokenPoint, to b: TokenPoint, config: PathConfig) throws -> PathResult {
        guard config.steps >= 2, config.bins >= 1, config.bins <= config.steps - 1 else {
            throw GeometryError.badArgument("need --steps >= 2 and 1 <= bins <= steps - 1 (got steps \(config.steps), bins \(config.bins))")
        }
        // Refused before any work where the MLP has no local affine map (gated MLPs).
        let map = config.affineAt.isEmpty ? nil : try MLPAffineMap(model: model, site: site)
        let exact = exactCrossings(site: site, path: path, tolerance: config.tolerance)
        // Sample and bisect; keep every evaluated output for the evenly spaced points.
        var outputs: [Double: [Float]] = [:]
        let counter = DenseCrossingCounter(samples: config.steps, resolution: config.resolution,
                                           layers: runner.codeLayers, layerOffsets: runner.layerOffsets)
        let dense = try counter.run { ts in
            let samples = try runner.evaluate(ts.map { path.point($0) })
            for (t, s) in zip(ts, samples) where outputs[t] == nil { outputs[t] = s.output }
            return samples.map(\.regions)
        }
        let ts = dense.ts
        let arc = path.arcLength(at: ts)
        let start = outputs[0]!
        let p0 = site.preActivations(path.start)
        var samples: [PathResult.Sample] = []
        for (i, t) in ts.enumerated() {
            let pre = site.preActivations(path.point(t))
            let ham = zip(p0, pre).filter { site.region($0) != site.region($1) }.count
            samples.append(.init(t: t, arcLength: arc[i], outputChange: runner.outputChange(from: start, to: outputs[t]!),
                                 hammingLayer: ham, hammingLater: DenseCrossingCounter.distance(dense.regions[0], dense.regions[i])))
        }
        var bins: [PathResult.Bin] = []
        for k in 0..<config.bins {
            let i0 = Int((Double(k) * Double(config.steps - 1) / Double(config.bins)).rounded())
            let i1 = Int((Double(k + 1) * Double(config.steps - 1) / Double(config.bins)).rounded())
            let t0 = ts[i0], t1 = ts[i1], len = arc[i1] - arc[i0]
            func inBin(_ c: Crossing) -> Bool { c.t >= t0 && (c.t < t1 || (k == config.bins - 1 && c.t <= t1)) }
            let e = exact.filter(inBin).reduce(0) { $0 + $1.count }
            let l = dense.crossings.filter(inBin).reduce(0) { $0 + $1.count }
            bins.append(.init(t0: t0, t1: t1, length: len, exact: e, later: l,
                              exactDensity: len > 0 ? Double(e) / len : 0, laterDensity: len > 0 ? Double(l) / len : 0,
                              outputStep: runner.outputChange(from: outputs[t0]!, to: outputs[t1]!)))
        }
        var norms: [PathResult.AffineNorm] = []
        if let map {
            for t in config.affineAt { norms.append(.init(t: t, norms: map.norms(at: path.point(t)))) }
        }
        return PathResult(
            model: model.spec.name, layer: site.layer, inputHook: site.inputHook, from: a.spec, fromToken: a.tokenText,
            to: b.spec, toToken: b.tokenText, path: path.kind.rawValue, angle: path.omega, length: arc.last ?? 0,
            steps: config.steps, resolution: config.resolution, tolerance: config.tolerance,
            outputMeasure: runner.outputIsLogits ? "kl_nats" : "cosine_change",
            exactCrossings: exact.count, laterCrossings: dense.crossings.reduce(0) { $0 + $1.count },
            laterLayers: runner.codeLayers, evaluations: dense.evaluations,
            densityOutputCorrelation: Statistics.pearson(bins.map { $0.exactDensity + $0.laterDensity }, bins.map(\.outputStep)),
            layerDensityOutputCorrelation: Statistics.pearson(bins.map(\.exactDensity), bins.map(\.outputStep)),
            laterDensityOutputCorrelation: Statistics.pearson(bins.map(\.laterDensity), bins.map(\.outputStep)),
            shiftedDensityOutputCorrelation: Statistics.pearson(bins.map { $0.exactDensity + $0.laterDensity },
                                                                Array(bins.map(\.outputStep).rotated(by: bins.count / 2))),
            detrendedDensityOutputCorrelation: Statistics.pearson(
                Statistics.quadraticResiduals(bins.map { $0.exactDensity + $0.laterDensity }, at: bins.map { 0.5 * ($0.t0 + $0.t1) }),
                Statistics.quadraticResiduals(bins.map(\.outputStep), at: bins.map { 0.5 * ($0.t0 + $0.t1) })),
            bins: bins, samples: samples, crossings: exact + dense.crossings, affineNorms: norms)
    }

    /// Layer L's own crossings, exactly (straight) or bracketed and bisected (spherical).
    public static func exactCrossings(site: MLPSite, path: ActivationPath, tolerance: Double) -> [Crossing] {
        switch path.kind {
        case .straight:
            return BoundarySolver.straight(p0: site.preActivations(path.start), p1: site.preActivations(path.end),
                                           knots: site.knots, layer: site.layer)
        case .spherical:
            let bias = site.bIn.map(Double.init)
            let u = zip(site.preActivations(path.start), bias).map { $0 - $1 }
            let v = zip(site.preActivations(path.end), bias).map { $0 - $1 }
            return BoundarySolver.spherical(u: u, v: v, bias: bias, omega: path.omega, knots: site.knots,
                                            layer: site.layer, tolerance: tolerance)
        }
    }
}

extension Array {
    /// The array with its first `k` elements moved to the end.
    func rotated(by k: Int) -> [Element] {
        guard !isEmpty else { return self }
        let k = ((k % count) + count) % count
        return Array(self[k...] + self[..<k])
    }
}

/// Small statistics helpers.
public enum Statistics {
    /// Pearson correlation; nil when fewer than 3 values or either side is constant.
    public static func pearson(_ x: [Double], _ y: [Double]) -> Double? {
        let n = min(x.count, y.count)
        guard n >= 3 else { return nil }
        let mx = x.prefix(n).reduce(0, +) / Double(n), my = y.prefix(n).reduce(0, +) / Double(n)
        var sxy = 0.0, sxx = 0.0, syy = 0.0
        for i in 0..<n {
            sxy += (x[i] - mx) * (y[i] - my); sxx += (x[i] - mx) * (x[i] - mx); syy += (y[i] - my) * (y[i] - my)
        }
        guard sxx > 0, syy > 0 else { return nil }
        return sxy / (sxx * syy).squareRoot()
    }

    /// y minus its least-squares fit a + b x + c x² (normal equations, Cramer's rule); y itself
    /// when fewer than 4 points or the fit is singular.
    public static func quadraticResiduals(_ y: [Double], at x: [Double]) -> [Double] {
        let n = min(x.count, y.count)
        guard n >= 4 else { return y }
        var s = [Double](repeating: 0, count: 5), r = [Double](repeating: 0, count: 3)
        for i in 0..<n {
            var p = 1.0
            for k in 0..<5 {
                s[k] += p
                if k < 3 { r[k] += p * y[i] }
                p *= x[i]
            }
        }
        let m = [[s[0], s[1], s[2]], [s[1], s[2], s[3]], [s[2], s[3], s[4]]]
        func det(_ a: [[Double]]) -> Double {
            a[0][0] * (a[1][1] * a[2][2] - a[1][2] * a[2][1]) - a[0][1] * (a[1][0] * a[2][2] - a[1][2] * a[2][0])
                + a[0][2] * (a[1][0] * a[2][1] - a[1][1] * a[2][0])
        }
        let d = det(m)
        guard abs(d) > 1e-12 else { return y }
        var coef = [Double](repeating: 0, count: 3)
        for k in 0..<3 {
            var mk = m
            for row in 0..<3 { mk[row][k] = r[row] }
            coef[k] = det(mk) / d
        }
        return (0..<n).map { y[$0] - (coef[0] + coef[1] * x[$0] + coef[2] * x[$0] * x[$0]) }
    }

    public static func meanAndSD(_ x: [Double]) -> (mean: Double, sd: Double) {
        guard !x.isEmpty else { return (.nan, .nan) }
        let m = x.reduce(0, +) / Double(x.count)
        let v = x.count > 1 ? x.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(x.count - 1) : 0
        return (m, v.squareRoot())
    }
}
