import PolytopeModel

/// Elementwise product of two inputs of equal width: the gate of a gated MLP
/// (SwiGLU / GeGLU, Shazeer 2020, "GLU Variants Improve Transformer"): act(x·W_gate) ⊙ (x·W_up).
/// Keeping the product its own node keeps the gate pre-activation (`x·W_gate`, the node the
/// polytope code is read from) and the up projection separate hooks. - Complexity: O(rows·d).
final class MultiplyLayer: Layer, @unchecked Sendable {
    let outputWidth: Int
    init(width: Int) { outputWidth = width }

    func forward(_ inputs: [Matrix], context: ForwardContext) throws -> Matrix {
        var out = inputs[0]
        out.data.withUnsafeMutableBufferPointer { o in
            inputs[1].data.withUnsafeBufferPointer { y in
                for i in 0..<o.count { o[i] *= y[i] }
            }
        }
        return out
    }
}

public enum MultiplyKinds {
    /// `mul`: exactly two inputs of equal width; no params.
    public static let mul = LayerKind(name: "mul", summary: "elementwise product of 2 inputs of equal width (gated MLP)") { ctx in
        try ctx.allowParams([])
        try ctx.requireInputs(2)
        let d = ctx.inputWidths[0]
        guard ctx.inputWidths[1] == d else {
            throw ModelError.inputWidthMismatch(node: ctx.node.name, expected: "\(d) (both inputs equal)", found: ctx.inputWidths[1])
        }
        return MultiplyLayer(width: d)
    }

    public static let all = [mul]
}
