import CPolytopePlugin
import Foundation

/// Turns a checked ABI version 2 kind into a `LayerKind`: its builder validates the node
/// against the kind's schema, marshals params and attrs (schema order, defaults filled, lists
/// included) across the C ABI, calls `create`, and checks what it set (width, knots).
enum PluginKindAdapterV2 {
    static func layerKind(_ k: CheckedPluginKindV2, provider: String, pluginName: String) -> LayerKind {
        var summary = "from plugin '\(pluginName)'"
        if !k.schema.doc.isEmpty { summary += ": \(k.schema.doc)" }
        if k.isActivation { summary += k.knots.isEmpty ? "; activation, knots set per node" : "; activation, knots \(k.knots)" }
        if k.isPositional { summary += "; reads positions" }
        return LayerKind(name: k.name, version: k.version, provider: provider, summary: summary,
                         knots: k.isActivation && !k.knots.isEmpty ? k.knots : nil, schema: k.schema) { ctx in
            try build(k, ctx, library: provider)
        }
    }

    static func build(_ k: CheckedPluginKindV2, _ ctx: LayerBuildContext, library: String) throws -> Layer {
        let node = ctx.node
        let resolved = try k.schema.resolve(ctx)
        let arena = CArena()
        let shapes = resolved.params.map { ($0.weight?.shape ?? []).map(Int64.init) }
        let cAttrs = resolved.attrs.map { attr(name: $0.name, value: $0.value, arena: arena) }
        let widths = ctx.inputWidths.map(Int64.init)
        var out = PolytopeNodeOut()
        out.struct_size = UInt32(MemoryLayout<PolytopeNodeOut>.size)
        out.output_width = -1
        let (rc, err): (Int32, [CChar]) = PluginLayerSupport.withFloatPointers(resolved.params.map { $0.weight?.values ?? [] }, []) { data in
            let params = resolved.params.enumerated().map { j, p in
                PolytopeParam(role: arena.string(p.role), data: p.weight == nil ? nil : data[j],
                              shape: arena.array(shapes[j]), rank: Int32(shapes[j].count))
            }
            var desc = PolytopeNodeDesc(
                struct_size: UInt32(MemoryLayout<PolytopeNodeDesc>.size), name: arena.string(node.name),
                kind: arena.string(node.kind), kind_version: node.kindVersion,
                input_count: Int32(widths.count), input_widths: arena.array(widths),
                param_count: Int32(params.count), params: arena.array(params),
                attr_count: Int32(cAttrs.count), attrs: arena.array(cAttrs), host: UnsafePointer(PluginHost.table))
            return PluginHost.withError { e in k.functions.create(&desc, &out, e) }
        }
        guard rc == 0 else {
            throw ModelError.pluginKindFailed(node: node.name, kind: node.kind, library: library,
                                              message: PluginKindAdapter.message(err, call: "create", code: rc))
        }
        func refuse(_ why: String) -> ModelError {
            k.functions.destroy(out.state)
            return .pluginKindFailed(node: node.name, kind: node.kind, library: library, message: why)
        }
        let width = out.output_width
        guard width > 0, width <= PluginKindAdapter.maxWidth else {
            throw refuse("create() reported output width \(width), expected a positive width")
        }
        guard k.isActivation else {
            guard out.knot_count == 0 else { throw refuse("create() set \(out.knot_count) knots, but the kind is not an activation") }
            return PluginLayerV2(node: node.name, kind: node.kind, library: library, inputWidths: ctx.inputWidths,
                                 outputWidth: Int(width), state: out.state, functions: k.functions)
        }
        guard width == widths[0] else {
            throw refuse("create() reported output width \(width) for an activation, which must keep the input width \(widths[0])")
        }
        var knots = k.knots
        var unitKnots: [Float]?
        if out.knot_count != 0 {
            let n = Int(out.knot_count)
            guard n > 0, n <= PluginLoader.maxKnots else { throw refuse("create() set knot_count \(n), outside 1...\(PluginLoader.maxKnots)") }
            guard let p = out.knots else { throw refuse("create() set knot_count \(n) but knots is NULL") }
            switch out.knots_per_unit {
            case 0:
                knots = Array(UnsafeBufferPointer(start: p, count: n))
                if let why = PluginTableCheckV2.knotProblem(knots) { throw refuse("create() set knots: \(why)") }
            case 1:
                let all = Array(UnsafeBufferPointer(start: p, count: n * Int(width)))
                for u in 0..<Int(width) {
                    if let why = PluginTableCheckV2.knotProblem(Array(all[u * n..<(u + 1) * n])) {
                        throw refuse("create() set knots of unit \(u): \(why)")
                    }
                }
                unitKnots = all
                knots = Array(all[0..<n])
            default:
                throw refuse("create() set knots_per_unit \(out.knots_per_unit), expected 0 (shared) or 1 (per unit)")
            }
        }
        guard !knots.isEmpty else { throw refuse("the kind is an activation with no default knots, and create() set none") }
        return PluginActivationLayerV2(node: node.name, kind: node.kind, library: library, width: Int(width), knots: knots,
                                       unitKnots: unitKnots, state: out.state, functions: k.functions)
    }

    /// One attribute value in C form (list storage in the arena).
    static func attr(name: String, value: AttrValue, arena: CArena) -> PolytopeAttr {
        var a = PolytopeAttr()
        a.name = arena.string(name)
        a.type = value.schemaType.rawValue
        switch value {
        case .int(let v): a.i = v
        case .float(let v): a.f = v
        case .string(let v): a.s = arena.string(v)
        case .bool(let v): a.i = v ? 1 : 0
        case .ints(let v): a.count = Int64(v.count); a.ints = arena.array(v)
        case .floats(let v): a.count = Int64(v.count); a.floats = arena.array(v)
        case .strings(let v):
            a.count = Int64(v.count)
            a.strings = arena.array(v.map { Optional(arena.string($0)) })
        }
        return a
    }
}
