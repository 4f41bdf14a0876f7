import Foundation
import PolytopeModel

/// Converts a Hugging Face checkpoint directory into a PolytopeLens model description.
public enum HFImporter {
    public struct Options: Sendable {
        /// Refer to the checkpoint's safetensors file instead of copying tensors into the model file.
        public var externalWeights = false
        /// Where the model file will be written (external references are made relative to it).
        public var outputPath: String
        public init(outputPath: String, externalWeights: Bool = false) {
            self.outputPath = outputPath
            self.externalWeights = externalWeights
        }
    }

    /// Reads `config.json`, `model.safetensors` and the tokenizer files of `directory`.
    /// Supports the `model_type`s of `Architectures.families` (gpt2, bert, llama, qwen2, gpt_neox, opt).
    public static func convert(directory: String, options: Options) throws -> ModelSpec {
        let ck = try HFCheckpoint(directory: directory)
        let type = try ck.string("model_type")
        var tensors = TensorCollector(checkpoint: ck, external: options.externalWeights,
                                      externalPaths: ck.weights.files.map { relativePath(of: $0.path, from: options.outputPath) })
        guard let family = Architectures.family(modelType: type) else {
            throw ImportError.unsupported("model_type '\(type)' (supported: \(Architectures.modelTypes.joined(separator: ", ")))")
        }
        var spec = try family.build(ck, tensors: &tensors)
        try SequenceMarkerImport.fill(&spec, fallbackPrefix: family.defaultPrefix(ck))
        spec.tensors = tensors.tensors
        spec.name = (ck.config["_name_or_path"] as? String).flatMap { $0.isEmpty ? nil : $0 }
            ?? URL(fileURLWithPath: directory).lastPathComponent
        spec.metadata["source"] = URL(fileURLWithPath: directory).standardizedFileURL.path
        spec.metadata["model_type"] = type
        if let c = FileManager.default.contents(atPath: ck.configPath) { spec.metadata["hf_config"] = String(decoding: c, as: UTF8.self) }
        if let t = ck.file("training.json"), let d = FileManager.default.contents(atPath: t) {
            spec.metadata["training"] = String(decoding: d, as: UTF8.self)
            // Scalar facts (steps, losses, time, seed, ...) also as their own entries.
            if let obj = (try? JSONSerialization.jsonObject(with: d)) as? [String: Any] {
                for (k, v) in obj {
                    if v is String || v is NSNumber { spec.metadata["training.\(k)"] = "\(v)" }
                    for (k2, v2) in v as? [String: Any] ?? [:] where v2 is String || v2 is NSNumber {
                        spec.metadata["training.\(k).\(k2)"] = "\(v2)"
                    }
                }
            }
        }
        for (k, v) in ck.weights.metadata { spec.metadata["safetensors." + k] = v }
        return spec
    }

    /// `target` relative to the directory of `from` when `target` lies below it, else absolute.
    static func relativePath(of target: String, from file: String) -> String {
        let t = URL(fileURLWithPath: target).standardizedFileURL.path
        let base = URL(fileURLWithPath: file).deletingLastPathComponent().standardizedFileURL.path
        let prefix = base.hasSuffix("/") ? base : base + "/"
        return t.hasPrefix(prefix) ? String(t.dropFirst(prefix.count)) : t
    }
}
