import Foundation
import PolytopeModel

/// Where a family's graph builder gets its tensors: it asks whether a (Hugging Face named)
/// tensor exists and adds the ones its nodes use, getting back their names in the model file.
protocol TensorSource {
    func contains(_ key: String) -> Bool
    mutating func add(_ key: String) throws -> String
}

/// Gathers the tensors an imported model needs, inline (copied, dtype kept) or as references
/// to the checkpoint's safetensors file.
struct TensorCollector: TensorSource {
    let checkpoint: HFCheckpoint
    let external: Bool
    /// How the model file will refer to each safetensors file (relative to the model file when possible).
    let externalPaths: [String]
    private(set) var tensors: [TensorSpec] = []
    private var seen: Set<String> = []

    init(checkpoint: HFCheckpoint, external: Bool, externalPaths: [String]) {
        self.checkpoint = checkpoint
        self.external = external
        self.externalPaths = externalPaths
    }

    func contains(_ key: String) -> Bool { checkpoint.weights.contains(key) }

    /// Adds the checkpoint tensor `key` (once) and returns its name in the model file.
    @discardableResult
    mutating func add(_ key: String) throws -> String {
        if seen.contains(key) { return key }
        guard let (file, e) = checkpoint.weights.entries[key] else { throw ImportError.missingWeight(key: key, file: checkpoint.weightsPath) }
        let dtype: DType
        switch e.dtype {
        case "F32": dtype = .f32
        case "F16": dtype = .f16
        case "BF16": dtype = .bf16
        default: throw ImportError.badWeight(key: key, reason: "dtype \(e.dtype) is not supported (f32, f16, bf16)")
        }
        let storage: TensorStorage = external
            ? .external(path: externalPaths[file], key: key)
            : .inline(Data(checkpoint.weights.files[file].bytes(e)))
        tensors.append(TensorSpec(name: key, dtype: dtype, shape: e.shape, storage: storage))
        seen.insert(key)
        return key
    }
}
