import CPolytopePlugin

/// The C function pointers of one ABI version 2 kind, checked non-null.
struct PluginKindFunctionsV2: @unchecked Sendable {
    typealias Create = @convention(c) (UnsafePointer<PolytopeNodeDesc>?, UnsafeMutablePointer<PolytopeNodeOut>?, OpaquePointer?) -> Int32
    typealias Forward = @convention(c) (UnsafeRawPointer?, UnsafePointer<PolytopeForwardArgs>?, OpaquePointer?) -> Int32
    typealias Destroy = @convention(c) (UnsafeMutableRawPointer?) -> Void

    let create: Create
    let forward: Forward
    let destroy: Destroy
}

/// One ABI version 2 kind, read into Swift values after every check passed.
struct CheckedPluginKindV2: Sendable {
    let name: String
    let version: UInt32
    let isActivation: Bool
    let isPositional: Bool
    /// Default knots of an activation (may be empty when `create` sets them per node).
    let knots: [Float]
    let schema: KindSchema
    let functions: PluginKindFunctionsV2
}

/// Validation of a version 2 `PolytopePluginTable`: struct sizes, the kind magic, every
/// string and array checked readable before it is read, the schema parsed (shapes, default
/// values against their types), knots finite and ascending. Every refusal is one
/// `ModelError.plugin` line naming the kind by index (and name once known).
enum PluginTableCheckV2 {
    static let knownFlags = UInt32(POLYTOPE_KIND_ACTIVATION) | UInt32(POLYTOPE_KIND_POSITIONAL)
    /// Larger schema arrays are taken as a corrupt table.
    static let maxSchemaEntries = 1024

    static func table(_ pointer: UnsafeRawPointer, path: String) throws -> (name: String?, kinds: [CheckedPluginKindV2]) {
        func refuse(_ reason: String) -> ModelError { .plugin(path: path, reason: reason) }
        let tableSize = MemoryLayout<PolytopePluginTable>.size
        guard PluginMemory.readable(pointer, 8) else { throw refuse("its plugin table lies in unreadable memory") }
        let declared = Int(pointer.load(fromByteOffset: 4, as: UInt32.self))
        guard declared == tableSize else {
            throw refuse("its plugin table has struct_size \(declared), expected \(tableSize) for ABI version 2 (built against another polytope_plugin.h, or struct_size not set to sizeof(PolytopePluginTable))")
        }
        guard PluginMemory.readable(pointer, tableSize) else { throw refuse("its plugin table lies in unreadable memory") }
        let table = pointer.assumingMemoryBound(to: PolytopePluginTable.self).pointee
        var name: String?
        if let p = table.plugin_name {
            guard let s = PluginMemory.string(p, limit: 1024) else { throw refuse("its plugin_name is not a readable UTF-8 string") }
            name = s.isEmpty ? nil : s
        }
        let count = Int(table.kind_count)
        guard count <= PluginLoader.maxKinds else {
            throw refuse("declares \(count) kinds, more than the limit of \(PluginLoader.maxKinds) (corrupt table?)")
        }
        guard count == 0 || table.kinds != nil else { throw refuse("declares \(count) kinds but its kind table is NULL") }
        var result: [CheckedPluginKindV2] = []
        var seen: Set<String> = []
        let kindSize = MemoryLayout<PolytopeKind>.size
        for i in 0..<count {
            let entry = UnsafeRawPointer(table.kinds! + i)
            guard PluginMemory.readable(entry, 8) else {
                throw refuse("kind #\(i) lies in unreadable memory (is kind_count \(count) larger than the kinds array?)")
            }
            let size = Int(entry.load(as: UInt32.self)), magic = entry.load(fromByteOffset: 4, as: UInt32.self)
            guard magic == POLYTOPE_KIND_MAGIC else {
                throw refuse("kind #\(i) does not start with POLYTOPE_KIND_MAGIC (is kind_count \(count) larger than the kinds array, or magic not set?)")
            }
            guard size == kindSize else {
                throw refuse("kind #\(i) has struct_size \(size), expected \(kindSize) (built against another polytope_plugin.h, or struct_size not set to sizeof(PolytopeKind))")
            }
            guard PluginMemory.readable(entry, kindSize) else { throw refuse("kind #\(i) lies in unreadable memory") }
            let k = table.kinds![i]
            let checked = try kind(k, index: i, refuse: refuse)
            guard seen.insert("\(checked.name)@\(checked.version)").inserted else {
                throw refuse("kind #\(i) ('\(checked.name)') appears twice in the table (version \(checked.version))")
            }
            result.append(checked)
        }
        return (name, result)
    }

    private static func kind(_ k: PolytopeKind, index i: Int, refuse: (String) -> ModelError) throws -> CheckedPluginKindV2 {
        guard let namePointer = k.name else { throw refuse("kind #\(i) has a NULL name") }
        guard let name = PluginMemory.string(namePointer, limit: 256) else { throw refuse("kind #\(i) has a name that is not a readable UTF-8 string") }
        guard !name.isEmpty else { throw refuse("kind #\(i) has an empty name") }
        guard PluginMemory.isKindName(name) else { throw refuse("kind #\(i) has the name \"\(name)\", which is not a kind name (letters, digits, _ . -)") }
        let label = "kind #\(i) ('\(name)')"
        guard let create = k.create else { throw refuse("\(label) has a NULL create function") }
        guard let forward = k.forward else { throw refuse("\(label) has a NULL forward function") }
        guard let destroy = k.destroy else { throw refuse("\(label) has a NULL destroy function") }
        for (fn, what) in [(unsafeBitCast(create, to: UnsafeRawPointer.self), "create"), (unsafeBitCast(forward, to: UnsafeRawPointer.self), "forward"),
                           (unsafeBitCast(destroy, to: UnsafeRawPointer.self), "destroy")] where !PluginMemory.executable(fn) {
            throw refuse("\(label): its \(what) function does not point to executable code")
        }
        let unknown = k.flags & ~knownFlags
        guard unknown == 0 else {
            throw refuse("\(label) sets unknown flag bits 0x\(String(unknown, radix: 16)) (not defined in ABI version 2)")
        }
        let isActivation = k.flags & UInt32(POLYTOPE_KIND_ACTIVATION) != 0
        func text(_ p: UnsafePointer<CChar>?, _ what: String, required: Bool = true) throws -> String {
            guard let p else {
                if required { throw refuse("\(label): \(what) is NULL") }
                return ""
            }
            guard let s = PluginMemory.string(p) else { throw refuse("\(label): \(what) is not a readable UTF-8 string") }
            return s
        }
        func array<T>(_ p: UnsafePointer<T>?, _ n: Int32, _ what: String) throws -> [T] {
            guard n >= 0, n <= maxSchemaEntries else { throw refuse("\(label): \(what) count \(n) is outside 0...\(maxSchemaEntries)") }
            if n == 0 { return [] }
            guard let p else { throw refuse("\(label): \(n) \(what) declared but the array is NULL") }
            guard PluginMemory.readable(p, Int(n) * MemoryLayout<T>.stride) else { throw refuse("\(label): its \(what) lie in unreadable memory") }
            return Array(UnsafeBufferPointer(start: p, count: Int(n)))
        }
        let doc = try text(k.doc, "doc", required: false)
        guard k.input_count >= 1 else { throw refuse("\(label) declares \(k.input_count) inputs (at least one)") }
        var inputs: [KindSchema.Input] = []
        for (j, spec) in try array(k.inputs, k.input_count, "inputs").enumerated() {
            let n = try text(spec.name, "input #\(j) name")
            let w = try text(spec.width, "input '\(n)' width")
            guard isDimension(w) else { throw refuse("\(label): input '\(n)' width \"\(w)\" is not a dimension name or a positive number") }
            inputs.append(.init(n, width: w, doc: try text(spec.doc, "input doc", required: false)))
        }
        guard !isActivation || inputs.count == 1 else { throw refuse("\(label) is an activation but declares \(inputs.count) inputs (activations take one)") }
        var params: [KindSchema.Param] = []
        for (j, spec) in try array(k.params, k.param_count, "params").enumerated() {
            let role = try text(spec.role, "param #\(j) role")
            let shapeText = try text(spec.shape, "param '\(role)' shape")
            let dims = shapeText.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            let shape = shapeText.trimmingCharacters(in: .whitespaces).isEmpty ? [] : dims
            guard shape.allSatisfy(isDimension) else {
                throw refuse("\(label): param '\(role)' shape \"\(shapeText)\" is not comma-separated dimension names or positive numbers")
            }
            guard !params.contains(where: { $0.role == role }) else { throw refuse("\(label): param '\(role)' is declared twice") }
            params.append(.init(role, shape: shape, optional: spec.optional != 0, doc: try text(spec.doc, "param doc", required: false)))
        }
        var attrs: [KindSchema.Attr] = []
        for (j, spec) in try array(k.attrs, k.attr_count, "attrs").enumerated() {
            let n = try text(spec.name, "attr #\(j) name")
            guard let type = KindSchema.AttrType(rawValue: spec.type) else { throw refuse("\(label): attr '\(n)' has unknown type \(spec.type)") }
            var def: AttrValue?
            if let p = spec.default_value {
                let t = try text(p, "attr '\(n)' default")
                do { def = try AttrValue.parse(t, as: type) } catch {
                    throw refuse("\(label): attr '\(n)' default \(t) is not a \(type)")
                }
            }
            guard !attrs.contains(where: { $0.name == n }) else { throw refuse("\(label): attr '\(n)' is declared twice") }
            attrs.append(.init(n, type, default: def, doc: try text(spec.doc, "attr doc", required: false)))
        }
        var knots: [Float] = []
        if isActivation, k.knot_count != 0 {
            let n = Int(k.knot_count)
            guard n > 0, n <= PluginLoader.maxKnots else { throw refuse("\(label) has knot_count \(n), outside 0...\(PluginLoader.maxKnots)") }
            guard let p = k.knots else { throw refuse("\(label) is an activation with knot_count \(n) but knots is NULL") }
            guard PluginMemory.readable(p, n * 4) else { throw refuse("\(label): its \(n) knots lie in unreadable memory") }
            knots = Array(UnsafeBufferPointer(start: p, count: n))
            if let why = knotProblem(knots) { throw refuse("\(label): \(why)") }
        }
        return CheckedPluginKindV2(
            name: name, version: k.version, isActivation: isActivation,
            isPositional: k.flags & UInt32(POLYTOPE_KIND_POSITIONAL) != 0, knots: knots,
            schema: KindSchema(inputs: inputs, params: params, attrs: attrs, doc: doc),
            functions: PluginKindFunctionsV2(create: create, forward: forward, destroy: destroy))
    }

    /// A dimension: an identifier or a positive number.
    static func isDimension(_ s: String) -> Bool {
        if let n = Int(s) { return n > 0 }
        guard let first = s.unicodeScalars.first, first.isASCII, first == "_" || first.properties.isAlphabetic else { return false }
        return s.unicodeScalars.allSatisfy { $0.isASCII && ($0 == "_" || $0.properties.isAlphabetic || ("0"..."9").contains($0)) }
    }

    /// Why these knots are unusable (not finite, not strictly ascending), or nil.
    static func knotProblem(_ knots: [Float]) -> String? {
        if let bad = knots.firstIndex(where: { !$0.isFinite }) { return "knot \(bad) is \(knots[bad]), knots must be finite" }
        for j in knots.indices.dropFirst() where !(knots[j - 1] < knots[j]) {
            return "knots must be strictly ascending, but knot \(j - 1) is \(knots[j - 1]) and knot \(j) is \(knots[j])"
        }
        return nil
    }
}
