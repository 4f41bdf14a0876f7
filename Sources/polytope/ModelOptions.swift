import ArgumentParser
import Foundation
import PolytopeArchitectures
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

    /// Loads the model; a validation error that does not name the file gets the file's path
    /// in front (`model file PATH: node 'x': ...`).
    func load() throws -> Model {
        let path = try modelPath
        let r = try registry()
        do {
            return try ModelLoader.load(path: path, registry: r)
        } catch let e as ModelError where !"\(e)".contains(path) {
            throw ModelLoadError(description: "model file \(path): \(e)")
        }
    }
}

/// A model error with the model file's path in front (or another one-line model failure).
struct ModelLoadError: Error, CustomStringConvertible {
    var description: String
}
