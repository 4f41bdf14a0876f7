import Dispatch
import Foundation

/// `polytope plugin check LIB.so`: exercises every kind of a plugin library the way a model
/// run would, in the spirit of PyTorch's `torch.library.opcheck`. Per kind: nodes built from
/// its schema at several widths and row counts with seeded random inputs and parameters;
/// outputs finite; two runs bit-identical; forwards from several threads at once equal to
/// the serial ones; for activations, the declared knots equal the places where the slope
/// changes; and the host's schema refusals (an undeclared attribute, a wrong input count, a
/// parameter of the wrong shape) hold.
public enum PluginCheck {
    public struct KindReport: Sendable, CustomStringConvertible {
        public let kind: String
        /// Empty when every check passed.
        public let failures: [String]
        /// What passed, for the one-line summary.
        public let passed: [String]

        public var ok: Bool { failures.isEmpty }
        public var description: String {
            ok ? "ok    \(kind): \(passed.joined(separator: ", "))"
               : "FAIL  \(kind): \(failures.joined(separator: "; "))"
        }
    }

    public struct Options: Sendable {
        /// Input widths tried (each kind's input dimensions take these values).
        public var widths = [2, 8, 34]
        /// Row counts tried.
        public var rows = [1, 3, 17]
        public var threads = 4
        public var seed: UInt64 = 1
        /// A slope jump at least this large between neighbouring grid steps is a kink.
        public var kinkThreshold: Float = 0.05
        public init() {}
    }

    /// Loads `path` into a fresh registry (built-in kinds plus this library) and checks each
    /// of its kinds. Throws the loader's refusal (a miscounted or malformed table).
    ///
    /// - Complexity: per kind, O(widths × rows × width) forward work plus one 16k-row grid pass
    ///   for activations.
    public static func run(path: String, registry: LayerRegistry, options: Options = Options()) throws -> [KindReport] {
        let info = try PluginLoader.load(path: path, into: registry)
        return info.kinds.map { id in
            let parts = id.split(separator: "@")
            guard let kind = registry.kind(String(parts[0]), version: UInt32(parts[1]) ?? 1) else {
                return KindReport(kind: id, failures: ["not registered after loading"], passed: [])
            }
            return check(kind, options: options)
        }
    }

    static func check(_ kind: LayerKind, options: Options) -> KindReport {
        var failures: [String] = [], passed: [String] = []
        var rng = SplitMix(seed: options.seed)
        var shapes = 0
        var lastLayer: (Layer, [Int])?
        for width in options.widths {
            let built: (Layer, [Int])
            do { built = try build(kind, width: width, rng: &rng) } catch {
                failures.append("create failed at width \(width): \(error)")
                continue
            }
            let (layer, inputWidths) = built
            lastLayer = built
            for rows in options.rows {
                let inputs = inputWidths.map { Matrix(rows: rows, cols: $0, data: (0..<rows * $0).map { _ in rng.normal() * 3 }) }
                do {
                    let a = try forward(layer, inputs)
                    if let bad = a.data.firstIndex(where: { !$0.isFinite }) {
                        failures.append("output not finite at width \(width), \(rows) rows: row \(bad / a.cols) unit \(bad % a.cols) is \(a.data[bad])")
                        continue
                    }
                    let b = try forward(layer, inputs)
                    guard a.data.map(\.bitPattern) == b.data.map(\.bitPattern) else {
                        failures.append("not deterministic at width \(width), \(rows) rows: two runs on the same input differ")
                        continue
                    }
                    shapes += 1
                } catch {
                    failures.append("forward failed at width \(width), \(rows) rows: \(error)")
                }
            }
        }
        let total = options.widths.count * options.rows.count
        if shapes == total { passed.append("\(shapes) shapes finite and deterministic") }
        guard let (layer, inputWidths) = lastLayer else { return KindReport(kind: kind.id, failures: failures, passed: passed) }
        if let why = concurrency(layer, inputWidths, options: options, rng: &rng) { failures.append(why) } else {
            passed.append("\(options.threads) threads agree")
        }
        if let act = layer as? ActivationLayer {
            let why = knots(act, width: inputWidths[0], threshold: options.kinkThreshold)
            if why.isEmpty {
                passed.append(act.unitKnots == nil ? "knots \(act.knots) match the slope changes" : "per-unit knots match the slope changes")
            } else {
                failures += why
            }
        }
        let (refusals, refusalFailures) = schemaRefusals(kind, rng: &rng)
        failures += refusalFailures
        if kind.schema == nil { passed.append("no schema (ABI v1): refusals not checked") } else if refusalFailures.isEmpty {
            passed.append("\(refusals) schema refusals hold")
        }
        return KindReport(kind: kind.id, failures: failures, passed: passed)
    }

    /// A node of `kind` whose input dimensions are all `width`: parameters random (other
    /// dimensions 5), attributes at their defaults (required ones: 1, 1.0, "", false, [1]).
    static func build(_ kind: LayerKind, width: Int, rng: inout SplitMix, edit: ((inout NodeSpec) -> Void)? = nil,
                      inputCount: Int? = nil, wrongShape: Bool = false) throws -> (Layer, [Int]) {
        let schema = kind.schema ?? KindSchema()
        var dims: [String: Int] = [:]
        var inputWidths: [Int] = []
        for input in schema.inputs {
            let w = Int(input.width) ?? dims[input.width] ?? width
            dims[input.width] = w
            inputWidths.append(w)
        }
        var tensors: [TensorSpec] = []
        var params: [String: String] = [:]
        for p in schema.params where !p.optional {
            var shape = p.shape.map { Int($0) ?? dims[$0] ?? 5 }
            if wrongShape && params.isEmpty { shape = shape.map { $0 + 1 } + (shape.isEmpty ? [2] : []) }
            let n = shape.reduce(1, *)
            var data = Data(capacity: n * 4)
            for _ in 0..<n { withUnsafeBytes(of: rng.uniform().bitPattern.littleEndian) { data.append(contentsOf: $0) } }
            tensors.append(TensorSpec(name: p.role, dtype: .f32, shape: shape, storage: .inline(data)))
            params[p.role] = p.role
        }
        var attrs: [String: AttrValue] = [:]
        for a in schema.attrs where a.defaultValue == nil {
            switch a.type {
            case .int: attrs[a.name] = .int(1)
            case .float: attrs[a.name] = .float(1)
            case .string: attrs[a.name] = .string("")
            case .bool: attrs[a.name] = .bool(false)
            case .ints: attrs[a.name] = .ints([1])
            case .floats: attrs[a.name] = .floats([1])
            case .strings: attrs[a.name] = .strings([""])
            }
        }
        if let n = inputCount { inputWidths = Array(repeating: width, count: n) }
        var node = NodeSpec(name: "check", kind: kind.name, kindVersion: kind.version,
                            inputs: inputWidths.indices.map { "in\($0)" }, params: params, attrs: attrs)
        edit?(&node)
        let ctx = LayerBuildContext(node: node, inputWidths: inputWidths,
                                    weights: try WeightStore(tensors: tensors, baseDirectory: "/"), model: ModelSpec())
        return (try kind.build(ctx), inputWidths)
    }

    static func forward(_ layer: Layer, _ inputs: [Matrix]) throws -> Matrix {
        let rows = inputs[0].rows
        return try layer.forward(inputs, context: ForwardContext(batch: 1, seqLen: rows, tokenIDs: [Int32](repeating: 0, count: rows)))
    }

    /// Several threads run forward at once on different inputs; each result must equal the
    /// serial one bit for bit.
    static func concurrency(_ layer: Layer, _ widths: [Int], options: Options, rng: inout SplitMix) -> String? {
        let jobs = options.threads * 4
        let inputs = (0..<jobs).map { _ in widths.map { Matrix(rows: 9, cols: $0, data: (0..<9 * $0).map { _ in rng.normal() * 3 }) } }
        let serial: [[UInt32]]
        do { serial = try inputs.map { try forward(layer, $0).data.map(\.bitPattern) } } catch { return "forward failed: \(error)" }
        final class Box: @unchecked Sendable { var out: [[UInt32]?]; init(_ n: Int) { out = .init(repeating: nil, count: n) } }
        let box = Box(jobs)
        let lock = NSLock()
        DispatchQueue.concurrentPerform(iterations: jobs) { i in
            let r = try? forward(layer, inputs[i]).data.map(\.bitPattern)
            lock.lock(); box.out[i] = r; lock.unlock()
        }
        for i in 0..<jobs where box.out[i] != serial[i] {
            return "concurrent forwards from \(options.threads) threads differ from serial ones (job \(i)): is the state written in forward()?"
        }
        return nil
    }

    /// Evaluates each unit on a fine grid (the same value in every unit of a row) and compares
    /// where the slope jumps by more than `threshold` with the declared knots: every kink must be
    /// within two grid steps of a knot, and at every knot the slope must jump on the grid or (for
    /// smooth kinds linearised there, like GELU) the mean slope over half a unit on either side
    /// must differ (a knot where nothing changes is misplaced).
    static func knots(_ act: ActivationLayer, width: Int, threshold: Float) -> [String] {
        let k = act.knots.count
        let unitKnots = (0..<width).map { u in act.unitKnots.map { Array($0[u * k..<(u + 1) * k]) } ?? act.knots }
        let all = unitKnots.flatMap { $0 }
        let lo = min(-4, (all.min() ?? 0) - 1), hi = max(4, (all.max() ?? 0) + 1)
        let n = 16_001
        let step = (hi - lo) / Float(n - 1)
        let xs = (0..<n).map { lo + Float($0) * step }
        var data = [Float](repeating: 0, count: n * width)
        for r in 0..<n { for u in 0..<width { data[r * width + u] = xs[r] } }
        let out: Matrix
        do { out = try forward(act, [Matrix(rows: n, cols: width, data: data)]) } catch { return ["forward on the knot grid failed: \(error)"] }
        func f(_ r: Int, _ u: Int) -> Float { out.data[r * width + u] }
        var problems: [String] = []
        for u in 0..<width {
            let knots = unitKnots[u]
            let near = { (x: Float) in knots.contains { abs($0 - x) <= 2.5 * step } }
            for r in 1..<(n - 1) {
                let s0 = (f(r, u) - f(r - 1, u)) / step, s1 = (f(r + 1, u) - f(r, u)) / step
                if abs(s1 - s0) > threshold, !near(xs[r]) {
                    problems.append("unit \(u): the slope changes at x = \(xs[r]) (from \(s0) to \(s1)), which is not a declared knot (knots \(knots))")
                    break
                }
            }
            for knot in knots {
                // A kink or jump on the fine grid right at the knot...
                let at = Int(((knot - lo) / step).rounded())
                let kinked = (max(1, at - 2)...min(n - 2, at + 2)).contains { r in
                    abs((f(r + 1, u) - f(r, u)) / step - (f(r, u) - f(r - 1, u)) / step) > threshold
                }
                if kinked { continue }
                // ...or, for a smooth activation linearised at the knot (GELU), a different mean slope on either side.
                let a = max(0, Int(((knot - 0.5 - lo) / step).rounded())), b = min(n - 1, Int(((knot - lo) / step).rounded()))
                let c = min(n - 1, Int(((knot + 0.5 - lo) / step).rounded()))
                guard a < b, b < c else { continue }
                let left = (f(b, u) - f(a, u)) / (xs[b] - xs[a]), right = (f(c, u) - f(b, u)) / (xs[c] - xs[b])
                if abs(right - left) <= threshold {
                    problems.append("unit \(u): declared knot \(knot) is not where the slope changes (slope \(left) before, \(right) after)")
                    break
                }
            }
            if problems.count >= 1 { break }
        }
        return problems
    }

    /// Nodes that break the schema must be refused before the plugin sees them.
    static func schemaRefusals(_ kind: LayerKind, rng: inout SplitMix) -> (Int, [String]) {
        guard let schema = kind.schema else { return (0, []) }
        var cases: [(String, (inout SplitMix) throws -> Void)] = [
            ("an undeclared attribute", { rng in _ = try build(kind, width: 4, rng: &rng, edit: { $0.attrs["no_such_attribute_"] = .int(1) }) }),
            ("\(schema.inputs.count + 1) inputs", { rng in _ = try build(kind, width: 4, rng: &rng, inputCount: schema.inputs.count + 1) }),
        ]
        if schema.params.contains(where: { !$0.optional }) {
            cases.append(("a parameter of the wrong shape", { rng in _ = try build(kind, width: 4, rng: &rng, wrongShape: true) }))
        }
        var failures: [String] = []
        for (what, make) in cases {
            do {
                try make(&rng)
                failures.append("a node with \(what) was accepted")
            } catch {}
        }
        return (cases.count, failures)
    }
}

/// SplitMix64 (Steele, Lea & Flood 2014): seeded, reproducible inputs for the checks.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E3779B97F4A7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58476D1CE4E5B9
        z = (z ^ (z >> 27)) &* 0x94D049BB133111EB
        return z ^ (z >> 31)
    }
    /// Uniform in [-1, 1).
    mutating func uniform() -> Float { Float(next() >> 40) / Float(1 << 23) - 1 }
    /// Approximately standard normal (sum of four uniforms, rescaled).
    mutating func normal() -> Float { (uniform() + uniform() + uniform() + uniform()) * 0.866 }
}
