import PolytopePlots
import Foundation
import PolytopeCodes
import PolytopeIO
import PolytopeModel
import PolytopeProbe
import PolytopeReport

/// Statistics of a probe's codes, per recorded layer (`polytope stats`).
public struct LayerCodeStats: Codable, Sendable {
    public struct KnotBand: Codable, Sendable {
        /// Half-width of the band around the knot (pre-activation units).
        public var band: Double
        public var activation: String
        /// Rows re-run to get pre-activations, and the fraction of (row, unit) within the band.
        public var rows: Int
        public var fractionInBand: Double
        /// Mean over rows of the fraction of units in the band, and its standard deviation.
        public var perRowMean: Double
        public var perRowSD: Double
        /// Fraction of re-run rows whose recomputed code equals the probe's stored code.
        public var codeAgreement: Double
    }

    public var layer: Int
    public var rows: Int
    public var bits: Int
    public var distinctCodes: Int
    /// (tokens seen, distinct codes) along the recorded order.
    public var distinctCurve: [[Int]]
    public var nearestNeighbourHistogram: [Double]
    public var nearestNeighbourMean: Double
    public var randomPairHistogram: [Double]
    public var randomPairMean: Double
    public var firingRates: [Double]
    public var meanFiringRate: Double
    public var deadUnits: Int
    public var alwaysOnUnits: Int
    public var knotBand: KnotBand?
}

public struct StatsOptions: Sendable {
    /// Query rows for nearest-neighbour distances (a seeded sample when fewer than the rows).
    public var nearestNeighbourQueries = 2000
    public var randomPairs = 10_000
    /// Rows re-run through the model for the knot band (0: skip).
    public var bandRows = 200
    public var band = 0.1
    public init() {}
}

public enum StatsAnalysis {
    /// Reads `codes-layerL.plcodes` of every layer in summary.json. `model` (optional) enables
    /// the knot band: sampled rows are re-run (window rebuilt as for PROBE_DIR:ROW) and their
    /// pre-activations compared with the knot.
    public static func run(probeDirectory dir: String, model: Model?, options: StatsOptions,
                           log: (String) -> Void = { _ in }) throws -> [LayerCodeStats] {
        let probe = ProbeDirectory(path: dir)
        let summary = try probe.summary()
        var out: [LayerCodeStats] = []
        var resolver: ProbeRowResolver? = nil
        if let model, options.bandRows > 0 {
            resolver = try ProbeRowResolver(directory: dir, model: model, tokenizer: try ModelTokenizer.make(for: model))
        }
        for l in summary.layers {
            let codes = try probe.codes(layer: l)
            log("layer \(l): \(codes.rows) codes of \(codes.bits) bits")
            var g = SplitMix64(seed: UInt64(l) + 1)
            var queries = Array(0..<codes.rows)
            if queries.count > options.nearestNeighbourQueries {
                queries.shuffle(using: &g)
                queries = Array(queries.prefix(options.nearestNeighbourQueries)).sorted()
            }
            let nn = CodeStatistics.nearestNeighbourDistances(codes, queries: queries)
            let rp = CodeStatistics.randomPairDistances(codes, pairs: options.randomPairs, seed: UInt64(l) + 7)
            let rates = CodeStatistics.firingRates(codes)
            let curve = CodeStatistics.distinctCurve(codes)
            var band: LayerCodeStats.KnotBand? = nil
            if let model, let resolver {
                band = try knotBand(model: model, resolver: resolver, codes: codes, layer: l, options: options)
            }
            func mean(_ v: [Int]) -> Double { v.isEmpty ? .nan : Double(v.reduce(0, +)) / Double(v.count) }
            out.append(LayerCodeStats(
                layer: l, rows: codes.rows, bits: codes.bits, distinctCodes: curve.last?.distinct ?? 0,
                distinctCurve: curve.map { [$0.tokens, $0.distinct] },
                nearestNeighbourHistogram: CodeStatistics.histogram(nn), nearestNeighbourMean: mean(nn),
                randomPairHistogram: CodeStatistics.histogram(rp), randomPairMean: mean(rp),
                firingRates: rates, meanFiringRate: rates.isEmpty ? 0 : rates.reduce(0, +) / Double(rates.count),
                deadUnits: rates.filter { $0 == 0 }.count, alwaysOnUnits: rates.filter { $0 == 1 }.count, knotBand: band))
        }
        return out
    }

    /// Re-runs up to `bandRows` evenly chosen rows and measures |pre-activation - knot| < band.
    static func knotBand(model: Model, resolver: ProbeRowResolver, codes: CodeMatrix, layer: Int,
                         options: StatsOptions) throws -> LayerCodeStats.KnotBand {
        let site = try MLPSite(model: model, layer: layer)
        let n = min(options.bandRows, codes.rows)
        let rows = (0..<n).map { $0 * codes.rows / max(n, 1) }
        var inBand = 0, total = 0, agree = 0
        var perRow: [Double] = []
        let knot = site.knots[0]
        // Codes recorded with --up-sign: the gate's bits, then the up projection's sign.
        let upHook = site.upHook.flatMap { codes.bits == site.units * (site.knots.count + 1) ? $0 : nil }
        var i = 0
        while i < rows.count {
            let chunk = Array(rows[i..<min(rows.count, i + 16)])
            let points = try chunk.map { try resolver.point(row: $0) }
            let ctx = ForwardContext(sequences: points.map(\.tokens))
            let out = try model.forward(ctx, capture: [site.preHook] + (upHook.map { [$0] } ?? []))
            let pre = out[site.preHook]!
            for (b, p) in points.enumerated() {
                let r = pre.row(b * ctx.seqLen + p.position)
                let k = r.filter { abs(Double($0 - knot)) < options.band }.count
                inBand += k
                total += r.count
                perRow.append(Double(k) / Double(r.count))
                var recomputed = try CodeMatrix(preActivations: Array(r), rows: 1, units: r.count, knots: site.knots)
                if let upHook {
                    let up = Array(out[upHook]!.row(b * ctx.seqLen + p.position))
                    recomputed = try CodeMatrix.joiningColumns([recomputed, CodeMatrix(preActivations: up, rows: 1, units: up.count)])
                }
                if recomputed.bits == codes.bits, recomputed.packedRow(0) == codes.packedRow(chunk[b]) { agree += 1 }
            }
            i += chunk.count
        }
        let node = model.spec.nodes[try model.nodeIndex(hook: site.activationHook)]
        let (m, sd) = Statistics.meanAndSD(perRow)
        return .init(band: options.band, activation: node.kind, rows: rows.count, fractionInBand: total > 0 ? Double(inBand) / Double(total) : 0,
                     perRowMean: m, perRowSD: sd, codeAgreement: rows.isEmpty ? 0 : Double(agree) / Double(rows.count))
    }

    /// Writes stats.json and, per layer, stats-layerL-distinct.svg, -hamming.svg, -firing.svg.
    public static func write(_ stats: [LayerCodeStats], to dir: URL) throws {
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let enc = JSONEncoder()
        enc.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(try enc.encode(stats), to: dir.appendingPathComponent("stats.json"))
        for s in stats {
            for (name, svg) in charts(s) {
                try AtomicFile.write(Data(svg.document().utf8), to: dir.appendingPathComponent("stats-layer\(s.layer)-\(name).svg"))
            }
            let firing = firingChart(s)
            try AtomicFile.write(Data(firing.document().utf8), to: dir.appendingPathComponent("stats-layer\(s.layer)-firing.svg"))
        }
    }

    public static func charts(_ s: LayerCodeStats) -> [(String, SVGPlot.LineChart)] {
        let x = s.distinctCurve.map { Double($0[0]) }
        let distinct = SVGPlot.LineChart(
            title: "Layer \(s.layer): distinct codes vs tokens seen", xLabel: "tokens seen", yLabel: "distinct codes",
            series: [.init(label: "distinct codes", x: x, y: s.distinctCurve.map { Double($0[1]) }),
                     .init(label: "tokens (every code new)", x: x, y: x, dashed: true)])
        func frac(_ h: [Double]) -> [Double] { let t = h.reduce(0, +); return h.map { t > 0 ? $0 / t : 0 } }
        let ham = SVGPlot.LineChart(
            title: "Layer \(s.layer): Hamming distances", xLabel: "Hamming distance", yLabel: "fraction",
            series: [.init(label: "nearest neighbour (mean \(String(format: "%.1f", s.nearestNeighbourMean)))",
                           x: s.nearestNeighbourHistogram.indices.map(Double.init), y: frac(s.nearestNeighbourHistogram)),
                     .init(label: "random pairs (mean \(String(format: "%.1f", s.randomPairMean)))",
                           x: s.randomPairHistogram.indices.map(Double.init), y: frac(s.randomPairHistogram))])
        return [("distinct", distinct), ("hamming", ham)]
    }

    public static func firingChart(_ s: LayerCodeStats) -> SVGPlot.Histogram {
        let bins = 20
        var counts = [Double](repeating: 0, count: bins)
        for r in s.firingRates { counts[min(bins - 1, Int(r * Double(bins)))] += 1 }
        return SVGPlot.Histogram(title: "Layer \(s.layer): per-neuron firing rates (\(s.deadUnits) never on)", xLabel: "fraction of tokens with the unit on",
                                 yLabel: "neurons", counts: counts, binStart: 0, binWidth: 1 / Double(bins))
    }

    /// Sections for the probe's HTML report: a table of the numbers and the plots per layer.
    public static func reportSections(_ stats: [LayerCodeStats]) -> [ReportSection] {
        func f(_ x: Double, _ d: Int = 3) -> String { String(format: "%.\(d)f", x) }
        let rows = stats.map { s -> [String] in
            [String(s.layer), String(s.rows), String(s.distinctCodes), f(s.nearestNeighbourMean, 2), f(s.randomPairMean, 1),
             f(s.meanFiringRate), String(s.deadUnits), s.knotBand.map { "\(f($0.fractionInBand, 4)) (±\($0.band), \($0.activation))" } ?? "–",
             s.knotBand.map { f($0.codeAgreement, 2) } ?? "–"]
        }
        var sections = [ReportSection.table(
            title: "Code statistics",
            caption: "Distinct codes among the recorded tokens; mean Hamming distance to the nearest other code and between random pairs; mean per-neuron firing rate and neurons never on; fraction of units within the band around the knot, from re-run windows (and the fraction of re-run rows whose code equals the stored one).",
            columns: ["layer", "tokens", "distinct codes", "NN Hamming", "random-pair Hamming", "firing rate", "never on", "near knot", "codes agree"],
            rows: rows, placement: .afterLayers)]
        for s in stats {
            let charts = Self.charts(s).map { $0.1.fragment() } + [firingChart(s).fragment()]
            sections.append(ReportSection.figures(title: "Code statistics, layer \(s.layer)", svgs: charts,
                                     caption: "Written by polytope stats.", placement: .afterLayers))
        }
        return sections
    }

    /// Re-renders PROBE_DIR/report.html from clusters.json with the statistics sections added.
    public static func addToReport(_ stats: [LayerCodeStats], probeDirectory dir: String) throws {
        let probe = ProbeDirectory(path: dir)
        try HTMLReport.write(try probe.clusters(), to: probe.reportURL, extraSections: reportSections(stats))
    }

    public static func summary(_ stats: [LayerCodeStats]) -> String {
        stats.map { s in
            var line = "layer \(s.layer): \(s.distinctCodes) distinct codes / \(s.rows) tokens; nearest-neighbour Hamming mean \(String(format: "%.2f", s.nearestNeighbourMean)), random pairs \(String(format: "%.1f", s.randomPairMean)); mean firing rate \(String(format: "%.3f", s.meanFiringRate)), \(s.deadUnits) never on, \(s.alwaysOnUnits) always on"
            if let b = s.knotBand {
                line += "; \(b.activation): \(String(format: "%.4f", b.fractionInBand)) of units within ±\(b.band) of the knot (\(b.rows) rows re-run, recomputed codes equal stored: \(String(format: "%.2f", b.codeAgreement)))"
            }
            return line
        }.joined(separator: "\n")
    }
}
