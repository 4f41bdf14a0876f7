/// A layer kind: how to build a node of that kind, and (for activations) where its knots are.
public struct LayerKind: Sendable {
    public let name: String
    public let version: UInt32
    /// Who provides it: "built-in" or a plugin library's path.
    public let provider: String
    public let summary: String
    /// Activation kinds: ascending knots (polytope region boundaries of each unit). Nil otherwise.
    public let knots: [Float]?
    /// What the kind takes (inputs, parameters, attributes), for validation and `inspect`.
    /// Nil when the kind does not declare one (it validates its nodes itself in `build`);
    /// a kind added without a schema compiles and works, `inspect` says "not declared".
    public let schema: KindSchema?
    public let build: @Sendable (LayerBuildContext) throws -> Layer

    public init(name: String, version: UInt32 = 1, provider: String = "built-in", summary: String,
                knots: [Float]? = nil, schema: KindSchema? = nil,
                build: @escaping @Sendable (LayerBuildContext) throws -> Layer) {
        self.name = name
        self.version = version
        self.provider = provider
        self.summary = summary
        self.knots = knots
        self.schema = schema
        self.build = build
    }

    public var id: String { "\(name)@\(version)" }

    /// The same kind with `schema` as its description.
    public func with(schema: KindSchema?) -> LayerKind {
        LayerKind(name: name, version: version, provider: provider, summary: summary, knots: knots, schema: schema, build: build)
    }
}

/// Maps (kind name, version) to an implementation. Built-in kinds are registered by
/// `PolytopeBuiltins`; runtime plugins add theirs through `PluginLoader`.
public final class LayerRegistry: @unchecked Sendable {
    private var kinds: [String: LayerKind] = [:]

    public init() {}

    /// Registers a kind; a later registration of the same name and version replaces the
    /// earlier one only when `replace` is set, otherwise it is an error naming both providers.
    public func register(_ kind: LayerKind, replace: Bool = false) throws {
        if let old = kinds[kind.id], !replace {
            throw ModelError.plugin(path: kind.provider, reason: "kind '\(kind.id)' is already provided by \(old.provider)")
        }
        kinds[kind.id] = kind
    }

    public func kind(_ name: String, version: UInt32) -> LayerKind? { kinds["\(name)@\(version)"] }

    /// All kinds, sorted by name then version.
    public var all: [LayerKind] {
        kinds.values.sorted { ($0.name, $0.version) < ($1.name, $1.version) }
    }

    /// "name@version (provider)" for every kind, for error messages.
    public var loadedDescription: [String] {
        all.map { "\($0.id) (\($0.provider))" }
    }
}
