/// The model's anatomy (`Anatomy`), checked against the built graph.
extension Model {
    /// The anatomy, or an error saying the model has none (built by hand or from an old file).
    public func requireAnatomy() throws -> Anatomy {
        guard let a = spec.anatomy else { throw ModelError.noAnatomy(model: spec.name) }
        return a
    }

    /// Block `layer`'s MLP, or an error listing the layers there are.
    public func mlp(layer: Int) throws -> MLPAnatomy {
        let a = try requireAnatomy()
        guard a.blocks.indices.contains(layer) else {
            throw ModelError.noSuchLayer(layer, count: a.blocks.count)
        }
        return a.blocks[layer].mlp
    }

    /// The MLP layers (block indices) of the model; empty without an anatomy.
    public var mlpLayers: [Int] { spec.anatomy?.layers ?? [] }

    /// Where layer `layer`'s codes come from: the pre-activation hook, the activation's knots,
    /// the number of units, and the per-unit knots (`units * knots.count`, unit-major) of an
    /// activation whose units have their own (JumpReLU thresholds).
    public func codeSite(layer: Int) throws -> (pre: String, knots: [Float], units: Int, unitKnots: [Float]?) {
        let m = try mlp(layer: layer)
        let units = widths[try nodeIndex(hook: m.pre)]
        let perUnit = try unitKnots(hook: m.activation)
        guard let k = try perUnit.map({ Array($0.prefix($0.count / max(1, units))) }) ?? knots(hook: m.activation), !k.isEmpty else {
            throw ModelError.badAnatomy("block \(layer): activation '\(m.activation)' declares no knots")
        }
        return (m.pre, k, units, perUnit)
    }

    /// Whether position i sees only positions up to i (any causal block).
    public var isCausal: Bool { spec.anatomy?.blocks.contains { $0.causal } ?? false }

    /// Checks that every node the anatomy names exists and plays its part: activations with
    /// knots, pre-activation and activation of equal width, markers inside the vocabulary.
    static func validate(_ a: Anatomy, index: [String: Int], layers: [Layer], kinds: [LayerKind], widths: [Int],
                         vocabulary: Int?) throws {
        guard !a.blocks.isEmpty else { throw ModelError.badAnatomy("it lists no blocks") }
        for (role, hook) in a.roles where index[hook] == nil {
            throw ModelError.badAnatomy("\(role) names '\(hook)', which is no node or alias of the graph")
        }
        for (l, b) in a.blocks.enumerated() {
            let m = b.mlp
            let act = index[m.activation]!, pre = index[m.pre]!
            guard layers[act] is ActivationLayer || kinds[act].knots != nil else {
                throw ModelError.badAnatomy("block \(l): mlp.activation '\(m.activation)' is a '\(kinds[act].name)' node, not an activation with knots")
            }
            guard widths[act] == widths[pre] else {
                throw ModelError.badAnatomy("block \(l): mlp.pre '\(m.pre)' is \(widths[pre]) wide but mlp.activation '\(m.activation)' is \(widths[act])")
            }
            if let up = m.up, widths[index[up]!] != widths[pre] {
                throw ModelError.badAnatomy("block \(l): mlp.up '\(up)' is \(widths[index[up]!]) wide but mlp.pre '\(m.pre)' is \(widths[pre])")
            }
        }
        if let v = vocabulary, let bad = (a.prefixTokens + a.suffixTokens).first(where: { $0 < 0 || Int($0) >= v }) {
            throw ModelError.badAnatomy("sequence marker token id \(bad) is outside the vocabulary (0..<\(v))")
        }
    }
}
