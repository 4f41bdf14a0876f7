import Foundation

/// Everything that can be wrong with a model file or a model run, each naming what and where.
public enum ModelError: Error, Equatable, CustomStringConvertible, LocalizedError {
    case unreadable(path: String, reason: String)
    case malformed(path: String, reason: String)
    case unsupportedFormatVersion(path: String, found: UInt32, supported: UInt32)
    case duplicateNode(String)
    case emptyName(index: Int)
    case unknownInput(node: String, input: String)
    case forwardReference(node: String, input: String)
    case missingTensor(node: String, role: String, tensor: String)
    case duplicateTensor(String)
    case unusedTensor(String)
    case unknownDType(tensor: String)
    case badShape(node: String, role: String, tensor: String, expected: String, found: [Int])
    case tensorSizeMismatch(tensor: String, expectedBytes: Int, foundBytes: Int)
    case shapeOverflow(tensor: String, shape: [Int])
    case externalFile(tensor: String, path: String, reason: String)
    case nonFiniteWeights(tensor: String, index: Int)
    case missingAttr(node: String, attr: String, expected: String)
    case badAttr(node: String, attr: String, expected: String, found: String)
    case unknownParam(node: String, role: String, kind: String)
    case wrongInputCount(node: String, kind: String, expected: String, found: Int)
    case inputWidthMismatch(node: String, expected: String, found: Int)
    case unknownKind(node: String, kind: String, version: UInt32, available: [String])
    case unknownHook(String, available: [String])
    case badInput(String)
    case plugin(path: String, reason: String)
    case pluginKindFailed(node: String, kind: String, library: String, message: String)
    case noAnatomy(model: String)
    case badAnatomy(String)
    case noSuchLayer(Int, count: Int)

    public var description: String {
        switch self {
        case .unreadable(let p, let r): return "cannot read model file \(p): \(r)"
        case .malformed(let p, let r): return "model file \(p) is malformed: \(r)"
        case .unsupportedFormatVersion(let p, let f, let s):
            return "model file \(p) has format version \(f); this build reads version \(s)"
        case .duplicateNode(let n): return "node '\(n)' is defined twice"
        case .emptyName(let i): return "node #\(i) has an empty name"
        case .unknownInput(let n, let i): return "node '\(n)': input '\(i)' names no node"
        case .forwardReference(let n, let i):
            return "node '\(n)': input '\(i)' is defined later (nodes must be in execution order; a cycle or forward reference)"
        case .missingTensor(let n, let r, let t): return "node '\(n)': parameter '\(r)' names tensor '\(t)', which is not in the file"
        case .duplicateTensor(let t): return "tensor '\(t)' is defined twice"
        case .unusedTensor(let t): return "tensor '\(t)' is used by no node (name it in a node's params, or remove it)"
        case .unknownDType(let t): return "tensor '\(t)': unknown or unspecified dtype (expected f32, f16 or bf16)"
        case .badShape(let n, let r, let t, let e, let f):
            return "node '\(n)': parameter '\(r)' (tensor '\(t)') has shape \(f), expected \(e)"
        case .tensorSizeMismatch(let t, let e, let f):
            return "tensor '\(t)': shape and dtype need \(e) bytes but \(f) are present"
        case .shapeOverflow(let t, let s): return "tensor '\(t)': shape \(s) is invalid (negative or its size overflows)"
        case .externalFile(let t, let p, let r): return "tensor '\(t)': external file \(p): \(r)"
        case .nonFiniteWeights(let t, let i): return "tensor '\(t)': element \(i) is NaN or infinite"
        case .missingAttr(let n, let a, let e): return "node '\(n)': missing attribute '\(a)' (expected \(e))"
        case .badAttr(let n, let a, let e, let f): return "node '\(n)': attribute '\(a)' is \(f), expected \(e)"
        case .unknownParam(let n, let r, let k): return "node '\(n)': kind '\(k)' takes no parameter '\(r)'"
        case .wrongInputCount(let n, let k, let e, let f): return "node '\(n)': kind '\(k)' takes \(e) input(s), got \(f)"
        case .inputWidthMismatch(let n, let e, let f): return "node '\(n)': input width is \(f), expected \(e)"
        case .unknownKind(let n, let k, let v, let a):
            return "node '\(n)': no layer kind '\(k)' version \(v) is registered; if a plugin provides it, load it with --plugin LIB.so or $POLYTOPE_PLUGIN_PATH (loaded: \(a.joined(separator: ", ")))"
        case .unknownHook(let h, let a):
            let some = a.prefix(8).joined(separator: ", ")
            return "no hook named '\(h)' (hooks include: \(some)\(a.count > 8 ? ", ..." : ""))"
        case .badInput(let r): return r
        case .plugin(let p, let r): return "plugin \(p): \(r)"
        case .pluginKindFailed(let n, let k, let l, let m): return "node '\(n)' (kind '\(k)' from plugin \(l)): \(m)"
        case .noAnatomy(let m):
            return "model '\(m)' has no anatomy (which node is each block's MLP): re-import it with `polytope import`"
        case .badAnatomy(let r): return "the model's anatomy is inconsistent with its graph: \(r)"
        case .noSuchLayer(let l, let n):
            return "layer \(l) does not exist: the model has \(n) block\(n == 1 ? "" : "s") (layers 0...\(max(n - 1, 0)))"
        }
    }

    public var errorDescription: String? { description }
}
