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

    @Option(help: "Matrix-product precision: fp32, or bf16 / bf16-mixed (MLP input projections in fp32) on CPUs with AVX512-BF16.")
    var precision: Precision = .fp32

    @Flag(help: "Write hook outputs even when they hold NaN or infinite values (by default that is an error naming the hook and the first bad row).")
    var allowNonfinite = false

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
        // The logits are checked too (a NaN there means something upstream broke), even when not saved.
        let logits = model.spec.anatomy?.logits
        let checked = hooks + (logits.map { hooks.contains($0) ? [] : [$0] } ?? [])
        let outputs = try model.forward(ForwardContext(sequences: [tokenIDs]).with(precision: precision), capture: checked)
        if !allowNonfinite {
            // In node order, so the first node that went wrong is the one named.
            for h in checked.sorted(by: { model.hookIndex[$0]! < model.hookIndex[$1]! }) {
                if let bad = outputs[h]!.firstNonFinite() {
                    throw ModelLoadError(description: "hook '\(h)' (node '\(model.spec.nodes[model.hookIndex[h]!].name)') is not finite: row \(bad.row) (token \(tokenIDs[bad.row])), unit \(bad.col) is \(bad.value); nothing written (--allow-nonfinite writes it anyway)")
                }
            }
        }
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        for h in hooks {
            let m = outputs[h]!
            let url = URL(fileURLWithPath: out).appendingPathComponent("\(h).npy")
            try NPYArray(float32: m.data, shape: [m.rows, m.cols]).write(to: url)
            print("\(url.path): [\(m.rows), \(m.cols)]")
        }
    }
}
