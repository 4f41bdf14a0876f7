import Foundation
import PolytopeArchitectures
import PolytopeBuiltins
import PolytopeClustering
import PolytopeCodes
import PolytopeIO
import PolytopeModel
import PolytopeReport

/// The probe as a library call: corpus → windows → codes (streamed to disk, resumable) →
/// clusters → clusters.json, summary.json, .npy files and report.html in a `ProbeDirectory`.
/// The CLI's `polytope probe` is option parsing around this.
public enum Probe {
    /// Runs (or continues) a probe.
    ///
    /// - Parameters:
    ///   - config: what to record; `config.layers` empty means the middle MLP layer.
    ///   - analysis: how to cluster and summarise.
    ///   - model: the loaded model; nil loads `config.modelPath` with the built-in kinds.
    ///   - output: the directory to write (created if missing).
    ///   - restart: discard an earlier run in `output` instead of continuing it.
    ///   - progress: status lines and collection progress; throwing from it stops the probe.
    /// - Returns: the finished directory.
    /// - Complexity: one forward pass per window up to the last recorded layer, then k-medoids
    ///   per layer (see `KMedoids`).
    @discardableResult
    public static func run(_ config: ProbeConfig, analysis: AnalysisOptions = AnalysisOptions(), model: Model? = nil,
                           output: URL, restart: Bool = false, progress: @escaping ProbeProgress = { _ in }) throws -> ProbeDirectory {
        let started = Date()
        let model = try model ?? ModelLoader.load(path: config.modelPath, registry: .builtins())
        let tokenizer = try ModelTokenizer.make(for: model)
        var config = config
        config.layers = try chooseLayers(config.layers, model: model)
        guard !config.corpusPaths.isEmpty else { throw ProbeError.badArgument("no corpus given") }
        let corpus = try Corpus(paths: config.corpusPaths, options: config.corpusOptions)
        let dir = try prepare(output)

        try progress(.status("probing \(model.spec.name) layers \(config.layers.map(String.init).joined(separator: ",")) on \(corpus.files.count) file(s) -> \(output.path)"))
        let collection = try Collector(config: config, model: model, tokenizer: tokenizer, corpus: corpus, directory: dir,
                                       progress: progress).run(restart: restart)
        try progress(.status("recorded \(collection.rows) of \(collection.tokensSeen) tokens from \(collection.documents) documents"))
        if let part = config.shard {
            try progress(.status("shard \(part) complete in \(output.path); join all shards with: polytope merge SHARD_DIR... --out DIR"))
            return dir
        }

        var analysis = analysis
        if analysis.autoInitialization {
            analysis.kmedoids.initialization = KMedoids.autoInitialization(count: collection.rows, k: analysis.k, options: analysis.kmedoids)
        }
        analysis.hooks = Dictionary(uniqueKeysWithValues: try config.layers.map { ($0, try model.mlp(layer: $0).pre) })
        let t0 = Date()
        let (data, timings) = try ProbeAnalysis.analyze(dir: dir, layers: config.layers, modelName: model.spec.name, corpus: corpus,
                                                        tokenizer: tokenizer, collection: collection, options: analysis,
                                                        progress: progress)
        let analysisSeconds = Date().timeIntervalSince(t0)

        let enc = JSONEncoder()
        enc.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(try enc.encode(data), to: dir.clustersURL)
        try HTMLReport.write(data, to: dir.reportURL)
        var summary = ProbeSummary(
            model: model.spec.name, modelPath: config.modelPath, architecture: model.spec.anatomy?.family ?? model.spec.architecture,
            layers: config.layers, bits: config.layers.map { collection.bits[$0] ?? 0 }, corpus: config.corpusPaths,
            documents: collection.documents, windows: collection.windows, tokensSeen: collection.tokensSeen,
            tokensRecorded: collection.rows, sampling: config.sampling.description, k: analysis.k,
            method: analysis.hdbscan != nil ? "hdbscan" : analysis.kmedoids.method.rawValue, initialization: analysis.kmedoids.initialization.rawValue,
            seed: analysis.kmedoids.seed, hammingKernel: HammingKernel.current.rawValue, blasCore: BLAS.coreName,
            threads: config.threads, collectionSeconds: collection.seconds, analysisSeconds: analysisSeconds,
            totalSeconds: Date().timeIntervalSince(started), resumedFromRows: collection.resumedFromRows, layerTimings: timings)
        summary.identity = try RunIdentity(model: model, modelPath: config.modelPath)
        summary.gemmKernel = GEMMKernel.chosen.description
        summary.precision = config.precision.rawValue
        summary.collectionTokensPerSecond = collection.seconds > 0 ? Double(collection.tokensSeen) / collection.seconds : nil
        try AtomicFile.write(try enc.encode(summary), to: dir.summaryURL)
        try progress(.status("wrote \(dir.reportURL.path)"))
        return dir
    }

    /// The layers to record: as asked (each checked against the model), or the middle one.
    public static func chooseLayers(_ asked: [Int], model: Model) throws -> [Int] {
        let available = model.mlpLayers
        guard !available.isEmpty else { throw ProbeError.badArgument("model '\(model.spec.name)' has no MLP layers in its anatomy") }
        if asked.isEmpty { return [available[available.count / 2]] }
        for l in asked where !available.contains(l) {
            throw ProbeError.badArgument("--layer \(l): the model's MLP layers are \(available.map(String.init).joined(separator: ", "))")
        }
        return asked
    }

    /// Creates the output directory and checks that it can be written.
    static func prepare(_ url: URL) throws -> ProbeDirectory {
        do { try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true) } catch {
            throw ProbeError.badArgument("cannot create output directory \(url.path): \((error as NSError).localizedDescription)")
        }
        guard FileManager.default.isWritableFile(atPath: url.path) else {
            throw ProbeError.badArgument("output directory \(url.path) is not writable")
        }
        return ProbeDirectory(url)
    }
}
