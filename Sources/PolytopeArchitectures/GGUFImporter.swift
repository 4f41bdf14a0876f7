import Foundation
import PolytopeGGUF
import PolytopeIO
import PolytopeModel

/// Converts a GGUF file of architecture `llama` (e.g. SmolLM2 as llama.cpp ships it) into a
/// model file: the same Llama graph as from a Hugging Face checkpoint (`LlamaImporter.graph`),
/// its tensors dequantised to float32 (llama.cpp's q / k row permutation undone) into a
/// safetensors file next to the model file (`NAME.weights.safetensors`, written atomically,
/// referred to by file name), and the embedded byte-level BPE vocabulary as the tokenizer
/// (`GGUFTokenizerJSON`).
/// - Complexity: O(parameters) time; the float32 weights are held once in memory while written.
public enum GGUFImporter {
    /// The weights file that goes with model file `output`.
    public static func weightsPath(for output: String) -> String {
        let base = output.hasSuffix(".pb") ? String(output.dropLast(3)) : output
        return base + ".weights.safetensors"
    }

    /// Reads `path`, writes the weights file and returns the model description.
    public static func convert(path: String, outputPath: String) throws -> ModelSpec {
        let file = try GGUFFile(path: path)
        let llama = try GGUFLlama(file: file)
        let hp = llama.hyper
        let config = LlamaConfig(model_type: "llama", hidden_size: hp.width, num_hidden_layers: hp.layers,
                                 num_attention_heads: hp.heads, num_key_value_heads: hp.kvHeads, head_dim: hp.headDim,
                                 intermediate_size: hp.feedForward, rms_norm_eps: hp.rmsEps, max_position_embeddings: hp.contextLength,
                                 hidden_act: "silu", tie_word_embeddings: hp.tiedEmbeddings, rope_theta: hp.ropeTheta)
        let weights = weightsPath(for: outputPath)
        var source = GGUFTensorSource(llama: llama, fileName: (weights as NSString).lastPathComponent)
        var spec = try LlamaImporter.graph(config, tensors: &source)
        try SafetensorsWriter.write(source.added.map { key in
            (key, source.shapes[key]!, { try llama.floats(hf: key) })
        }, to: weights)
        spec.tensors = source.tensors
        spec.tokenizer = try GGUFTokenizerJSON.tokenizer(file)
        try SequenceMarkerImport.fill(&spec)
        spec.name = file.metadata["general.name"]?.string ?? URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        spec.metadata["source"] = URL(fileURLWithPath: path).standardizedFileURL.path
        spec.metadata["model_type"] = "llama"
        spec.metadata["gguf.version"] = "\(file.version)"
        for key in file.keys where key.hasPrefix("general.") || key.hasPrefix("llama.") || key == "tokenizer.ggml.pre" {
            if let v = file.metadata[key], v.array == nil { spec.metadata["gguf." + key] = v.string ?? v.description }
        }
        let types = Dictionary(grouping: file.tensors, by: { $0.type?.name ?? "\($0.rawType)" }).mapValues(\.count)
        spec.metadata["gguf.tensor_types"] = types.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", ")
        return spec
    }
}

/// Tensors of a GGUF llama model under their Hugging Face names, all stored as float32 in the
/// weights file written next to the model file.
struct GGUFTensorSource: TensorSource {
    let llama: GGUFLlama
    let fileName: String
    private(set) var added: [String] = []
    private(set) var tensors: [TensorSpec] = []
    var shapes: [String: [Int]] = [:]

    init(llama: GGUFLlama, fileName: String) {
        self.llama = llama
        self.fileName = fileName
    }

    func contains(_ key: String) -> Bool { llama.names[key] != nil }

    mutating func add(_ key: String) throws -> String {
        if shapes[key] != nil { return key }
        guard let g = llama.names[key], let t = llama.file.tensor(named: g) else {
            throw ImportError.missingWeight(key: key, file: llama.file.path)
        }
        shapes[key] = t.shape
        added.append(key)
        tensors.append(TensorSpec(name: key, dtype: .f32, shape: t.shape, storage: .external(path: fileName, key: key)))
        return key
    }
}
