import ArgumentParser
import Foundation
import PolytopeIO
import PolytopeModel
import PolytopeProbe
import PolytopeTokenizers

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a model on one input and save the outputs of chosen hooks as .npy files.",
        discussion: """
        Writes OUT/<hook>.npy per hook: float32, shape [tokens, width]. Only the requested hooks \
        are kept, and the forward pass stops after the last node they need. List the hook names \
        with `polytope inspect`.

        Example:
          polytope run --text "It is a truth universally acknowledged" \\
              --hook blocks.0.mlp.hook_pre --hook blocks.3.mlp.hook_post --out out/run
          polytope run --text "It is a truth" --hook blocks.0.mlp.hook_pre --precision bf16 --out out/run-bf16
        """)

    @OptionGroup var modelOptions: ModelOptions

    @Option(help: "Text to tokenize with the model's own tokenizer.")
    var text: String?

    @Option(help: ArgumentHelp("Comma-separated token ids, instead of --text.", valueName: "1,2,3"))
    var ids: String?

    @Option(name: .customLong("hook"), help: ArgumentHelp("Hook to capture (repeatable).", valueName: "NAME"))
    var hooks: [String] = []

    @Option(help: ArgumentHelp("Output directory (created if missing).", valueName: "DIR"))
    var out: String

    @Option(help: "Matrix-product precision: fp32, or bf16 on CPUs with AVX512-BF16.")
    var precision: Precision = .fp32

    func validate() throws {
        guard (text == nil) != (ids == nil) else { throw ValidationError("give exactly one of --text or --ids") }
        guard !hooks.isEmpty else { throw ValidationError("give at least one --hook (see `polytope inspect` for names)") }
        if let why = precision.unsupportedReason { throw ValidationError(why) }
    }

    func run() throws {
        let model = try modelOptions.load()
        var tokenIDs: [Int32]
        if let ids {
            tokenIDs = []
            for part in ids.split(separator: ",") {
                guard let v = Int32(part.trimmingCharacters(in: .whitespaces)) else {
                    throw ValidationError("--ids: '\(part)' is not an integer")
                }
                tokenIDs.append(v)
            }
        } else {
            let tokenizer = try ModelTokenizer.make(for: model)
            tokenIDs = try tokenizer.encode(text!).map { Int32($0.id) }
        }
        guard !tokenIDs.isEmpty else { throw ValidationError("the input has no tokens") }
        for h in hooks { _ = try model.nodeIndex(hook: h) }
        let outputs = try model.forward(ForwardContext(sequences: [tokenIDs]).with(precision: precision), capture: hooks)
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        for h in hooks {
            let m = outputs[h]!
            let url = URL(fileURLWithPath: out).appendingPathComponent("\(h).npy")
            try NPYArray(float32: m.data, shape: [m.rows, m.cols]).write(to: url)
            print("\(url.path): [\(m.rows), \(m.cols)]")
        }
    }
}
