import Foundation

/// Counts region changes of units that are not affine along a path (the MLP layers after the
/// one the path runs in) by sampling and bisection.
///
/// `samples` evenly spaced points are evaluated; every pair of neighbours whose codes differ is
/// bisected (all midpoints of a round evaluated as one batch) until each differing interval is
/// shorter than `resolution` in t. Each such interval is one resolved crossing event at its
/// midpoint, with the number of units whose region changed across it, split by layer.
/// Units that leave a region and come back between two neighbouring samples cancel and are
/// not seen: the count is exact for crossings farther apart than the sample spacing, and
/// positions are known to `resolution`.
///
/// - Complexity: `samples` evaluations plus, per differing interval, about
///   log2(spacing / resolution) more.
public struct DenseCrossingCounter {
    public var samples: Int
    public var resolution: Double
    /// Offsets of each layer's units in a region vector, and the layer numbers.
    public var layerOffsets: [Int]
    public var layers: [Int]

    public init(samples: Int, resolution: Double, layers: [Int], layerOffsets: [Int]) {
        precondition(samples >= 2 && resolution > 0 && layers.count == layerOffsets.count)
        self.samples = samples
        self.resolution = resolution
        self.layers = layers
        self.layerOffsets = layerOffsets
    }

    public struct Result: Sendable {
        /// The evenly spaced sample points and their region vectors.
        public var ts: [Double]
        public var regions: [[UInt8]]
        /// Resolved crossing events (one per layer with changes per interval), sorted by t.
        public var crossings: [Crossing]
        /// Number of evaluations, the evenly spaced ones included.
        public var evaluations: Int
    }

    /// Runs the count; `evaluate` maps points t to region vectors (one per t, equal lengths).
    public func run(evaluate: ([Double]) throws -> [[UInt8]]) throws -> Result {
        let ts = (0..<samples).map { Double($0) / Double(samples - 1) }
        let regions = try evaluate(ts)
        var evaluations = ts.count
        var crossings: [Crossing] = []
        // Intervals still to refine: (t0, t1, codes at ends).
        var open: [(Double, Double, [UInt8], [UInt8])] = []
        for i in 0..<(samples - 1) where regions[i] != regions[i + 1] {
            open.append((ts[i], ts[i + 1], regions[i], regions[i + 1]))
        }
        while !open.isEmpty {
            let (done, refine) = (open.filter { $0.1 - $0.0 <= resolution }, open.filter { $0.1 - $0.0 > resolution })
            for iv in done { crossings += events(t: 0.5 * (iv.0 + iv.1), iv.2, iv.3) }
            if refine.isEmpty { break }
            let mids = refine.map { 0.5 * ($0.0 + $0.1) }
            let midRegions = try evaluate(mids)
            evaluations += mids.count
            open = []
            for (i, iv) in refine.enumerated() {
                let m = midRegions[i]
                if m != iv.2 { open.append((iv.0, mids[i], iv.2, m)) }
                if m != iv.3 { open.append((mids[i], iv.1, m, iv.3)) }
            }
        }
        crossings.sort { ($0.t, $0.layer) < ($1.t, $1.layer) }
        return Result(ts: ts, regions: regions, crossings: crossings, evaluations: evaluations)
    }

    /// Per-layer counts of units whose region differs (knots crossed: |r1 - r0| per unit).
    func events(t: Double, _ a: [UInt8], _ b: [UInt8]) -> [Crossing] {
        var out: [Crossing] = []
        for (i, l) in layers.enumerated() {
            let lo = layerOffsets[i], hi = i + 1 < layerOffsets.count ? layerOffsets[i + 1] : a.count
            var n = 0
            for j in lo..<hi where a[j] != b[j] { n += abs(Int(a[j]) - Int(b[j])) }
            if n > 0 { out.append(Crossing(t: t, layer: l, unit: -1, count: n)) }
        }
        return out
    }

    /// Knots crossed between two region vectors.
    public static func distance(_ a: [UInt8], _ b: [UInt8]) -> Int {
        var n = 0
        for j in a.indices where a[j] != b[j] { n += abs(Int(a[j]) - Int(b[j])) }
        return n
    }
}
