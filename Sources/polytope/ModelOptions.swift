import ArgumentParser
import Foundation
import PolytopeBuiltins
import PolytopeModel
import PolytopeProbe

/// Options shared by every command that loads a model.
struct ModelOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Model file (.pb). Default: $POLYTOPE_MODEL, else models/gpt2-relu.pb of this checkout.", valueName: "MODEL.pb"))
    var model: String?

    @Option(name: .long, help: ArgumentHelp("Load layer kinds from a plugin shared library (repeatable; also $POLYTOPE_PLUGIN_PATH, colon-separated).", valueName: "PATH.so"))
    var plugin: [String] = []

    var modelPath: String {
        get throws {
            if let model { return model }
            guard let d = DefaultPaths.defaultModel() else {
                throw ValidationError("no --model given and the default model (models/\(DefaultPaths.defaultModelName)) was not found; run from the PolytopeLens checkout or set POLYTOPE_MODEL")
            }
            return d
        }
    }

    /// Built-in kinds plus every plugin asked for.
    func registry() throws -> LayerRegistry {
        let r = LayerRegistry.builtins()
        try PluginSupport.load(plugin, into: r)
        return r
    }

    func load() throws -> Model {
        try Model.load(path: try modelPath, registry: try registry())
    }
}
