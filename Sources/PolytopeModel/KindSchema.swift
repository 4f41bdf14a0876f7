/// What a layer kind takes: its inputs, parameters (shapes over named dimensions) and
/// attributes (types and defaults). Plugin kinds (ABI v2) declare one in their table and the
/// host validates every node against it before `create`; built-in kinds describe themselves
/// with the same type so `inspect` shows both alike. A kind without a schema (`LayerKind.schema
/// == nil`, ABI v1 plugins) validates its nodes itself.
public struct KindSchema: Sendable, Equatable {
    public struct Input: Sendable, Equatable {
        public var name: String
        /// A dimension name ("d") or a number ("64").
        public var width: String
        public var doc: String
        public init(_ name: String, width: String, doc: String = "") {
            self.name = name
            self.width = width
            self.doc = doc
        }
    }

    public struct Param: Sendable, Equatable {
        public var role: String
        /// Dimension names or numbers; empty for a scalar.
        public var shape: [String]
        public var optional: Bool
        public var doc: String
        public init(_ role: String, shape: [String], optional: Bool = false, doc: String = "") {
            self.role = role
            self.shape = shape
            self.optional = optional
            self.doc = doc
        }
    }

    public enum AttrType: Int32, Sendable, Equatable, CustomStringConvertible {
        case int = 1, float = 2, string = 3, bool = 4, ints = 5, floats = 6, strings = 7
        public var description: String {
            switch self {
            case .int: return "int"
            case .float: return "float"
            case .string: return "string"
            case .bool: return "bool"
            case .ints: return "int list"
            case .floats: return "float list"
            case .strings: return "string list"
            }
        }
    }

    public struct Attr: Sendable, Equatable {
        public var name: String
        public var type: AttrType
        /// Nil: required.
        public var defaultValue: AttrValue?
        public var doc: String
        public init(_ name: String, _ type: AttrType, default value: AttrValue? = nil, doc: String = "") {
            self.name = name
            self.type = type
            self.defaultValue = value
            self.doc = doc
        }
    }

    public var inputs: [Input]
    public var params: [Param]
    public var attrs: [Attr]
    /// One line for `inspect`.
    public var doc: String

    public init(inputs: [Input] = [Input("x", width: "d")], params: [Param] = [], attrs: [Attr] = [], doc: String = "") {
        self.inputs = inputs
        self.params = params
        self.attrs = attrs
        self.doc = doc
    }

    /// `x[d], y[d] -> params weight[d], bias[d]?; attrs eps: float = 1e-5`: one line for listings.
    public var signature: String {
        var s = inputs.isEmpty ? "no inputs" : inputs.map { "\($0.name)[\($0.width)]" }.joined(separator: ", ")
        if !params.isEmpty {
            s += "; params " + params.map { "\($0.role)[\($0.shape.joined(separator: ", "))]\($0.optional ? "?" : "")" }.joined(separator: ", ")
        }
        if !attrs.isEmpty {
            s += "; attrs " + attrs.map { a in
                "\(a.name): \(a.type)" + (a.defaultValue.map { " = \($0)" } ?? " (required)")
            }.joined(separator: ", ")
        }
        return s
    }
}

/// A node checked against its kind's schema: params and attrs in schema order, defaults filled.
public struct ResolvedNode: Sendable {
    /// Nil for an absent optional parameter.
    public let params: [(role: String, weight: Weight?)]
    public let attrs: [(name: String, value: AttrValue)]
    /// The value of every named dimension.
    public let dims: [String: Int]
}

extension KindSchema {
    /// Checks `ctx`'s node: input count, input widths, parameter roles and shapes (binding named
    /// dimensions, input widths first), attribute names and types (an int is accepted for a
    /// float, ints for floats). Every refusal names the node and what was wrong.
    ///
    /// - Complexity: O(params + attrs) plus reading each parameter once.
    public func resolve(_ ctx: LayerBuildContext) throws -> ResolvedNode {
        let node = ctx.node
        guard ctx.inputWidths.count == inputs.count else {
            throw ModelError.wrongInputCount(node: node.name, kind: node.kind, expected: "\(inputs.count)", found: ctx.inputWidths.count)
        }
        var dims: [String: Int] = [:]
        func bind(_ dim: String, _ value: Int, what: () -> String) throws {
            if let n = Int(dim) {
                guard n == value else { throw ModelError.badInput("node '\(node.name)': \(what()) is \(value), expected \(n)") }
            } else if let bound = dims[dim] {
                guard bound == value else {
                    throw ModelError.badInput("node '\(node.name)': \(what()) is \(value), but dimension '\(dim)' is \(bound)")
                }
            } else {
                dims[dim] = value
            }
        }
        for (input, width) in zip(inputs, ctx.inputWidths) {
            try bind(input.width, width) { "input '\(input.name)' width" }
        }
        let declared = Set(params.map(\.role))
        for role in node.params.keys.sorted() where !declared.contains(role) {
            throw ModelError.badInput("node '\(node.name)': kind '\(node.kind)' takes no parameter '\(role)' (it takes: \(params.isEmpty ? "none" : params.map(\.role).joined(separator: ", ")))")
        }
        var resolvedParams: [(role: String, weight: Weight?)] = []
        for p in params {
            guard let tensor = node.params[p.role] else {
                guard p.optional else {
                    throw ModelError.missingTensor(node: node.name, role: p.role, tensor: "(no tensor given for '\(p.role)')")
                }
                resolvedParams.append((p.role, nil))
                continue
            }
            guard let shape = ctx.weights.shape(of: tensor) else {
                throw ModelError.missingTensor(node: node.name, role: p.role, tensor: tensor)
            }
            let expected = "[" + p.shape.joined(separator: ", ") + "]"
            guard shape.count == p.shape.count else {
                throw ModelError.badShape(node: node.name, role: p.role, tensor: tensor, expected: expected, found: shape)
            }
            for (d, n) in zip(p.shape, shape) {
                do { try bind(d, n) { "" } } catch {
                    throw ModelError.badShape(node: node.name, role: p.role, tensor: tensor,
                                              expected: expected + " with " + dims.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", "),
                                              found: shape)
                }
            }
            resolvedParams.append((p.role, try ctx.weights.weight(tensor)))
        }
        let declaredAttrs = Set(attrs.map(\.name))
        for name in node.attrs.keys.sorted() where !declaredAttrs.contains(name) {
            throw ModelError.badInput("node '\(node.name)': kind '\(node.kind)' takes no attribute '\(name)' (it takes: \(attrs.isEmpty ? "none" : attrs.map(\.name).joined(separator: ", ")))")
        }
        var resolvedAttrs: [(name: String, value: AttrValue)] = []
        for a in attrs {
            guard let given = node.attrs[a.name] else {
                guard let d = a.defaultValue else { throw ModelError.missingAttr(node: node.name, attr: a.name, expected: "a \(a.type)") }
                resolvedAttrs.append((a.name, d))
                continue
            }
            guard let v = given.converted(to: a.type) else {
                throw ModelError.badAttr(node: node.name, attr: a.name, expected: "a \(a.type)", found: "a \(given.typeName) (\(given))")
            }
            resolvedAttrs.append((a.name, v))
        }
        return ResolvedNode(params: resolvedParams, attrs: resolvedAttrs, dims: dims)
    }
}

extension AttrValue {
    /// The schema type this value has.
    public var schemaType: KindSchema.AttrType {
        switch self {
        case .int: return .int
        case .float: return .float
        case .string: return .string
        case .bool: return .bool
        case .ints: return .ints
        case .floats: return .floats
        case .strings: return .strings
        }
    }

    /// This value as `type`, widening ints to floats; nil when it cannot be.
    public func converted(to type: KindSchema.AttrType) -> AttrValue? {
        if schemaType == type { return self }
        switch (self, type) {
        case (.int(let v), .float): return .float(Double(v))
        case (.ints(let v), .floats): return .floats(v.map(Double.init))
        case (.int(let v), .ints): return .ints([v])
        case (.float(let v), .floats): return .floats([v])
        case (.string(let v), .strings): return .strings([v])
        default: return nil
        }
    }
}
