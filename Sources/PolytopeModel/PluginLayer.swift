import CPolytopePlugin
import Foundation

/// A layer built by a runtime plugin: owns the plugin's per-node state and hands it back to
/// the plugin's `destroy` when released. `forward` calls the plugin once per batch, with all
/// rows of the batch in one row-major matrix.
class PluginLayer: Layer, @unchecked Sendable {
    let node: String
    let kind: String
    let library: String
    let inputWidth: Int
    let outputWidth: Int
    private let state: UnsafeMutableRawPointer?
    private let functions: PluginKindFunctions

    init(node: String, kind: String, library: String, inputWidth: Int, outputWidth: Int, state: UnsafeMutableRawPointer?, functions: PluginKindFunctions) {
        self.node = node
        self.kind = kind
        self.library = library
        self.inputWidth = inputWidth
        self.outputWidth = outputWidth
        self.state = state
        self.functions = functions
    }

    deinit { functions.destroy(state) }

    /// - Complexity: one call into the plugin for all `rows` of the batch.
    func forward(_ inputs: [Matrix], context: ForwardContext) throws -> Matrix {
        guard inputs.count == 1 else {
            throw ModelError.wrongInputCount(node: node, kind: kind, expected: "1", found: inputs.count)
        }
        let x = inputs[0]
        guard x.cols == inputWidth else { throw ModelError.inputWidthMismatch(node: node, expected: "\(inputWidth)", found: x.cols) }
        var out = Matrix(zeros: x.rows, outputWidth)
        guard x.rows > 0 else { return out }
        var err = [CChar](repeating: 0, count: PluginKindAdapter.errorCapacity)
        let rc = x.data.withUnsafeBufferPointer { i in
            out.data.withUnsafeMutableBufferPointer { o in
                err.withUnsafeMutableBufferPointer { e in
                    functions.forward(state, i.baseAddress, Int64(x.rows), o.baseAddress, e.baseAddress, e.count)
                }
            }
        }
        guard rc == 0 else {
            throw ModelError.pluginKindFailed(node: node, kind: kind, library: library, message: PluginKindAdapter.message(err, call: "forward", code: rc))
        }
        return out
    }
}

/// A plugin kind flagged `POLYTOPE_KIND_ACTIVATION`: the knots come from the plugin's table.
final class PluginActivationLayer: PluginLayer, ActivationLayer, @unchecked Sendable {
    let knots: [Float]

    init(node: String, kind: String, library: String, width: Int, knots: [Float], state: UnsafeMutableRawPointer?, functions: PluginKindFunctions) {
        self.knots = knots
        super.init(node: node, kind: kind, library: library, inputWidth: width, outputWidth: width, state: state, functions: functions)
    }
}

/// Turns a checked plugin kind into a `LayerKind` whose builder marshals the node across the C ABI.
enum PluginKindAdapter {
    /// Bytes of the error buffers handed to `create` and `forward`.
    static let errorCapacity = 1024
    /// Output widths above this are taken as a plugin bug.
    static let maxWidth = 1 << 31

    static func layerKind(_ k: CheckedPluginKind, provider: String, pluginName: String) -> LayerKind {
        var summary = "from plugin '\(pluginName)'"
        if let knots = k.knots { summary += "; activation, knots \(knots)" }
        return LayerKind(name: k.name, version: k.version, provider: provider, summary: summary, knots: k.knots) { ctx in
            try build(k, ctx, library: provider)
        }
    }

    /// The text the plugin wrote into `err` (always NUL-terminated here), or a fallback.
    static func message(_ err: [CChar], call: String, code: Int32) -> String {
        var bytes = err.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        bytes = bytes.map { $0 == 10 || $0 == 13 ? 32 : $0 }  // keep the message on one line
        let text = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespaces)
        return text.isEmpty ? "\(call) failed with code \(code) (the plugin gave no message)" : text
    }

    /// Builds one node: params (as float32, rank from the tensor's shape) and scalar attrs go
    /// to the plugin's `create`; list attributes are not passed in ABI version 1.
    static func build(_ k: CheckedPluginKind, _ ctx: LayerBuildContext, library: String) throws -> Layer {
        let node = ctx.node
        let width = try ctx.singleInputWidth()
        var weights: [(role: String, weight: Weight)] = []
        for (role, tensor) in node.params.sorted(by: { $0.key < $1.key }) {
            let rank = ctx.weights.shape(of: tensor)?.count ?? 0
            let dims = (0..<rank).map { LayerBuildContext.Dim.any("d\($0)") }
            weights.append((role, try ctx.param(role, shape: dims)))
        }
        let attrs = node.attrs.sorted { $0.key < $1.key }
        if let list = attrs.first(where: { !$0.value.isScalar }) {
            throw ModelError.pluginKindFailed(node: node.name, kind: node.kind, library: library, message:
                "attribute '\(list.key)' is a \(list.value.typeName), but ABI version 1 plugins take scalar attributes only (port the kind to ABI version 2, which declares list attributes)")
        }

        // C strings and shapes owned here until create() returns.
        var strings: [UnsafeMutablePointer<CChar>] = []
        defer { strings.forEach { free($0) } }
        func cString(_ s: String) -> UnsafePointer<CChar> {
            let p = strdup(s)!
            strings.append(p)
            return UnsafePointer(p)
        }
        let shapes = weights.map { $0.weight.shape.map(Int64.init) }
        let cAttrs: [PolytopeAttrV1] = attrs.map { name, value in
            var a = PolytopeAttrV1(name: cString(name), type: 0, i: 0, f: 0, s: nil)
            switch value {
            case .int(let v): a.type = Int32(POLYTOPE_ATTR_INT); a.i = v
            case .float(let v): a.type = Int32(POLYTOPE_ATTR_FLOAT); a.f = v
            case .string(let v): a.type = Int32(POLYTOPE_ATTR_STRING); a.s = cString(v)
            case .bool(let v): a.type = Int32(POLYTOPE_ATTR_BOOL); a.i = v ? 1 : 0
            case .ints, .floats, .strings: break
            }
            return a
        }
        let nodeName = cString(node.name), kindName = cString(node.kind)
        let roles = weights.map { cString($0.role) }

        var state: UnsafeMutableRawPointer?
        var outWidth: Int64 = -1
        var err = [CChar](repeating: 0, count: errorCapacity)
        let rc: Int32 = withFloatPointers(weights.map(\.weight), []) { data in
            withShapePointers(shapes, []) { shapePointers in
                let params = (0..<weights.count).map { j in
                    PolytopeParam(role: roles[j], data: data[j], shape: shapePointers[j], rank: Int32(shapes[j].count))
                }
                return params.withUnsafeBufferPointer { p in
                    cAttrs.withUnsafeBufferPointer { a in
                        var desc = PolytopeNodeDescV1(
                            name: nodeName, kind: kindName, kind_version: node.kindVersion, input_width: Int64(width),
                            params: p.baseAddress, param_count: Int32(p.count), attrs: a.baseAddress, attr_count: Int32(a.count))
                        return err.withUnsafeMutableBufferPointer { e in
                            k.functions.create(&desc, &state, &outWidth, e.baseAddress, e.count)
                        }
                    }
                }
            }
        }
        guard rc == 0 else {
            throw ModelError.pluginKindFailed(node: node.name, kind: node.kind, library: library, message: message(err, call: "create", code: rc))
        }
        func refuse(_ why: String) -> ModelError {
            k.functions.destroy(state)
            return .pluginKindFailed(node: node.name, kind: node.kind, library: library, message: why)
        }
        guard outWidth > 0, outWidth <= maxWidth else { throw refuse("create() reported output width \(outWidth), expected a positive width") }
        if let knots = k.knots {
            guard outWidth == width else {
                throw refuse("create() reported output width \(outWidth) for an activation, which must keep the input width \(width)")
            }
            return PluginActivationLayer(node: node.name, kind: node.kind, library: library, width: width, knots: knots, state: state, functions: k.functions)
        }
        return PluginLayer(node: node.name, kind: node.kind, library: library, inputWidth: width, outputWidth: Int(outWidth), state: state, functions: k.functions)
    }

    /// Calls `body` with stable pointers to each weight's values (nested, so all stay valid).
    static func withFloatPointers<R>(_ ws: [Weight], _ acc: [UnsafePointer<Float>?],
                                             _ body: ([UnsafePointer<Float>?]) -> R) -> R {
        guard acc.count < ws.count else { return body(acc) }
        return ws[acc.count].values.withUnsafeBufferPointer { withFloatPointers(ws, acc + [$0.baseAddress], body) }
    }

    static func withShapePointers<R>(_ shapes: [[Int64]], _ acc: [UnsafePointer<Int64>?],
                                             _ body: ([UnsafePointer<Int64>?]) -> R) -> R {
        guard acc.count < shapes.count else { return body(acc) }
        return shapes[acc.count].withUnsafeBufferPointer { withShapePointers(shapes, acc + [$0.baseAddress], body) }
    }
}

extension AttrValue {
    /// Int, float, string or bool: the attributes ABI version 1 passes to plugins.
    var isScalar: Bool {
        switch self {
        case .int, .float, .string, .bool: return true
        case .ints, .floats, .strings: return false
        }
    }
}
