import ArgumentParser
import Foundation
import PolytopeArchitectures
import PolytopeGeometry
import PolytopeModel

extension GELUSurrogate: ExpressibleByArgument {}

/// `--linearize-gelu relu|pwl`: run every GELU unit as a piecewise-linear surrogate, so
/// polytopes are exact.
struct LinearizeOption: ParsableArguments {
    @Option(name: .customLong("linearize-gelu"),
            help: ArgumentHelp("Replace GELU by a piecewise-linear surrogate: relu (knot 0) or pwl (interpolant with 9 knots in [-3, 3]).", valueName: "relu|pwl"))
    var surrogate: GELUSurrogate?

    /// Loads the model of `options`, with the surrogate registered when asked for.
    func load(_ options: ModelOptions) throws -> Model {
        let model = try options.load()
        return try surrogate?.linearize(model) ?? model
    }
}
