import Foundation

/// Edits of a model description (`polytope model edit`): each names what it changes and is
/// refused, naming the node, when it cannot apply. Validation of the result (kinds, shapes,
/// attributes) is the model loader's: `polytope model edit` builds the edited model before
/// writing it.
public enum ModelEdit: Sendable, Equatable {
    /// Every node of kind `from` (any version) becomes kind `to` at `version`; attributes stay.
    case replaceKind(from: String, to: String, version: UInt32)
    /// Sets attribute `name` of node `node` from text (`AttrValue.parse`), typed by the kind's
    /// schema when it declares the attribute.
    case setAttribute(node: String, name: String, value: String)
    /// Inserts node `name` of `kind` right after node `after`, reading it; every node that read
    /// `after` reads the new node instead.
    case insertAfter(after: String, name: String, kind: String, version: UInt32)
    /// Removes a node with one input; its readers read that input instead; tensors only it used
    /// are dropped.
    case removeNode(String)
    /// Renames a node or alias (a hook) and every input that names it.
    case renameHook(from: String, to: String)

    /// Parses `KIND=KIND[@V]`, `NODE:ATTR=VALUE`, `AFTER:NAME:KIND[@V]`, `OLD=NEW` for the
    /// command line.
    public static func parseKindReplacement(_ s: String) throws -> ModelEdit {
        let parts = s.split(separator: "=", maxSplits: 1).map(String.init)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
            throw ModelError.badInput("--replace-kind \(s): expected OLD=NEW[@VERSION], e.g. relu=squared_relu")
        }
        let (kind, version) = try kindAndVersion(parts[1], option: "--replace-kind")
        return .replaceKind(from: parts[0], to: kind, version: version)
    }

    public static func parseSet(_ s: String) throws -> ModelEdit {
        guard let colon = s.lastIndex(of: ":"), let eq = s[colon...].firstIndex(of: "=") else {
            throw ModelError.badInput("--set \(s): expected NODE:ATTR=VALUE, e.g. blocks.0.mlp.hook_post:max_val=2.0")
        }
        let node = String(s[..<colon]), name = String(s[s.index(after: colon)..<eq]), value = String(s[s.index(after: eq)...])
        guard !node.isEmpty, !name.isEmpty else { throw ModelError.badInput("--set \(s): expected NODE:ATTR=VALUE") }
        return .setAttribute(node: node, name: name, value: value)
    }

    public static func parseInsert(_ s: String) throws -> ModelEdit {
        // Node names contain dots, never colons: AFTER:NAME:KIND[@V].
        let parts = s.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 3, parts.allSatisfy({ !$0.isEmpty }) else {
            throw ModelError.badInput("--insert-after \(s): expected AFTER:NAME:KIND[@VERSION], e.g. blocks.0.mlp.hook_pre:blocks.0.mlp.hook_clip:hardtanh")
        }
        let (kind, version) = try kindAndVersion(parts[2], option: "--insert-after")
        return .insertAfter(after: parts[0], name: parts[1], kind: kind, version: version)
    }

    public static func parseRename(_ s: String) throws -> ModelEdit {
        let parts = s.split(separator: "=", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { throw ModelError.badInput("--rename \(s): expected OLD=NEW") }
        return .renameHook(from: parts[0], to: parts[1])
    }

    static func kindAndVersion(_ s: String, option: String) throws -> (String, UInt32) {
        let kv = s.split(separator: "@", omittingEmptySubsequences: false).map(String.init)
        guard kv.count <= 2, !kv[0].isEmpty else { throw ModelError.badInput("\(option): '\(s)' is not KIND or KIND@VERSION") }
        guard kv.count == 2 else { return (kv[0], 1) }
        guard let v = UInt32(kv[1]) else { throw ModelError.badInput("\(option): version '\(kv[1])' in '\(s)' is not a number") }
        return (kv[0], v)
    }

    /// Applies the edit to `spec`; `registry` types attribute values by schema.
    /// - Complexity: O(nodes + tensors).
    public func apply(to spec: inout ModelSpec, registry: LayerRegistry) throws {
        func index(_ name: String) throws -> Int {
            guard let i = spec.nodes.firstIndex(where: { $0.name == name }) else {
                throw ModelError.badInput("no node named '\(name)' (nodes include: \(spec.nodes.prefix(6).map(\.name).joined(separator: ", "))\(spec.nodes.count > 6 ? ", ..." : ""))")
            }
            return i
        }
        switch self {
        case .replaceKind(let from, let to, let version):
            let hits = spec.nodes.indices.filter { spec.nodes[$0].kind == from }
            guard !hits.isEmpty else { throw ModelError.badInput("--replace-kind: no node has kind '\(from)'") }
            for i in hits {
                spec.nodes[i].kind = to
                spec.nodes[i].kindVersion = version
            }
        case .setAttribute(let node, let name, let text):
            let i = try index(node)
            let n = spec.nodes[i]
            let declared = registry.kind(n.kind, version: n.kindVersion)?.schema?.attrs.first { $0.name == name }
            do {
                spec.nodes[i].attrs[name] = try AttrValue.parse(text, as: declared?.type)
            } catch {
                throw ModelError.badInput("--set \(node):\(name): \(error)")
            }
        case .insertAfter(let after, let name, let kind, let version):
            let i = try index(after)
            guard !spec.nodes.contains(where: { $0.name == name || $0.aliases.contains(name) }) else {
                throw ModelError.badInput("--insert-after: a node or hook named '\(name)' already exists")
            }
            let names = Set([after] + spec.nodes[i].aliases)
            for j in spec.nodes.indices.dropFirst(i + 1) {
                spec.nodes[j].inputs = spec.nodes[j].inputs.map { names.contains($0) ? name : $0 }
            }
            spec.nodes.insert(NodeSpec(name: name, kind: kind, kindVersion: version, inputs: [after]), at: i + 1)
        case .removeNode(let name):
            let i = try index(name)
            let n = spec.nodes[i]
            guard n.inputs.count == 1 else {
                throw ModelError.badInput("--remove \(name): only a node with exactly one input can be removed (it has \(n.inputs.count)); its readers would have nothing to read")
            }
            let names = Set([name] + n.aliases)
            if let role = spec.anatomy?.roles.first(where: { names.contains($0.hook) }) {
                throw ModelError.badInput("--remove \(name): the model's anatomy names it as \(role.role) ('\(role.hook)'); removing it would leave that role pointing nowhere (replace its kind with --replace-kind instead)")
            }
            spec.nodes.remove(at: i)
            for j in spec.nodes.indices { spec.nodes[j].inputs = spec.nodes[j].inputs.map { names.contains($0) ? n.inputs[0] : $0 } }
            let used = Set(spec.nodes.flatMap { $0.params.values })
            spec.tensors.removeAll { n.params.values.contains($0.name) && !used.contains($0.name) }
        case .renameHook(let from, let to):
            guard !spec.nodes.contains(where: { $0.name == to || $0.aliases.contains(to) }) else {
                throw ModelError.badInput("--rename \(from)=\(to): a node or hook named '\(to)' already exists")
            }
            guard let i = spec.nodes.firstIndex(where: { $0.name == from || $0.aliases.contains(from) }) else {
                throw ModelError.badInput("--rename: no node or hook named '\(from)'")
            }
            if spec.nodes[i].name == from { spec.nodes[i].name = to } else {
                spec.nodes[i].aliases = spec.nodes[i].aliases.map { $0 == from ? to : $0 }
            }
            for j in spec.nodes.indices { spec.nodes[j].inputs = spec.nodes[j].inputs.map { $0 == from ? to : $0 } }
            // The anatomy names nodes by hook: it follows the rename.
            spec.anatomy = spec.anatomy?.mappingHooks { $0 == from ? to : $0 }
        }
    }
}
