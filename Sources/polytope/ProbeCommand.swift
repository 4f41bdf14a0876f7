import ArgumentParser
import Foundation
import PolytopeClustering
import PolytopeCodes
import PolytopeIO
import PolytopeModel
import PolytopeProbe
import PolytopeReport

struct ProbeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "probe",
        abstract: "Record polytope codes of a corpus at MLP layers, cluster them, and write a report.",
        discussion: """
        Cuts each document into windows of the model's context, runs them through the model in \
        parallel batches, and appends the polytope code of the recorded tokens (per MLP unit one bit \
        per knot of its activation: for ReLU and GELU, pre-activation > 0; for gated MLPs, the gate \
        projection's) to OUT/codes-layerL.plcodes as batches finish. Interrupted (Ctrl-C, \
        kill), the same command continues where it stopped. Then k-medoids (FasterPAM) on Hamming \
        distance, or HDBSCAN with --method hdbscan (noise: label -1 in labels-layerL.npy, its own \
        group in the report, with the condensed tree and a comparison with k-medoids), and OUT \
        holds: codes-layerL.plcodes and .npy, labels-layerL.npy, tokens.bin, clusters.json, \
        summary.json, report.html.

        Examples:
          polytope probe --out out/probe                       # default model and corpus
          polytope probe --model models/minilm.pb --corpus corpora/austen --layer 3 --k 50 \\
              --tokens random --sample 5000 --baselines --out out/minilm
          polytope probe --shard 2/8 --out out/shards/2       # part 2 of 8; then polytope merge
          polytope probe --method hdbscan --min-cluster-size 10 --out out/hdbscan
        """)

    @OptionGroup var modelOptions: ModelOptions

    @Option(parsing: .upToNextOption, help: ArgumentHelp("Corpus files (.txt, .jsonl) or directories. Default: corpora/ of this checkout.", valueName: "PATH"))
    var corpus: [String] = []

    @Flag(help: "Treat blank-line-separated paragraphs of .txt files as separate documents.")
    var paragraphs = false

    @Option(help: "JSON field holding the text in .jsonl files.")
    var textField = "text"

    @Flag(help: "Accept corpus bytes that are not UTF-8 (encoded as raw bytes) instead of stopping with an error.")
    var lossy = false

    @Option(name: .customLong("layer"), help: ArgumentHelp("MLP layer to record (repeatable). Default: the middle layer.", valueName: "L"))
    var layers: [Int] = []

    @Option(help: "Number of clusters.")
    var k = 100

    @Option(help: ArgumentHelp("Output directory.", valueName: "DIR"))
    var out: String

    @Option(help: ArgumentHelp("Window length in tokens, markers included (default: the model's context length, at most 1024; longer contexts such as SmolLM2's 8192 need --context N).", valueName: "N"))
    var context: Int?

    @Option(help: ArgumentHelp("Tokens between window starts (default: the window length, no overlap).", valueName: "N"))
    var stride: Int?

    @Option(help: "Which tokens to record: all, paper (evenly spaced per window), random (a sample of --sample tokens).")
    var tokens: TokenChoice = .paper

    @Option(help: "paper: tokens recorded per window.")
    var perWindow = 4

    @Option(help: "paper, random: skip this many first positions of each window.")
    var skip = 8

    @Option(help: "random: number of tokens to record.")
    var sample = 10_000

    @Option(help: "Seed for random sampling and clustering.")
    var seed: UInt64 = 0

    @Option(help: "Windows per forward batch.")
    var batch = 8

    @Option(help: "Parallel batches / clustering threads (default: all cores).")
    var threads = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: "Matrix-product precision of the forward pass: fp32; bf16 (AVX512-BF16 CPUs: every product's inputs rounded to bfloat16, attention's too, fp32 sums; on MiniLM layer 3 99.86% of bits agree with fp32); bf16-mixed (bf16 but the MLP input projections, whose signs are the codes, in fp32: 99.91%). A run never resumes across precisions.")
    var precision: Precision = .fp32

    @Flag(help: "Gated MLPs (SwiGLU, GeGLU): add the up projection's sign as a second bit per unit (codes twice as wide: the gate's bits, then W_up x > 0), e.g. polytope probe --model models/smollm2.pb --layer 10 --up-sign --out DIR.")
    var upSign = false

    @Option(help: ArgumentHelp("Stop after this many windows.", valueName: "N"))
    var maxWindows: Int?

    @OptionGroup(title: "Clustering")
    var clustering: ClusteringOptions

    @Option(help: "Members shown per cluster.")
    var members = 12

    @Flag(help: "Record codes of NaN or infinite pre-activations (by default the probe stops at the first one, naming the layer, document, window and position).")
    var allowNonfinite = false

    @Flag(help: "Also cluster the raw MLP activations (cosine, Euclidean) and list top-activating tokens per neuron, and compare.")
    var baselines = false

    @Option(help: ArgumentHelp("Record only shard I of N (0-based): contiguous whole batches of the corpus's windows, resumable; no clustering. I/N, /N (I from $SLURM_ARRAY_TASK_ID or $JOB_COMPLETION_INDEX) or auto (N from $SLURM_ARRAY_TASK_COUNT too). Join the shards with polytope merge.", valueName: "I/N"))
    var shard: String?

    @Option(help: ArgumentHelp("Report with the clustering made at scale instead of clustering here: DIR/medoids-layerL.json (polytope cluster --sample) and DIR/layerL/ (polytope assign shards) for each --layer.", valueName: "DIR"))
    var assignments: String?

    @Flag(help: "Discard an earlier run in DIR instead of continuing it.")
    var restart = false

    @Flag(help: "No progress bar or status lines.")
    var quiet = false

    enum TokenChoice: String, ExpressibleByArgument, CaseIterable { case all, paper, random }

    func validate() throws {
        guard k >= 1 else { throw ValidationError("--k must be at least 1") }
        guard batch >= 1, threads >= 1 else { throw ValidationError("--batch and --threads must be at least 1") }
        guard perWindow >= 1, skip >= 0, sample >= 1 else { throw ValidationError("--per-window and --sample must be at least 1, --skip at least 0") }
        if let why = precision.unsupportedReason { throw ValidationError(why) }
        if clustering.isHDBSCAN && assignments != nil { throw ValidationError("--assignments holds a k-medoids clustering; it cannot be combined with --method hdbscan") }
    }

    func run() throws {
        let model = try modelOptions.load()
        let corpusPaths = corpus.isEmpty ? [DefaultPaths.defaultCorpus()].compactMap { $0 } : corpus
        guard !corpusPaths.isEmpty else { throw ValidationError("no --corpus given and corpora/ of this checkout was not found") }
        var config = ProbeConfig(modelPath: try modelOptions.modelPath, corpusPaths: corpusPaths)
        config.corpusOptions.paragraphs = paragraphs
        config.corpusOptions.textField = textField
        config.corpusOptions.lossy = lossy
        config.layers = layers
        config.contextLength = context
        config.stride = stride
        switch tokens {
        case .all: config.sampling = .all
        case .paper: config.sampling = .evenlySpaced(perWindow: perWindow, skip: skip)
        case .random: config.sampling = .random(size: sample, skip: skip, seed: seed)
        }
        config.batchWindows = batch
        config.threads = threads
        config.precision = precision
        config.upSign = upSign
        config.maxWindows = maxWindows
        config.keepActivations = baselines
        config.allowNonFinite = allowNonfinite
        if let shard { config.shard = try ProbeShard.parse(shard) }

        var analysis = AnalysisOptions()
        analysis.k = k
        analysis.kmedoids = clustering.kmedoids(count: nil, k: k, seed: seed, threads: threads)
        analysis.autoInitialization = clustering.initialization == "auto"
        if clustering.isHDBSCAN {
            analysis.hdbscan = clustering.hdbscan(threads: threads)
            analysis.hdbscanSample = clustering.hdbscanSample
        }
        analysis.membersShown = members
        analysis.baselines = baselines
        if let assignments {
            // The clusterings made at scale (cluster --sample, assign) of an already collected directory.
            let chosen = try Probe.chooseLayers(layers, model: model)
            analysis.precomputed = try ProbeCommand.loadAssignments(URL(fileURLWithPath: assignments), layers: chosen, k: k,
                                                                    probe: URL(fileURLWithPath: out))
            analysis.kmedoids.method = .clara
        }

        let dir = try Probe.run(config, analysis: analysis, model: model, output: URL(fileURLWithPath: out), restart: restart,
                                progress: ProbeTerminal(quiet: quiet).handler)
        guard !quiet, config.shard == nil else { return }
        for layer in try dir.clusters().layers {
            if let noise = layer.noise {
                print("layer \(layer.layer): \(layer.tokens) tokens, HDBSCAN \(layer.k) clusters, \(noise) noise, mode \(layer.mode)")
            } else {
                print("layer \(layer.layer): \(layer.tokens) tokens, k = \(layer.k), loss \(Int(layer.loss)), mode \(layer.mode)")
            }
            for m in layer.measures {
                print(String(format: "  %@: token entropy %.2f bits, previous-token entropy %.2f bits, single-token clusters %.0f%%",
                             m.method, m.meanTokenEntropy, m.meanPreviousTokenEntropy, 100 * m.singleTokenFraction))
            }
        }
        print("report: \(dir.reportURL.path)")
    }
}

extension ProbeCommand {
    /// The at-scale clustering of each layer: medoids checked against the probe's codes, shards joined.
    static func loadAssignments(_ root: URL, layers: [Int], k: Int, probe: URL) throws -> [Int: KMedoidsResult] {
        var out: [Int: KMedoidsResult] = [:]
        for layer in layers {
            let file = root.appendingPathComponent("medoids-layer\(layer).json")
            let set = try MedoidSet.read(file)
            let codes = try CodeFile.header(of: probe.appendingPathComponent("codes-layer\(layer).plcodes"))
            guard set.k == k else { throw ValidationError("--assignments: \(file.path) has k = \(set.k) but --k is \(k); pass --k \(set.k)") }
            guard set.rows == codes.rows, set.provenance == codes.provenance else {
                throw ValidationError("--assignments: \(file.path) was drawn from other codes (\(set.rows) rows) than \(probe.path)'s layer \(layer) (\(codes.rows) rows)")
            }
            out[layer] = try ScaleClustering.join(dir: root.appendingPathComponent("layer\(layer)"), medoids: set)
        }
        return out
    }
}

extension KMedoidsMethod: ExpressibleByArgument {}
