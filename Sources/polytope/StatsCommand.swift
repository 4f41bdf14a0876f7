import ArgumentParser
import Foundation
import PolytopeArchitectures
import PolytopeBuiltins
import PolytopeGeometry
import PolytopeModel
import PolytopeProbe

struct StatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Statistics of a probe's codes: distinct codes vs tokens, Hamming distances, firing rates, knot band.",
        discussion: """
        For every layer the probe recorded: distinct codes against tokens seen, histograms of \
        nearest-neighbour and random-pair Hamming distances, per-neuron firing rates, and the \
        fraction of units whose pre-activation lies within ±--band of the knot (how fuzzy a GELU \
        layer's boundaries are). The probe does not keep pre-activations, so --band-rows rows are \
        re-run: each row's document is read again from the probe's corpus and its window rebuilt \
        (as for PROBE_DIR:ROW); the recomputed codes are compared with the stored ones.

        Writes OUT/stats.json and per layer stats-layerL-distinct.svg, -hamming.svg, -firing.svg \
        (OUT defaults to PROBE_DIR).

        Example:
          polytope stats out/probe --band 0.1 --band-rows 200 --report
        """)

    @Argument(help: ArgumentHelp("Output directory of `polytope probe`.", valueName: "PROBE_DIR"))
    var probe: String

    @Option(help: ArgumentHelp("Model file for the knot band (default: the model named in PROBE_DIR/summary.json).", valueName: "MODEL.pb"))
    var model: String?

    @Option(name: .long, help: ArgumentHelp("Load layer kinds from a plugin shared library (repeatable; also $POLYTOPE_PLUGIN_PATH, colon-separated).", valueName: "PATH.so"))
    var plugin: [String] = []

    @Option(help: ArgumentHelp("Output directory (default: PROBE_DIR).", valueName: "DIR"))
    var out: String?

    @Option(help: "Half-width of the band around the knot, in pre-activation units.")
    var band = 0.1

    @Option(help: "Rows re-run for the knot band (0: skip it and load no model).")
    var bandRows = 200

    @Option(help: "Query rows for nearest-neighbour distances.")
    var nnQueries = 2000

    @Option(help: "Random pairs for the random-pair distances.")
    var pairs = 10_000

    @Flag(help: "Also add the statistics as sections of PROBE_DIR/report.html (rebuilt from clusters.json).")
    var report = false

    func validate() throws {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: probe, isDirectory: &isDir), isDir.boolValue else {
            throw ValidationError("\(probe) is not a directory (give the output directory of `polytope probe`)")
        }
        guard FileManager.default.fileExists(atPath: ProbeDirectory(path: probe).summaryURL.path) else {
            throw ValidationError("\(probe) has no summary.json: is it the output of a finished `polytope probe`?")
        }
        guard band > 0 else { throw ValidationError("--band must be positive") }
        guard bandRows >= 0, nnQueries >= 1, pairs >= 1 else { throw ValidationError("--band-rows must be >= 0, --nn-queries and --pairs >= 1") }
    }

    func run() throws {
        var options = StatsOptions()
        options.band = band
        options.bandRows = bandRows
        options.nearestNeighbourQueries = nnQueries
        options.randomPairs = pairs
        var loaded: Model? = nil
        if bandRows > 0 {
            var path = model
            if path == nil, let s = try? ProbeDirectory(path: probe).summary() { path = s.modelPath }
            guard let path else { throw ValidationError("no --model given and \(probe)/summary.json names none; give --model or --band-rows 0") }
            let registry = LayerRegistry.builtins()
            try PluginSupport.load(plugin, into: registry)
            loaded = try ModelLoader.load(path: path, registry: registry)
        }
        let stats = try StatsAnalysis.run(probeDirectory: probe, model: loaded, options: options)
        let dir = out ?? probe
        try StatsAnalysis.write(stats, to: URL(fileURLWithPath: dir))
        print(StatsAnalysis.summary(stats))
        if report {
            try StatsAnalysis.addToReport(stats, probeDirectory: probe)
            print("added the statistics to \(probe)/report.html")
        }
        print("wrote \(dir)/stats.json and stats-layerL-*.svg")
    }
}
