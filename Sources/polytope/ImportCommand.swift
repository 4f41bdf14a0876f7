import ArgumentParser
import Foundation
import PolytopeArchitectures
import PolytopeModel

struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Convert a Hugging Face checkpoint directory or a llama GGUF file into a PolytopeLens model file.",
        discussion: """
        Reads config.json, model.safetensors (or the shards of model.safetensors.index.json) and \
        the tokenizer files (vocab.json + merges.txt, tokenizer.json, or vocab.txt). Supported \
        model_type: gpt2 (activation_function relu, gelu, gelu_new), bert (e.g. all-MiniLM-L6-v2), \
        llama (SmolLM2, Llama without rope scaling), qwen2, gpt_neox (Pythia), opt (pre-LN sizes). \
        f16 and bf16 weights are kept as stored and widened to float32 when loaded.

        A .gguf file of architecture llama (F32, F16, BF16, Q8_0, Q4_0, Q4_1 tensors) is \
        dequantised to float32 into NAME.weights.safetensors next to the model file, with its \
        embedded byte-level BPE vocabulary as the tokenizer.

        The model file is checked by loading it before it is kept.

        Examples:
          polytope import ~/ckpt/all-MiniLM-L6-v2 -o models/minilm.pb --external-weights
          polytope import SmolLM2-135M-Instruct.Q4_1.gguf -o models/smollm2.pb
        """)

    @Argument(help: ArgumentHelp("Checkpoint directory (config.json, model.safetensors, tokenizer files) or a .gguf file.", valueName: "HF_DIR|FILE.gguf"))
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
        let gguf = directory.hasSuffix(".gguf")
        let weights = GGUFImporter.weightsPath(for: output)
        let hadWeights = FileManager.default.fileExists(atPath: weights)
        do {
            try convert(gguf: gguf)
        } catch {
            // A GGUF import writes its weights first; do not leave them behind a failed import.
            if gguf, !hadWeights { try? FileManager.default.removeItem(atPath: weights) }
            throw error
        }
    }

    func convert(gguf: Bool) throws {
        var spec = gguf
            ? try GGUFImporter.convert(path: directory, outputPath: output)
            : try HFImporter.convert(directory: directory, options: .init(outputPath: output, externalWeights: externalWeights))
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
