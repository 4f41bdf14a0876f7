import PolytopeModel

/// Elementwise sum of two or more inputs of the same width (the residual stream).
final class AddLayer: Layer, @unchecked Sendable {
    let outputWidth: Int
    init(width: Int) { outputWidth = width }

    func forward(_ inputs: [Matrix], context: ForwardContext) throws -> Matrix {
        var out = inputs[0]
        out.data.withUnsafeMutableBufferPointer { o in
            for m in inputs.dropFirst() {
                m.data.withUnsafeBufferPointer { x in
                    for i in 0..<o.count { o[i] += x[i] }
                }
            }
        }
        return out
    }
}

public enum ResidualAddKinds {
    /// `add`: two or more inputs of equal width; no params.
    public static let add = LayerKind(name: "add", summary: "elementwise sum of 2+ inputs of equal width") { ctx in
        try ctx.allowParams([])
        guard ctx.inputWidths.count >= 2 else {
            throw ModelError.wrongInputCount(node: ctx.node.name, kind: "add", expected: "2 or more", found: ctx.inputWidths.count)
        }
        let d = ctx.inputWidths[0]
        for w in ctx.inputWidths where w != d {
            throw ModelError.inputWidthMismatch(node: ctx.node.name, expected: "\(d) (all inputs equal)", found: w)
        }
        return AddLayer(width: d)
    }

    public static let all = [add]
}
