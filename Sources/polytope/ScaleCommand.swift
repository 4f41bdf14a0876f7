import ArgumentParser
import Foundation
import PolytopeGeometry
import PolytopeModel
import PolytopeProbe

struct ScaleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scale",
        abstract: "Scale one token's activation by 0...S at layer L's MLP input, and before its layer norm as a control.",
        discussion: """
        Multiplies the vector at the token's position by each factor, at the MLP input after its \
        layer norm and (control) at the layer norm's input, where the norm cancels the scale except \
        for factors near 0. Reports the Hamming distance of layer L's code and of later layers' codes \
        from the unscaled ones, knots crossed between neighbouring factors, layer L's boundaries \
        crossed (exact, after the norm) and the output change (KL or 1 - cosine) from the unscaled output.

        OUT holds scale.json, scale.csv, scale.svg (after the norm) and scale-control.svg (before it).

        Example:
          polytope scale --model models/gpt2-relu.pb --layer 3 --at "The cat sat on the mat@2" --max 4 --out out/scale
        """)

    @OptionGroup var modelOptions: ModelOptions
    @OptionGroup var linearize: LinearizeOption

    @Option(help: ArgumentHelp("MLP layer.", valueName: "L"))
    var layer: Int

    @Option(help: ArgumentHelp("Token position: TEXT@INDEX (negative INDEX counts from the end) or PROBE_DIR:ROW.", valueName: "POSITION"))
    var at: String

    @Option(name: .customLong("max"), help: ArgumentHelp("Largest factor (at least 1).", valueName: "S"))
    var maxScale = 4.0

    @Option(help: "Evenly spaced factors from 0 to S (1 is always added).")
    var steps = 81

    @Option(help: ArgumentHelp("Output directory.", valueName: "DIR"))
    var out: String

    func validate() throws {
        guard steps >= 2 else { throw ValidationError("--steps must be at least 2") }
        guard maxScale >= 1, maxScale.isFinite else { throw ValidationError("--max must be at least 1 (the unscaled point is the reference)") }
    }

    func run() throws {
        let model = try linearize.load(modelOptions)
        let point = try TokenPoint.resolve(at, model: model, tokenizer: try ModelTokenizer.make(for: model))
        let r = try ScaleAnalysis.run(model: model, at: point, layer: layer, maxScale: maxScale, steps: steps)
        try ScaleAnalysis.write(r, to: URL(fileURLWithPath: out))
        print(ScaleAnalysis.summary(r))
        print("wrote \(out)/scale.json, scale.csv, scale.svg, scale-control.svg")
    }
}
