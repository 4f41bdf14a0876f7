import ArgumentParser
import Foundation
import PolytopeGeometry
import PolytopeModel
import PolytopeProbe

struct PathsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "paths",
        abstract: "Count polytope boundaries crossed along a path between two tokens' MLP inputs, and the output change along it.",
        discussion: """
        The path runs between the activations of two token positions at the input of layer L's MLP \
        (after its layer norm), straight or spherical (--spherical). Layer L's own crossings are \
        solved exactly (straight) or bracketed and bisected to --tolerance (spherical). Crossings \
        of later layers are counted by running the model with the path point injected at the \
        start token's position (in the start token's window), at --steps evenly spaced points, \
        bisecting between points whose codes differ down to --resolution in t. Output change: KL \
        of the next-token distribution from the path start (language model) or 1 - cosine of the \
        final hidden state.

        A position is "TEXT@INDEX": the INDEX-th token (negative: from the end) of TEXT as the \
        model tokenizes it (with [CLS]/[SEP] for BERT), or "PROBE_DIR:ROW": row ROW of a probe's \
        tokens.bin (its document is read again from the probe's corpus and the window cut around it).

        OUT holds path.json, bins.csv, samples.csv, crossings.csv and path.svg. With --random-pairs N \
        --corpus PATH, N paths between random token positions are run instead, and OUT holds \
        pairs.json, pairs.csv, pairs.svg and pairs-profile.svg: per path the correlation over t-bins between crossing \
        density and output step, and its spread over paths.

        Example:
          polytope paths --model models/gpt2-relu.pb --layer 2 \\
              --from "The cat sat on the mat@2" --to "The dog ran in the park@2" --steps 129 --out out/paths
          polytope paths --layer 2 --random-pairs 100 --corpus corpora/austen --out out/pairs
        """)

    @OptionGroup var modelOptions: ModelOptions
    @OptionGroup var linearize: LinearizeOption

    @Option(help: ArgumentHelp("MLP layer whose input the path runs in.", valueName: "L"))
    var layer: Int

    @Option(help: ArgumentHelp("Start position, TEXT@INDEX or PROBE_DIR:ROW.", valueName: "POSITION"))
    var from: String?

    @Option(help: ArgumentHelp("End position, TEXT@INDEX or PROBE_DIR:ROW.", valueName: "POSITION"))
    var to: String?

    @Option(help: ArgumentHelp("Instead of --from/--to: run N paths between random token positions of --corpus and summarise the density-output correlation.", valueName: "N"))
    var randomPairs: Int?

    @Option(parsing: .upToNextOption, help: ArgumentHelp("Corpus for --random-pairs (.txt/.jsonl files or directories).", valueName: "PATH"))
    var corpus: [String] = []

    @Option(help: "Seed for --random-pairs.")
    var seed: UInt64 = 1

    @Option(help: ArgumentHelp("--random-pairs: window length in tokens, markers included (default: the model's context).", valueName: "N"))
    var window: Int?

    @Option(help: "Evenly spaced sample points along the path (ends included).")
    var steps = 129

    @Option(help: "Bins over t for the density curve.")
    var bins = 32

    @Flag(help: "Spherical path (slerp) instead of a straight one.")
    var spherical = false

    @Option(help: "Bisection resolution in t for later layers' crossings.")
    var resolution = 1e-3

    @Option(help: "Bisection tolerance in t for layer L's crossings on a spherical path.")
    var tolerance = 1e-9

    @Flag(help: "Count only layer L's crossings (no forward passes for later layers).")
    var layerOnly = false

    @Flag(help: "Print the local affine map's norms (spectral, Frobenius) of layer L's MLP at the path's ends.")
    var affineNorm = false

    @Option(parsing: .upToNextOption, help: ArgumentHelp("Also print the affine map's norms at these t.", valueName: "T"))
    var affineAt: [Double] = []

    @Option(help: ArgumentHelp("Output directory.", valueName: "DIR"))
    var out: String

    func validate() throws {
        if let n = randomPairs {
            guard n >= 1 else { throw ValidationError("--random-pairs must be at least 1") }
            guard !corpus.isEmpty else { throw ValidationError("--random-pairs needs --corpus PATH") }
            guard from == nil, to == nil else { throw ValidationError("give either --from/--to or --random-pairs, not both") }
        } else {
            guard from != nil, to != nil else { throw ValidationError("give --from and --to (or --random-pairs N --corpus PATH)") }
        }
        guard steps >= 2 else { throw ValidationError("--steps must be at least 2") }
        guard bins >= 1, bins <= steps - 1 else { throw ValidationError("--bins must be between 1 and steps - 1 (\(steps - 1))") }
        guard resolution > 0, resolution < 1 else { throw ValidationError("--resolution must be in (0, 1)") }
        guard tolerance > 0 else { throw ValidationError("--tolerance must be positive") }
        for t in affineAt where !(0...1).contains(t) { throw ValidationError("--affine-at \(t) is outside [0, 1]") }
    }

    func run() throws {
        let model = try linearize.load(modelOptions)
        let tokenizer = try ModelTokenizer.make(for: model)
        var config = PathConfig(layer: layer)
        config.kind = spherical ? .spherical : .straight
        config.steps = steps
        config.bins = bins
        config.resolution = resolution
        config.tolerance = tolerance
        config.laterLayers = !layerOnly
        config.affineAt = (affineNorm ? [0, 1] : []) + affineAt
        if let n = randomPairs {
            let r = try RandomPairs.run(model: model, corpus: try Corpus(paths: corpus), count: n, config: config, seed: seed, window: window) {
                FileHandle.standardError.write(Data(($0 + "\n").utf8))
            }
            try RandomPairs.write(r, to: URL(fileURLWithPath: out))
            print(RandomPairs.summary(r))
            print("wrote \(out)/pairs.json, pairs.csv, pairs.svg, pairs-profile.svg")
            return
        }
        let a = try TokenPoint.resolve(from!, model: model, tokenizer: tokenizer)
        let b = try TokenPoint.resolve(to!, model: model, tokenizer: tokenizer)
        let result = try PathAnalysis.run(model: model, from: a, to: b, config: config)
        try PathWriter.write(result, to: URL(fileURLWithPath: out))
        print(PathWriter.summary(result))
        print("wrote \(out)/path.json, bins.csv, samples.csv, crossings.csv, path.svg")
    }
}
