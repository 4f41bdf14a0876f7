import CPolytopeLens
import Foundation
import PolytopeArchitectures
import PolytopeBuiltins
import PolytopeModel
import PolytopeProbe
import PolytopeTokenizers

// Models: open (built-in kinds + plugins), describe, tokenize, run with hooks.

/// What a `pl_model *` points to: the loaded model and its tokenizer (built on first use).
final class ModelHandle: @unchecked Sendable {
    let model: Model
    private let lock = NSLock()
    private var tokenizerCache: (any Tokenizer)?

    init(model: Model) { self.model = model }

    func tokenizer() throws -> any Tokenizer {
        lock.lock()
        defer { lock.unlock() }
        if let t = tokenizerCache { return t }
        let t = try ModelTokenizer.make(for: model)
        tokenizerCache = t
        return t
    }

    static func from(_ p: OpaquePointer?) throws -> ModelHandle {
        guard let p else { throw CAPIError(Int32(PL_EINVAL), "model handle is NULL") }
        return Unmanaged<ModelHandle>.fromOpaque(UnsafeRawPointer(p)).takeUnretainedValue()
    }
}

/// Loads a model as `polytope --model PATH --plugin ...` does: built-in kinds, then the plugins
/// of $POLYTOPE_PLUGIN_PATH, then the given ones; a message that does not name the file gets
/// `model file PATH: ` in front.
func loadModel(path: String, plugins: [String]) throws -> Model {
    let registry = LayerRegistry.builtins()
    do {
        _ = try PluginLoader.loadFromEnvironment(into: registry)
        for p in plugins { _ = try PluginLoader.load(path: p, into: registry) }
    } catch {
        throw CAPIError(Int32(PL_EMODEL), oneLine(error))
    }
    do {
        return try ModelLoader.load(path: path, registry: registry)
    } catch {
        let text = oneLine(error)
        throw CAPIError(Int32(PL_EMODEL), text.contains(path) ? text : "model file \(path): \(text)")
    }
}

@_cdecl("pl_model_open")
public func pl_model_open(_ path: UnsafePointer<CChar>?, _ plugins: UnsafePointer<UnsafePointer<CChar>?>?, _ nPlugins: Int32,
                          _ out: UnsafeMutablePointer<OpaquePointer?>?,
                          _ err: UnsafeMutablePointer<CChar>?, _ errLen: Int) -> Int32 {
    guarded(err, errLen) {
        let o = try required(out, "out")
        o.pointee = nil
        let p = String(cString: try required(path, "path"))
        var pluginPaths: [String] = []
        for i in 0..<Int(max(nPlugins, 0)) {
            pluginPaths.append(String(cString: try required(try required(plugins, "plugins")[i], "plugins[\(i)]")))
        }
        let handle = ModelHandle(model: try loadModel(path: p, plugins: pluginPaths))
        o.pointee = OpaquePointer(Unmanaged.passRetained(handle).toOpaque())
    }
}

@_cdecl("pl_model_free")
public func pl_model_free(_ model: OpaquePointer?) {
    guard let model else { return }
    Unmanaged<ModelHandle>.fromOpaque(UnsafeRawPointer(model)).release()
}

/// A malloc'ed NUL-terminated copy of a string.
func mallocString(_ s: String) -> UnsafeMutablePointer<CChar> { strdup(s)! }

@_cdecl("pl_model_info")
public func pl_model_info(_ model: OpaquePointer?, _ jsonOut: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?,
                          _ err: UnsafeMutablePointer<CChar>?, _ errLen: Int) -> Int32 {
    guarded(err, errLen) {
        let m = try ModelHandle.from(model).model
        let out = try required(jsonOut, "json_out")
        var hooks: [[String: Any]] = []
        for (i, node) in m.spec.nodes.enumerated() {
            for name in [node.name] + node.aliases {
                var h: [String: Any] = ["name": name, "width": m.widths[i], "kind": node.kind, "node": node.name]
                if let k = (try? m.knots(hook: name)).flatMap({ $0 }) { h["knots"] = k.map(Double.init) }
                hooks.append(h)
            }
        }
        let mlpLayers = m.mlpLayers
        let info: [String: Any] = [
            "name": m.spec.name, "architecture": m.spec.architecture, "context_length": m.spec.contextLength,
            "vocab_size": m.vocabularySize ?? NSNull(), "has_tokenizer": m.spec.tokenizer != nil,
            "parameters": m.parameterCount, "hooks": hooks, "mlp_layers": mlpLayers,
        ]
        let data = try JSONSerialization.data(withJSONObject: info, options: [.sortedKeys])
        out.pointee = mallocString(String(decoding: data, as: UTF8.self))
    }
}

@_cdecl("pl_model_tokenize")
public func pl_model_tokenize(_ model: OpaquePointer?, _ text: UnsafePointer<CChar>?, _ len: Int64,
                              _ idsOut: UnsafeMutablePointer<UnsafeMutablePointer<Int32>?>?,
                              _ offsetsOut: UnsafeMutablePointer<UnsafeMutablePointer<Int64>?>?, _ count: UnsafeMutablePointer<Int64>?,
                              _ err: UnsafeMutablePointer<CChar>?, _ errLen: Int) -> Int32 {
    guarded(err, errLen) {
        let handle = try ModelHandle.from(model)
        let idsP = try required(idsOut, "ids_out"), offP = try required(offsetsOut, "offsets_out"), countP = try required(count, "count")
        guard len >= 0 else { throw CAPIError(Int32(PL_EINVAL), "negative text length \(len)") }
        let bytes = len == 0 ? [] : Array(UnsafeRawBufferPointer(start: try required(text, "text"), count: Int(len)))
        let tokens: [Token]
        do { tokens = try handle.tokenizer().encode(bytes) } catch { throw CAPIError(Int32(PL_EINVAL), oneLine(error)) }
        idsP.pointee = mallocCopy(tokens.map { Int32($0.id) })
        offP.pointee = mallocCopy(tokens.flatMap { [Int64($0.byteRange.lowerBound), Int64($0.byteRange.upperBound)] })
        countP.pointee = Int64(tokens.count)
    }
}

@_cdecl("pl_model_hook_width")
public func pl_model_hook_width(_ model: OpaquePointer?, _ hook: UnsafePointer<CChar>?, _ width: UnsafeMutablePointer<Int64>?,
                                _ err: UnsafeMutablePointer<CChar>?, _ errLen: Int) -> Int32 {
    guarded(err, errLen) {
        let m = try ModelHandle.from(model).model
        let name = String(cString: try required(hook, "hook"))
        let i: Int
        do { i = try m.nodeIndex(hook: name) } catch { throw CAPIError(Int32(PL_EINVAL), oneLine(error)) }
        let w = try required(width, "width")
        w.pointee = Int64(m.widths[i])
    }
}

@_cdecl("pl_model_run")
public func pl_model_run(_ model: OpaquePointer?, _ ids: UnsafePointer<Int32>?, _ n: Int64,
                         _ hooks: UnsafePointer<UnsafePointer<CChar>?>?, _ nHooks: Int32,
                         _ outputs: UnsafePointer<UnsafeMutablePointer<Float>?>?,
                         _ err: UnsafeMutablePointer<CChar>?, _ errLen: Int) -> Int32 {
    guarded(err, errLen) {
        let m = try ModelHandle.from(model).model
        guard n >= 1 else { throw CAPIError(Int32(PL_EINVAL), "the input has no tokens") }
        guard nHooks >= 1 else { throw CAPIError(Int32(PL_EINVAL), "give at least one hook (see Model.hooks for names)") }
        let tokenIDs = Array(UnsafeBufferPointer(start: try required(ids, "ids"), count: Int(n)))
        let hookP = try required(hooks, "hooks"), outP = try required(outputs, "outputs")
        var names: [String] = []
        for i in 0..<Int(nHooks) { names.append(String(cString: try required(hookP[i], "hooks[\(i)]"))) }
        let results: [String: Matrix]
        do {
            for h in names { _ = try m.nodeIndex(hook: h) }
            results = try m.forward(ForwardContext(sequences: [tokenIDs]), capture: names)
        } catch { throw CAPIError(Int32(PL_EINVAL), oneLine(error)) }
        for (i, h) in names.enumerated() {
            let dst = try required(outP[i], "outputs[\(i)]")
            results[h]!.data.withUnsafeBufferPointer { src in dst.update(from: src.baseAddress!, count: src.count) }
        }
    }
}
