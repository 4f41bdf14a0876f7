import Dispatch
import Foundation

extension Model {
    /// Runs the batch forward and returns the outputs of the requested hooks.
    ///
    /// Only what the requested hooks depend on is computed: the pass stops after the last node
    /// needed, skips nodes nothing requested depends on, and frees each intermediate output
    /// after its last use. `overrides` replaces a node's output by a given matrix (activation
    /// patching): nodes feeding only that node are then not run at all.
    ///
    /// - Complexity: the cost of the needed nodes only.
    public func forward(_ context: ForwardContext, capture: [String], overrides: [String: Matrix] = [:],
                        profile: ForwardProfile? = nil) throws -> [String: Matrix] {
        try validate(context)
        let targets = try capture.map { try nodeIndex(hook: $0) }
        var overrideAt: [Int: Matrix] = [:]
        for (hook, m) in overrides {
            let i = try nodeIndex(hook: hook)
            guard m.rows == context.rows, m.cols == widths[i] else {
                throw ModelError.badInput("override for '\(hook)' is \(m.rows) x \(m.cols), expected \(context.rows) x \(widths[i])")
            }
            overrideAt[i] = m
        }
        let inputIndices = spec.nodes.map { n in n.inputs.map { hookIndex[$0]! } }
        // Which nodes are needed, walking back from the targets; overridden nodes need nothing.
        var needed = [Bool](repeating: false, count: layers.count)
        var stack = targets
        while let i = stack.popLast() {
            if needed[i] { continue }
            needed[i] = true
            if overrideAt[i] == nil { stack += inputIndices[i] }
        }
        guard let last = targets.max() else { return [:] }
        var lastUse = [Int](repeating: -1, count: layers.count)
        for i in 0...last where needed[i] && overrideAt[i] == nil {
            for j in inputIndices[i] { lastUse[j] = max(lastUse[j], i) }
        }
        let keep = Set(targets)
        // bf16-mixed: the MLPs' input projections (the codes' pre-activations) run in fp32.
        var fp32Nodes = Set<Int>()
        if context.precision == .bf16Mixed, let a = spec.anatomy {
            for b in a.blocks { for h in [b.mlp.pre] + (b.mlp.up.map { [$0] } ?? []) { fp32Nodes.insert(try nodeIndex(hook: h)) } }
        }
        let fp32Context = fp32Nodes.isEmpty ? context : context.with(precision: .fp32)
        var outputs = [Matrix?](repeating: nil, count: layers.count)
        for i in 0...last where needed[i] {
            if let m = overrideAt[i] {
                outputs[i] = m
            } else {
                let inputs = inputIndices[i].map { outputs[$0]! }
                let t0 = profile == nil ? 0 : DispatchTime.now().uptimeNanoseconds
                outputs[i] = try layers[i].forward(inputs, context: fp32Nodes.contains(i) ? fp32Context : context)
                profile?.add(kind: spec.nodes[i].kind, nanoseconds: DispatchTime.now().uptimeNanoseconds - t0)
            }
            for j in inputIndices[i] where lastUse[j] == i && !keep.contains(j) { outputs[j] = nil }
        }
        var result: [String: Matrix] = [:]
        for (hook, i) in zip(capture, targets) { result[hook] = outputs[i]! }
        return result
    }

    private func validate(_ context: ForwardContext) throws {
        if let why = context.precision.unsupportedReason { throw ModelError.badInput(why) }
        if spec.contextLength > 0, context.seqLen > spec.contextLength {
            throw ModelError.badInput("sequence length \(context.seqLen) exceeds the model's context length \(spec.contextLength)")
        }
        if let vocab = vocabularySize, let bad = context.tokenIDs.first(where: { $0 < 0 || Int($0) >= vocab }) {
            throw ModelError.badInput("token id \(bad) is outside the vocabulary (0..<\(vocab))")
        }
        for l in context.lengths where l < 0 || l > context.seqLen {
            throw ModelError.badInput("sequence length \(l) is outside 0...\(context.seqLen)")
        }
    }
}

/// Time spent per layer kind over forward passes (`polytope bench forward --profile`).
public final class ForwardProfile: @unchecked Sendable {
    private let lock = NSLock()
    public private(set) var seconds: [String: Double] = [:]
    public init() {}

    func add(kind: String, nanoseconds: UInt64) {
        lock.lock()
        seconds[kind, default: 0] += Double(nanoseconds) / 1e9
        lock.unlock()
    }
}
