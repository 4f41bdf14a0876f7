/// Structural checks of a model description, before any layer is built or any tensor read:
/// unique non-empty names (aliases included), inputs that name earlier nodes, parameters that
/// name tensors present in the file, and kinds somebody provides.
public enum GraphValidator {
    /// A tensor nobody uses is a mistake (a typo in a role's tensor name, a node removed by
    /// hand): it would be read, counted as parameters and carried along silently. Checked after
    /// the nodes are built, so a more specific error about a node comes first.
    public static func checkAllTensorsUsed(_ spec: ModelSpec) throws {
        let used = Set(spec.nodes.flatMap { $0.params.values })
        if let unused = spec.tensors.first(where: { !used.contains($0.name) }) {
            throw ModelError.unusedTensor(unused.name)
        }
    }

    public static func validate(_ spec: ModelSpec, registry: LayerRegistry) throws {
        let tensorNames = Set(spec.tensors.map(\.name))
        var index: [String: Int] = [:]
        for (i, node) in spec.nodes.enumerated() {
            guard !node.name.isEmpty else { throw ModelError.emptyName(index: i) }
            for name in [node.name] + node.aliases {
                guard index[name] == nil else { throw ModelError.duplicateNode(name) }
                index[name] = i
            }
        }
        let allNames = Set(spec.nodes.map(\.name))
        for (i, node) in spec.nodes.enumerated() {
            for input in node.inputs {
                guard let j = index[input] else { throw ModelError.unknownInput(node: node.name, input: input) }
                guard j < i else {
                    throw allNames.contains(input) || index[input] != nil
                        ? ModelError.forwardReference(node: node.name, input: input)
                        : ModelError.unknownInput(node: node.name, input: input)
                }
            }
            for (role, tensor) in node.params.sorted(by: { $0.key < $1.key }) where !tensorNames.contains(tensor) {
                throw ModelError.missingTensor(node: node.name, role: role, tensor: tensor)
            }
            guard registry.kind(node.kind, version: node.kindVersion) != nil else {
                throw ModelError.unknownKind(node: node.name, kind: node.kind, version: node.kindVersion,
                                             available: registry.loadedDescription)
            }
        }
    }
}
