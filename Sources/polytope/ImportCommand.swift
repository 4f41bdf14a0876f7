import ArgumentParser
import Foundation
import PolytopeImport
import PolytopeModel

struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Convert a Hugging Face checkpoint directory into a PolytopeLens model file.",
        discussion: """
        Reads config.json, model.safetensors and the tokenizer files (vocab.json + merges.txt, \
        tokenizer.json, or vocab.txt). Supported: model_type gpt2 (activation_function relu, gelu, \
        gelu_new) and bert (e.g. all-MiniLM-L6-v2). f16 and bf16 weights are kept as stored and \
        widened to float32 when loaded. The model file is checked by loading it before it is kept.

        Example:
          polytope import ~/ckpt/all-MiniLM-L6-v2 -o models/minilm.pb --external-weights
        """)

    @Argument(help: ArgumentHelp("Checkpoint directory (config.json, model.safetensors, tokenizer files).", valueName: "HF_DIR"))
    var directory: String

    @Option(name: [.short, .customLong("output")], help: ArgumentHelp("Model file to write.", valueName: "MODEL.pb"))
    var output: String

    @Flag(help: "Refer to the checkpoint's model.safetensors (memory-mapped at load) instead of copying tensors into the model file.")
    var externalWeights = false

    @Option(help: ArgumentHelp("Model name stored in the file (default: the checkpoint's).", valueName: "NAME"))
    var name: String?

    @Option(help: ArgumentHelp("Extra metadata entry (repeatable).", valueName: "KEY=VALUE"))
    var metadata: [String] = []

    func run() throws {
        var spec = try HFImporter.convert(directory: directory, options: .init(outputPath: output, externalWeights: externalWeights))
        if let name { spec.name = name }
        for entry in metadata {
            guard let eq = entry.firstIndex(of: "=") else { throw ValidationError("--metadata expects KEY=VALUE, got '\(entry)'") }
            spec.metadata[String(entry[..<eq])] = String(entry[entry.index(after: eq)...])
        }
        spec.metadata["imported_by"] = "polytope import"
        // Validate by building it before writing, so a file that would not load is never written.
        let dir = (output as NSString).deletingLastPathComponent
        let model = try PolytopeModel.Model(spec: spec, baseDirectory: dir.isEmpty ? "." : dir, registry: .builtins())
        try ModelFile.write(spec, to: output)
        let size = (try? FileManager.default.attributesOfItem(atPath: output)[.size] as? Int) ?? 0
        print("wrote \(output): \(spec.architecture), \(spec.nodes.count) nodes, \(model.parameterCount) parameters, \(size) bytes")
    }
}
