import Foundation

/// Builds a whole model graph in Swift, node by node, then validates it by building every
/// layer with a registry (built-in and plugin kinds) before anything is written.
///
/// ```swift
/// var b = ModelBuilder(name: "tiny-squared-relu", contextLength: 16)
/// let x = b.node("embed", kind: "token_embedding", params: ["weight": b.tensor("wte", [vocab, d], wte)])
/// let pre = b.node("blocks.0.mlp.hook_pre", kind: "linear", inputs: [x],
///                  params: ["weight": b.tensor("w_in", [d, h], w)])
/// let post = b.node("blocks.0.mlp.hook_post", kind: "hardtanh", inputs: [pre],
///                   attrs: ["min_val": .float(-0.5)])
/// _ = b.node("logits", kind: "linear", inputs: [post], params: ["weight": b.tensor("w_out", [h, vocab], u)])
/// let spec = try b.build(registry: registry)   // refused with the node named if anything is wrong
/// try ModelFile.write(spec, to: "tiny.pb")
/// ```
///
/// - Complexity: `build` costs one model load (every layer built once).
public struct ModelBuilder {
    public private(set) var spec = ModelSpec()

    public init(name: String, architecture: String = "", contextLength: Int = 0) {
        spec.name = name
        spec.architecture = architecture
        spec.contextLength = contextLength
    }

    /// Adds a float32 tensor (row-major `values`) and returns its name, for `params`.
    @discardableResult
    public mutating func tensor(_ name: String, _ shape: [Int], _ values: [Float]) -> String {
        var d = Data(capacity: values.count * 4)
        for v in values { withUnsafeBytes(of: v.bitPattern.littleEndian) { d.append(contentsOf: $0) } }
        spec.tensors.append(TensorSpec(name: name, dtype: .f32, shape: shape, storage: .inline(d)))
        return name
    }

    /// Adds a tensor stored in a safetensors file (path relative to where the model is written).
    @discardableResult
    public mutating func externalTensor(_ name: String, dtype: DType, _ shape: [Int], file: String, key: String) -> String {
        spec.tensors.append(TensorSpec(name: name, dtype: dtype, shape: shape, storage: .external(path: file, key: key)))
        return name
    }

    /// Appends a node (nodes run in the order they are added) and returns its name, for `inputs`.
    @discardableResult
    public mutating func node(_ name: String, kind: String, version: UInt32 = 1, inputs: [String] = [],
                              params: [String: String] = [:], attrs: [String: AttrValue] = [:], aliases: [String] = []) -> String {
        spec.nodes.append(NodeSpec(name: name, kind: kind, kindVersion: version, inputs: inputs, params: params, attrs: attrs, aliases: aliases))
        return name
    }

    public mutating func setTokenizer(_ t: TokenizerSpec) { spec.tokenizer = t }
    public mutating func setMetadata(_ key: String, _ value: String) { spec.metadata[key] = value }

    /// The description, after building every layer with `registry` (`baseDirectory`: where
    /// external tensor paths are relative to).
    public func build(registry: LayerRegistry, baseDirectory: String = ".") throws -> ModelSpec {
        _ = try Model(spec: spec, baseDirectory: baseDirectory, registry: registry)
        return spec
    }
}
