import PolytopeModel

/// Row lookup shared by the three embedding kinds.
class LookupLayer: Layer, @unchecked Sendable {
    enum Index { case token, position(offset: Int), tokenType }

    let table: Weight
    let index: Index
    let node: String
    var outputWidth: Int { table.shape[1] }

    init(table: Weight, index: Index, node: String) {
        self.table = table
        self.index = index
        self.node = node
    }

    func forward(_ inputs: [Matrix], context: ForwardContext) throws -> Matrix {
        let d = outputWidth, n = table.shape[0]
        var out = Matrix(zeros: context.rows, d)
        for r in 0..<context.rows {
            let i: Int
            switch index {
            case .token: i = Int(context.tokenIDs[r])
            case .position(let offset): i = r % max(context.seqLen, 1) + offset
            case .tokenType: i = Int(context.tokenTypeIDs[r])
            }
            guard i >= 0, i < n else {
                throw ModelError.badInput("node '\(node)': index \(i) is outside its table of \(n) rows")
            }
            out.data.withUnsafeMutableBufferPointer { o in
                table.values.withUnsafeBufferPointer { t in
                    (o.baseAddress! + r * d).update(from: t.baseAddress! + i * d, count: d)
                }
            }
        }
        return out
    }
}

/// The token lookup, which knows the vocabulary size.
final class TokenLookupLayer: LookupLayer, TokenEmbeddingLayer, @unchecked Sendable {
    var vocabularySize: Int { table.shape[0] }
}

public enum EmbeddingKinds {
    /// `token_embedding`: params `weight` [vocab, d]; no inputs (reads the token ids).
    public static let token = LayerKind(name: "token_embedding", summary: "token embedding lookup: weight [vocab, d]") { ctx in
        try ctx.allowParams(["weight"])
        try ctx.requireInputs(0)
        return TokenLookupLayer(table: try ctx.param("weight", shape: [.any("vocab"), .any("d")]), index: .token, node: ctx.node.name)
    }

    /// `pos_embedding`: learned absolute positions, params `weight` [positions, d]; attr `offset` (int, default 0).
    public static let position = LayerKind(name: "pos_embedding", summary: "learned positional embedding: weight [positions, d]") { ctx in
        try ctx.allowParams(["weight"])
        try ctx.requireInputs(0)
        let offset = try ctx.int("offset", default: 0)
        return LookupLayer(table: try ctx.param("weight", shape: [.any("positions"), .any("d")]),
                           index: .position(offset: offset), node: ctx.node.name)
    }

    /// `token_type_embedding`: BERT segment embedding, params `weight` [types, d].
    public static let tokenType = LayerKind(name: "token_type_embedding", summary: "token type (segment) embedding: weight [types, d]") { ctx in
        try ctx.allowParams(["weight"])
        try ctx.requireInputs(0)
        return LookupLayer(table: try ctx.param("weight", shape: [.any("types"), .any("d")]), index: .tokenType, node: ctx.node.name)
    }

    public static let all = [token, position, tokenType]
}
