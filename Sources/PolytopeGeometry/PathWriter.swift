import PolytopePlots
import Foundation
import PolytopeIO
import PolytopeReport

/// Writes a path experiment: `path.json` (everything), `bins.csv`, `samples.csv`,
/// `crossings.csv`, and `path.svg` (crossing density per bin and output change over t).
/// Every file is written atomically.
public enum PathWriter {
    public static func write(_ r: PathResult, to dir: URL) throws {
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let enc = JSONEncoder()
        enc.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(try enc.encode(r), to: dir.appendingPathComponent("path.json"))
        var bins = "t0,t1,length,crossings_layer,crossings_later,density_layer,density_later,output_step\n"
        for b in r.bins {
            bins += "\(b.t0),\(b.t1),\(b.length),\(b.exact),\(b.later),\(b.exactDensity),\(b.laterDensity),\(b.outputStep)\n"
        }
        try AtomicFile.write(Data(bins.utf8), to: dir.appendingPathComponent("bins.csv"))
        var samples = "t,arc_length,output_change,hamming_layer,hamming_later\n"
        for s in r.samples { samples += "\(s.t),\(s.arcLength),\(s.outputChange),\(s.hammingLayer),\(s.hammingLater)\n" }
        try AtomicFile.write(Data(samples.utf8), to: dir.appendingPathComponent("samples.csv"))
        var cross = "t,layer,unit,count\n"
        for c in r.crossings { cross += "\(c.t),\(c.layer),\(c.unit),\(c.count)\n" }
        try AtomicFile.write(Data(cross.utf8), to: dir.appendingPathComponent("crossings.csv"))
        try AtomicFile.write(Data(chart(r).document().utf8), to: dir.appendingPathComponent("path.svg"))
    }

    public static func chart(_ r: PathResult) -> SVGPlot.LineChart {
        let mids = r.bins.map { 0.5 * ($0.t0 + $0.t1) }
        let measure = r.outputMeasure == "kl_nats" ? "KL from start (nats)" : "1 − cos from start"
        let legendMeasure = r.outputMeasure == "kl_nats" ? "KL from start" : "1 − cos"
        var series: [SVGPlot.Series] = [
            .init(label: "layer \(r.layer) (exact)", x: mids, y: r.bins.map(\.exactDensity), showPoints: true),
        ]
        if !r.laterLayers.isEmpty {
            series.append(.init(label: "later layers", x: mids, y: r.bins.map(\.laterDensity), showPoints: true))
        }
        series.append(.init(label: legendMeasure, x: r.samples.map(\.t), y: r.samples.map(\.outputChange), side: .right, dashed: true))
        return SVGPlot.LineChart(
            title: "\(r.path) path, layer \(r.layer): \(r.fromToken) → \(r.toToken)",
            xLabel: "t along the path", yLabel: "boundaries crossed / unit length", rightYLabel: measure, series: series)
    }

    /// A few lines for the terminal.
    public static func summary(_ r: PathResult) -> String {
        var s = """
        \(r.path) path at \(r.inputHook): \(r.fromToken) → \(r.toToken), length \(fmt(r.length)), angle \(fmt(r.angle)) rad
        layer \(r.layer) (exact): \(r.exactCrossings) crossings, \(fmt(Double(r.exactCrossings) / max(r.length, 1e-30))) per unit length
        """
        if !r.laterLayers.isEmpty {
            s += "\nlater layers \(r.laterLayers.first!)...\(r.laterLayers.last!) (sampled, \(r.steps) points, resolution \(r.resolution) in t): \(r.laterCrossings) crossings, \(r.evaluations) evaluations"
        }
        let end = r.samples.last?.outputChange ?? 0
        s += "\noutput change at the end (\(r.outputMeasure)): \(fmt(end))"
        if let c = r.densityOutputCorrelation { s += "; correlation of density and output step over bins: \(fmt(c))" }
        for n in r.affineNorms {
            s += "\nlocal affine map at t=\(n.t): spectral norm \(fmt(n.norms.spectral)), Frobenius \(fmt(n.norms.frobenius)), \(n.norms.activeUnits) units on"
        }
        return s
    }

    static func fmt(_ x: Double) -> String { String(format: "%.4g", x) }
}
