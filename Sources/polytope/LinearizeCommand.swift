import ArgumentParser
import Foundation
import PolytopeGeometry
import PolytopeModel
import PolytopeProbe

struct LinearizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "linearize",
        abstract: "How far a GELU model's outputs and codes move when GELU is replaced by a piecewise-linear surrogate.",
        discussion: """
        Runs the model as it is and with every GELU unit replaced (--surrogate relu: max(x, 0); \
        pwl: the piecewise-linear interpolant of GELU at 9 knots in [-3, 3]) on non-overlapping \
        context-length windows of the corpus, and reports per token the KL divergence of the \
        next-token distribution (or 1 - cosine of the final hidden state), the relative error of \
        the final hidden state, and per layer how many units' sign bits (pre-activation > 0) flip.

        Other commands take --linearize-gelu relu|pwl to run the surrogate model (paths, scale).

        Writes OUT/linearize.json and OUT/linearize.svg.

        Example:
          polytope linearize --model models/gpt2-gelu.pb --corpus corpora/austen --surrogate relu --max-windows 32 --out out/linearize
        """)

    @OptionGroup var modelOptions: ModelOptions

    @Option(parsing: .upToNextOption, help: ArgumentHelp("Corpus files (.txt, .jsonl) or directories.", valueName: "PATH"))
    var corpus: [String]

    @Option(help: ArgumentHelp("The surrogate: relu or pwl.", valueName: "relu|pwl"))
    var surrogate: GELUSurrogate = .relu

    @Option(help: "Windows to run (in corpus order).")
    var maxWindows = 32

    @Option(help: ArgumentHelp("Output directory.", valueName: "DIR"))
    var out: String

    func validate() throws {
        guard !corpus.isEmpty else { throw ValidationError("give --corpus PATH (a .txt/.jsonl file or a directory)") }
        guard maxWindows >= 1 else { throw ValidationError("--max-windows must be at least 1") }
    }

    func run() throws {
        let original = try modelOptions.load()
        guard GELUSurrogate.hasGELU(original) else {
            throw ValidationError("model '\(original.spec.name)' has no GELU activations in its MLPs")
        }
        let linearized = try surrogate.linearize(original)
        let r = try LinearizeAnalysis.run(original: original, linearized: linearized, surrogate: surrogate,
                                          corpus: try Corpus(paths: corpus), maxWindows: maxWindows)
        try LinearizeAnalysis.write(r, to: URL(fileURLWithPath: out))
        print(LinearizeAnalysis.summary(r))
        print("wrote \(out)/linearize.json, linearize.svg")
    }
}
