import Foundation

/// A loaded, validated, built model: one layer per node, ready to run forward.
public final class Model: @unchecked Sendable {
    public let spec: ModelSpec
    public let weights: WeightStore
    public let layers: [Layer]
    /// Output width of each node.
    public let widths: [Int]
    /// The kind implementing each node (for `inspect`, and knots of activation nodes).
    public let kinds: [LayerKind]
    /// Node index for every hook name (node names and aliases).
    public let hookIndex: [String: Int]

    /// Validates the description, checks every tensor's size against the bytes present, and
    /// builds each node with its kind (which checks parameter shapes and attributes).
    /// Nothing runs before all of this has passed.
    public init(spec: ModelSpec, baseDirectory: String, registry: LayerRegistry) throws {
        _ = ForwardRuntime.allocatorTuned
        try GraphValidator.validate(spec, registry: registry)
        let weights = try WeightStore(tensors: spec.tensors, baseDirectory: baseDirectory)
        var index: [String: Int] = [:]
        var layers: [Layer] = []
        var widths: [Int] = []
        var kinds: [LayerKind] = []
        for (i, node) in spec.nodes.enumerated() {
            let kind = registry.kind(node.kind, version: node.kindVersion)!
            let inputWidths = node.inputs.map { widths[index[$0]!] }
            let ctx = LayerBuildContext(node: node, inputWidths: inputWidths, weights: weights, model: spec)
            let layer = try kind.build(ctx)
            layers.append(layer)
            widths.append(layer.outputWidth)
            kinds.append(kind)
            for name in [node.name] + node.aliases { index[name] = i }
        }
        try GraphValidator.checkAllTensorsUsed(spec)
        let vocabulary = layers.lazy.compactMap { ($0 as? TokenEmbeddingLayer)?.vocabularySize }.first
        if let a = spec.anatomy {
            try Model.validate(a, index: index, layers: layers, kinds: kinds, widths: widths, vocabulary: vocabulary)
        }
        self.vocabularySize = vocabulary
        self.spec = spec
        self.weights = weights
        self.layers = layers
        self.widths = widths
        self.kinds = kinds
        self.hookIndex = index
    }

    private init(spec: ModelSpec, weights: WeightStore, layers: [Layer], widths: [Int], kinds: [LayerKind],
                 hookIndex: [String: Int], vocabularySize: Int?) {
        self.spec = spec
        self.weights = weights
        self.layers = layers
        self.widths = widths
        self.kinds = kinds
        self.hookIndex = hookIndex
        self.vocabularySize = vocabularySize
    }

    /// The same model with some layers swapped (a surrogate activation, say): `replacement`
    /// returns the new layer for a node index, or nil to keep it. Widths must not change.
    public func replacingLayers(_ replacement: (Int, Layer) throws -> Layer?) throws -> Model {
        var new = layers
        for i in layers.indices {
            guard let r = try replacement(i, layers[i]) else { continue }
            guard r.outputWidth == widths[i] else {
                throw ModelError.badInput("replacement for node '\(spec.nodes[i].name)' is \(r.outputWidth) wide, expected \(widths[i])")
            }
            new[i] = r
        }
        return Model(spec: spec, weights: weights, layers: new, widths: widths, kinds: kinds, hookIndex: hookIndex,
                     vocabularySize: vocabularySize)
    }

    /// Reads, validates and builds a model file.
    public static func load(path: String, registry: LayerRegistry) throws -> Model {
        let spec = try ModelFile.read(path: path)
        let dir = (path as NSString).deletingLastPathComponent
        return try Model(spec: spec, baseDirectory: dir.isEmpty ? "." : dir, registry: registry)
    }

    /// Every hook name, in execution order (a node's name, then its aliases).
    public var hookNames: [String] { spec.nodes.flatMap { [$0.name] + $0.aliases } }

    public func nodeIndex(hook: String) throws -> Int {
        guard let i = hookIndex[hook] else { throw ModelError.unknownHook(hook, available: hookNames) }
        return i
    }

    /// The knots of the activation node behind a hook, if that node is an activation.
    /// Refused for an activation whose units have their own knots (JumpReLU thresholds): a
    /// caller assuming one set for all units would silently use unit 0's; such callers read
    /// `unitKnots(hook:)` (the probe's codes do).
    public func knots(hook: String) throws -> [Float]? {
        let i = try nodeIndex(hook: hook)
        if let act = layers[i] as? ActivationLayer {
            guard act.unitKnots == nil else {
                throw ModelError.badInput("'\(hook)' (kind '\(spec.nodes[i].kind)') has its own knots for each unit; this analysis takes one set of knots for all units (per-unit knots are supported by probe codes only)")
            }
            return act.knots
        }
        return kinds[i].knots
    }

    /// Per-unit knots of the activation node behind a hook (`width * knots.count` values,
    /// unit-major), when its units have their own (JumpReLU thresholds); nil otherwise.
    public func unitKnots(hook: String) throws -> [Float]? {
        (layers[try nodeIndex(hook: hook)] as? ActivationLayer)?.unitKnots
    }

    public var parameterCount: Int { weights.parameterCount }

    /// Rows of the token embedding table, when the model has one.
    public let vocabularySize: Int?
}
