import CPolytopePlugin

/// The C function pointers of one ABI version 1 plugin kind, checked non-null.
struct PluginKindFunctions: @unchecked Sendable {
    typealias Create = @convention(c) (UnsafePointer<PolytopeNodeDescV1>?, UnsafeMutablePointer<UnsafeMutableRawPointer?>?,
                                       UnsafeMutablePointer<Int64>?, UnsafeMutablePointer<CChar>?, Int) -> Int32
    typealias Forward = @convention(c) (UnsafeMutableRawPointer?, UnsafePointer<Float>?, Int64,
                                        UnsafeMutablePointer<Float>?, UnsafeMutablePointer<CChar>?, Int) -> Int32
    typealias Destroy = @convention(c) (UnsafeMutableRawPointer?) -> Void

    let create: Create
    let forward: Forward
    let destroy: Destroy
}

/// One kind of a plugin table, read into Swift values after every check passed.
struct CheckedPluginKind: Sendable {
    let name: String
    let version: UInt32
    /// Ascending finite knots for activation kinds, nil for the others.
    let knots: [Float]?
    let functions: PluginKindFunctions

    var isActivation: Bool { knots != nil }
}

/// Validation of a version 1 `PolytopePluginTableV1` (the ABI version already matched): every problem is a
/// `ModelError.plugin` naming the kind by index (and name once it is known).
enum PluginTableCheck {
    static let knownFlags = UInt32(POLYTOPE_KIND_ACTIVATION)

    static func kinds(of table: PolytopePluginTableV1, path: String) throws -> [CheckedPluginKind] {
        func refuse(_ reason: String) -> ModelError { .plugin(path: path, reason: reason) }
        let count = Int(table.kind_count)
        guard count <= PluginLoader.maxKinds else {
            throw refuse("declares \(count) kinds, more than the limit of \(PluginLoader.maxKinds) (corrupt table?)")
        }
        guard count == 0 || table.kinds != nil else { throw refuse("declares \(count) kinds but its kind table is NULL") }
        var result: [CheckedPluginKind] = []
        var seen: Set<String> = []
        // A kind_count larger than the array reads whatever follows it: every pointer is checked
        // before it is followed, so such a table is refused rather than crashing the host.
        let miscounted = "(is kind_count \(count) larger than the kinds array?)"
        for i in 0..<count {
            do {
                result.append(try kind(table.kinds!, i, miscounted: miscounted, refuse: refuse, seen: &seen))
            } catch ModelError.plugin(let p, let reason) where i > 0 && !reason.contains(miscounted) {
                throw ModelError.plugin(path: p, reason: reason + " \(miscounted)")
            }
        }
        return result
    }

    private static func kind(_ kinds: UnsafePointer<PolytopeKindV1>, _ i: Int, miscounted: String,
                             refuse: (String) -> ModelError, seen: inout Set<String>) throws -> CheckedPluginKind {
            guard PluginMemory.readable(kinds + i, MemoryLayout<PolytopeKindV1>.size) else {
                throw refuse("kind #\(i) lies in unreadable memory \(miscounted)")
            }
            let k = kinds[i]
            guard let namePointer = k.name else { throw refuse("kind #\(i) has a NULL name") }
            guard let name = PluginMemory.string(namePointer, limit: 256) else {
                throw refuse("kind #\(i) has a name that is not a readable UTF-8 string \(miscounted)")
            }
            guard !name.isEmpty else { throw refuse("kind #\(i) has an empty name") }
            guard PluginMemory.isKindName(name) else {
                throw refuse("kind #\(i) has a name that is not a kind name (letters, digits, _ . -) \(miscounted)")
            }
            let label = "kind #\(i) ('\(name)')"
            guard let create = k.create else { throw refuse("\(label) has a NULL create function") }
            guard let forward = k.forward else { throw refuse("\(label) has a NULL forward function") }
            guard let destroy = k.destroy else { throw refuse("\(label) has a NULL destroy function") }
            for (fn, what) in [(unsafeBitCast(create, to: UnsafeRawPointer.self), "create"), (unsafeBitCast(forward, to: UnsafeRawPointer.self), "forward"),
                               (unsafeBitCast(destroy, to: UnsafeRawPointer.self), "destroy")] where !PluginMemory.executable(fn) {
                throw refuse("\(label): its \(what) function does not point to executable code \(miscounted)")
            }
            let unknown = k.flags & ~knownFlags
            guard unknown == 0 else {
                throw refuse("\(label) sets unknown flag bits 0x\(String(unknown, radix: 16)) (not defined in ABI version \(PluginLoader.abiVersion))")
            }
            guard seen.insert("\(name)@\(k.version)").inserted else {
                throw refuse("\(label) appears twice in the table (version \(k.version))")
            }
            var knots: [Float]?
            if k.flags & UInt32(POLYTOPE_KIND_ACTIVATION) != 0 {
                knots = try checkedKnots(k, label: label, refuse: refuse)
            }
            return CheckedPluginKind(name: name, version: k.version, knots: knots,
                                     functions: PluginKindFunctions(create: create, forward: forward, destroy: destroy))
    }

    static func checkedKnots(_ k: PolytopeKindV1, label: String, refuse: (String) -> ModelError) throws -> [Float] {
        let n = Int(k.knot_count)
        guard n >= 1 else { throw refuse("\(label) is an activation but has knot_count \(n) (needs at least one knot)") }
        guard n <= PluginLoader.maxKnots else { throw refuse("\(label) has knot_count \(n), more than the limit of \(PluginLoader.maxKnots)") }
        guard let p = k.knots else { throw refuse("\(label) is an activation with knot_count \(n) but knots is NULL") }
        guard PluginMemory.readable(p, n * 4) else { throw refuse("\(label): its \(n) knots lie in unreadable memory") }
        let knots = Array(UnsafeBufferPointer(start: p, count: n))
        if let bad = knots.firstIndex(where: { !$0.isFinite }) {
            throw refuse("\(label): knot \(bad) is \(knots[bad]), knots must be finite")
        }
        for j in 1..<max(n, 1) where !(knots[j - 1] < knots[j]) {
            throw refuse("\(label): knots must be strictly ascending, but knot \(j - 1) is \(knots[j - 1]) and knot \(j) is \(knots[j])")
        }
        return knots
    }
}
