import CPolytopeLens
import Foundation
import PolytopeClustering
import PolytopeCodes
import PolytopeIO
import PolytopeModel
import PolytopeProbe
import PolytopeReport

// The probe from C: the options of `polytope probe` as JSON, run through `Probe.run`, the
// library call the CLI's `polytope probe` makes too.

/// `polytope probe` options; names as the CLI's long options with `_` for `-`.
struct ProbeOptions: Decodable {
    var out: String
    var model: String?
    var plugins: [String]?
    var corpus: [String]?
    var paragraphs: Bool?
    var text_field: String?
    var lossy: Bool?
    var layers: [Int]?
    var k: Int?
    var context: Int?
    var stride: Int?
    var tokens: String?
    var per_window: Int?
    var skip: Int?
    var sample: Int?
    var seed: UInt64?
    var batch: Int?
    var threads: Int?
    var max_windows: Int?
    var method: String?
    var `init`: String?
    var memory: String?
    var mode: String?
    var max_iter: Int?
    var samples: Int?
    var sample_size: Int?
    var members: Int?
    var baselines: Bool?
    var restart: Bool?
    var precision: String?
    var up_sign: Bool?
}

func invalid(_ message: String) -> CAPIError { CAPIError(Int32(PL_EINVAL), message) }

/// k-medoids options resolved as the CLI's clustering options do (`--init auto`: BUILD where
/// its matrix exists and k N^2 stays under 2e10, else LAB).
func probeKMedoidsOptions(_ o: ProbeOptions, count n: Int?, k: Int, threads: Int) throws -> KMedoids.Options {
    let methodName = o.method ?? "fasterpam", initName = o.`init` ?? "auto", modeName = o.mode ?? "auto"
    guard let method = KMedoidsMethod(rawValue: methodName) else {
        throw invalid("--method must be one of fasterpam, alternate, clara (got '\(methodName)')")
    }
    guard initName == "auto" || KMedoidsInit(rawValue: initName) != nil else {
        throw invalid("--init must be one of auto, build, kmeans++, lab, random (got '\(initName)')")
    }
    guard modeName == "auto" || DissimilarityMode(rawValue: modeName) != nil else {
        throw invalid("--mode must be one of auto, matrix, matrix-free, clara (got '\(modeName)')")
    }
    guard let budget = MemoryBudget.parse(o.memory ?? "4G") else {
        throw invalid("--memory must be a positive size such as 4G, 512M or 1000000 (got '\(o.memory ?? "")')")
    }
    var options = KMedoids.Options(
        method: method, initialization: KMedoidsInit(rawValue: initName) ?? .build, seed: o.seed ?? 0, memoryBudget: budget,
        mode: modeName == "auto" ? (method == .clara ? .clara : nil) : DissimilarityMode(rawValue: modeName), threads: threads,
        maxIterations: o.max_iter ?? 100, claraSamples: o.samples ?? 5, claraSampleSize: o.sample_size)
    if initName == "auto", let n { options.initialization = KMedoids.autoInitialization(count: n, k: k, options: options) }
    return options
}

/// Runs (or continues) a probe; every output of `polytope probe` is written to `out`.
func runProbe(_ o: ProbeOptions) throws {
    let k = o.k ?? 100, batch = o.batch ?? 8, threads = o.threads ?? ProcessInfo.processInfo.activeProcessorCount
    let perWindow = o.per_window ?? 4, skip = o.skip ?? 8, sample = o.sample ?? 10_000, seed = o.seed ?? 0
    guard k >= 1 else { throw invalid("--k must be at least 1") }
    guard batch >= 1, threads >= 1 else { throw invalid("--batch and --threads must be at least 1") }
    guard perWindow >= 1, skip >= 0, sample >= 1 else { throw invalid("--per-window and --sample must be at least 1, --skip at least 0") }
    guard let modelPath = o.model ?? DefaultPaths.defaultModel() else {
        throw invalid("no --model given and the default model (models/\(DefaultPaths.defaultModelName)) was not found")
    }
    let model = try loadModel(path: modelPath, plugins: o.plugins ?? [])
    let corpusPaths = (o.corpus ?? []).isEmpty ? [DefaultPaths.defaultCorpus()].compactMap { $0 } : o.corpus!
    guard !corpusPaths.isEmpty else { throw invalid("no --corpus given and corpora/ of this checkout was not found") }

    var config = ProbeConfig(modelPath: modelPath, corpusPaths: corpusPaths)
    config.corpusOptions.paragraphs = o.paragraphs ?? false
    config.corpusOptions.textField = o.text_field ?? "text"
    config.corpusOptions.lossy = o.lossy ?? false
    config.layers = o.layers ?? []
    config.contextLength = o.context
    config.stride = o.stride
    switch o.tokens ?? "paper" {
    case "all": config.sampling = .all
    case "paper": config.sampling = .evenlySpaced(perWindow: perWindow, skip: skip)
    case "random": config.sampling = .random(size: sample, skip: skip, seed: seed)
    case let other: throw invalid("--tokens must be one of all, paper, random (got '\(other)')")
    }
    config.batchWindows = batch
    config.threads = threads
    config.maxWindows = o.max_windows
    config.keepActivations = o.baselines ?? false
    let precisionName = o.precision ?? "fp32"
    guard let precision = Precision(rawValue: precisionName) else {
        throw invalid("--precision must be one of \(Precision.allCases.map(\.rawValue).joined(separator: ", ")) (got '\(precisionName)')")
    }
    if let why = precision.unsupportedReason { throw invalid(why) }
    config.precision = precision
    config.upSign = o.up_sign ?? false

    var analysis = AnalysisOptions()
    analysis.k = k
    analysis.kmedoids = try probeKMedoidsOptions(o, count: nil, k: k, threads: threads)
    analysis.autoInitialization = (o.`init` ?? "auto") == "auto"
    analysis.membersShown = o.members ?? 12
    analysis.baselines = o.baselines ?? false
    try Probe.run(config, analysis: analysis, model: model, output: URL(fileURLWithPath: o.out), restart: o.restart ?? false)
}

@_cdecl("pl_probe")
public func pl_probe(_ optionsJSON: UnsafePointer<CChar>?, _ err: UnsafeMutablePointer<CChar>?, _ errLen: Int) -> Int32 {
    guarded(err, errLen) {
        let text = String(cString: try required(optionsJSON, "options_json"))
        let options: ProbeOptions
        do { options = try JSONDecoder().decode(ProbeOptions.self, from: Data(text.utf8)) } catch {
            throw invalid("probe options are not valid JSON of the expected shape (\(error))")
        }
        try runProbe(options)
    }
}
