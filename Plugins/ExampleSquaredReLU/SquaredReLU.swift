// Example plugin written in Swift against the C ABI only (ABI version 2): it imports nothing
// from PolytopeLens but the C header module `CPolytopePlugin`, exactly as a C plugin would.
//
// `squared_relu` (So et al. 2021, "Primer: Searching for Efficient Transformers for Language
// Modeling"): f(x) = max(x, 0)^2, an activation with one knot at 0 (its only slope change; it is
// not piecewise linear above 0, and the code bit is x > 0 as for ReLU).
import CPolytopePlugin

private let kindName = strdupStatic("squared_relu")
private let docText = strdupStatic("max(x, 0)^2; knot 0")
private let inputName = strdupStatic("x")
private let inputWidth = strdupStatic("d")
private let pluginName = strdupStatic("squared ReLU example plugin (Swift)")

/// A C string that lives as long as the process (the table must outlive every use).
private func strdupStatic(_ s: String) -> UnsafePointer<CChar> {
    let bytes = Array(s.utf8CString)
    let p = UnsafeMutablePointer<CChar>.allocate(capacity: bytes.count)
    p.initialize(from: bytes, count: bytes.count)
    return UnsafePointer(p)
}

private func permanent<T>(_ value: T) -> UnsafeMutablePointer<T> {
    let p = UnsafeMutablePointer<T>.allocate(capacity: 1)
    p.initialize(to: value)
    return p
}

private let zeroKnot = permanent(Float(0))
private let inputs = permanent(PolytopeInputSpec(name: inputName, width: inputWidth, doc: nil))

/// The kind: no per-node state (the widths come with every forward call).
private let squaredReLU: PolytopeKind = {
    var k = PolytopeKind()
    k.struct_size = UInt32(MemoryLayout<PolytopeKind>.size)
    k.magic = POLYTOPE_KIND_MAGIC
    k.name = kindName
    k.version = 1
    k.flags = UInt32(POLYTOPE_KIND_ACTIVATION)
    k.doc = docText
    k.input_count = 1
    k.inputs = UnsafePointer(inputs)
    k.knot_count = 1
    k.knots = UnsafePointer(zeroKnot)
    k.create = { node, out, _ in
        guard let node, let out else { return 1 }
        out.pointee.state = nil
        out.pointee.output_width = node.pointee.input_widths[0]
        return 0
    }
    k.forward = { _, args, _ in
        guard let a = args?.pointee, let x = a.inputs[0], let y = a.output else { return 1 }
        let n = Int(a.rows * a.output_width)
        for i in 0..<n {
            let v = x[i] > 0 ? x[i] : 0
            y[i] = v * v
        }
        return 0
    }
    k.destroy = { _ in }
    return k
}()

private let kinds = permanent(squaredReLU)
private let table = permanent(PolytopePluginTable(
    abi_version: UInt32(POLYTOPE_PLUGIN_ABI_VERSION), struct_size: UInt32(MemoryLayout<PolytopePluginTable>.size),
    plugin_name: pluginName, kind_count: 1, kinds: UnsafePointer(kinds)))

/// The entry point the host looks up (`POLYTOPE_PLUGIN_ENTRY_SYMBOL`), with C linkage.
@_cdecl("polytope_plugin_entry")
public func polytopePluginEntry(_ host: UnsafePointer<PolytopeHost>?) -> UnsafePointer<PolytopePluginTable>? {
    UnsafePointer(table)
}
