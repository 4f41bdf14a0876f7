import Foundation
import PolytopeModel

/// An architecture family as an adapter: a typed Hugging Face config, the graph built from it
/// with `HookName` node names, and the model's `Anatomy`. Adding a family = one file
/// conforming to this, listed in `Architectures.families`, plus any new kinds and tokenizer
/// support (see docs/architecture.md).
protocol ArchitectureFamily {
    /// `model_type` values of config.json this family imports.
    static var modelTypes: [String] { get }
    /// Builds the graph, anatomy and tokenizer of a checkpoint; unsupported options are
    /// refused by name (`ImportError.unsupported`).
    static func build(_ checkpoint: HFCheckpoint, tensors: inout TensorCollector) throws -> ModelSpec
    /// Markers before every window when the checkpoint's tokenizer files state none (its
    /// Hugging Face tokenizer's default); most families: none.
    static func defaultPrefix(_ checkpoint: HFCheckpoint) -> [Int32]
}

extension ArchitectureFamily {
    static func defaultPrefix(_ checkpoint: HFCheckpoint) -> [Int32] { [] }
}

/// The families this build imports.
public enum Architectures {
    static let families: [any ArchitectureFamily.Type] = [
        GPT2Family.self, BERTFamily.self, LlamaImporter.self, GPTNeoXImporter.self, OPTImporter.self,
    ]

    /// Every supported `model_type`.
    public static var modelTypes: [String] { families.flatMap { $0.modelTypes } }

    static func family(modelType: String) -> (any ArchitectureFamily.Type)? {
        families.first { $0.modelTypes.contains(modelType) }
    }
}
