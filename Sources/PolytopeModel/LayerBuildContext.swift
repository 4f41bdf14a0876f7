/// What a kind's builder gets: the node, its input widths, the model's tensors.
/// Every accessor validates and throws an error that names the node, role or attribute.
public struct LayerBuildContext: Sendable {
    public let node: NodeSpec
    public let inputWidths: [Int]
    public let weights: WeightStore
    public let model: ModelSpec

    public init(node: NodeSpec, inputWidths: [Int], weights: WeightStore, model: ModelSpec) {
        self.node = node
        self.inputWidths = inputWidths
        self.weights = weights
        self.model = model
    }

    /// A dimension of an expected parameter shape: a fixed size, or any size (bound on first use).
    public enum Dim: ExpressibleByIntegerLiteral, CustomStringConvertible, Sendable {
        case exactly(Int)
        case any(String)
        public init(integerLiteral value: Int) { self = .exactly(value) }
        public var description: String {
            switch self {
            case .exactly(let n): return "\(n)"
            case .any(let name): return name
            }
        }
    }

    /// Refuses parameter roles the kind does not know.
    public func allowParams(_ roles: Set<String>) throws {
        for role in node.params.keys.sorted() where !roles.contains(role) {
            throw ModelError.unknownParam(node: node.name, role: role, kind: node.kind)
        }
    }

    public func requireInputs(_ count: Int) throws {
        guard inputWidths.count == count else {
            throw ModelError.wrongInputCount(node: node.name, kind: node.kind, expected: "\(count)", found: inputWidths.count)
        }
    }

    /// The width of the single input.
    public func singleInputWidth() throws -> Int {
        try requireInputs(1)
        return inputWidths[0]
    }

    public func hasParam(_ role: String) -> Bool { node.params[role] != nil }

    /// A parameter with the given shape; the returned sizes of `.any` dimensions are in `Weight.shape`.
    public func param(_ role: String, shape: [Dim]) throws -> Weight {
        guard let tensorName = node.params[role] else {
            throw ModelError.missingTensor(node: node.name, role: role, tensor: "(no tensor given for '\(role)')")
        }
        guard let actual = weights.shape(of: tensorName) else {
            throw ModelError.missingTensor(node: node.name, role: role, tensor: tensorName)
        }
        let expected = "[" + shape.map(\.description).joined(separator: ", ") + "]"
        var ok = actual.count == shape.count
        if ok {
            for (d, a) in zip(shape, actual) { if case .exactly(let n) = d, n != a { ok = false } }
        }
        guard ok else {
            throw ModelError.badShape(node: node.name, role: role, tensor: tensorName, expected: expected, found: actual)
        }
        return try weights.weight(tensorName)
    }

    public func optionalParam(_ role: String, shape: [Dim]) throws -> Weight? {
        hasParam(role) ? try param(role, shape: shape) : nil
    }

    public func int(_ name: String, default def: Int? = nil) throws -> Int {
        switch node.attrs[name] {
        case .int(let v)?: return Int(v)
        case nil:
            if let def { return def }
            throw ModelError.missingAttr(node: node.name, attr: name, expected: "an int")
        case let other?: throw ModelError.badAttr(node: node.name, attr: name, expected: "an int", found: other.typeName)
        }
    }

    public func float(_ name: String, default def: Double? = nil) throws -> Double {
        switch node.attrs[name] {
        case .float(let v)?: return v
        case .int(let v)?: return Double(v)
        case nil:
            if let def { return def }
            throw ModelError.missingAttr(node: node.name, attr: name, expected: "a float")
        case let other?: throw ModelError.badAttr(node: node.name, attr: name, expected: "a float", found: other.typeName)
        }
    }

    public func bool(_ name: String, default def: Bool? = nil) throws -> Bool {
        switch node.attrs[name] {
        case .bool(let v)?: return v
        case nil:
            if let def { return def }
            throw ModelError.missingAttr(node: node.name, attr: name, expected: "a bool")
        case let other?: throw ModelError.badAttr(node: node.name, attr: name, expected: "a bool", found: other.typeName)
        }
    }

    public func string(_ name: String, default def: String? = nil, oneOf allowed: [String]? = nil) throws -> String {
        let value: String
        switch node.attrs[name] {
        case .string(let v)?: value = v
        case nil:
            guard let def else { throw ModelError.missingAttr(node: node.name, attr: name, expected: "a string") }
            value = def
        case let other?: throw ModelError.badAttr(node: node.name, attr: name, expected: "a string", found: other.typeName)
        }
        if let allowed, !allowed.contains(value) {
            throw ModelError.badAttr(node: node.name, attr: name, expected: "one of \(allowed.joined(separator: ", "))", found: "\"\(value)\"")
        }
        return value
    }

    /// Checks that a positive value is positive, with the attribute named in the error.
    public func positive(_ name: String, _ value: Int) throws -> Int {
        guard value > 0 else { throw ModelError.badAttr(node: node.name, attr: name, expected: "a positive int", found: "\(value)") }
        return value
    }
}
