import Foundation
import PolytopeModel
import PolytopeTokenizers

/// A token position to take an activation at: the window of token ids the model runs, and
/// the index of the token in it.
public struct TokenPoint: Sendable {
    /// The specification it came from (for reports).
    public var spec: String
    public var tokens: [Int32]
    public var position: Int
    /// The token at `position` as text, quoted ("“ sister”"), for reports.
    public var tokenText: String

    public init(spec: String, tokens: [Int32], position: Int, tokenText: String) {
        self.spec = spec
        self.tokens = tokens
        self.position = position
        self.tokenText = tokenText
    }

    /// Whether the model's attention is causal (any attention node with attr `causal` = true):
    /// then a position only sees the tokens before it, and windows end at the chosen token.
    public static func isCausal(_ model: Model) -> Bool {
        model.spec.nodes.contains { $0.kind == "attention" && $0.attrs["causal"] == .bool(true) }
    }

    /// Parses "TEXT@INDEX": INDEX is a token index into the model tokenizer's encoding of TEXT
    /// (special tokens such as [CLS] included where the tokenizer adds them); negative counts
    /// from the end (-1 = last token). The text is split at the last '@'.
    ///
    /// The window is cut to the model's context length: for a causal model it ends at the
    /// token (later tokens cannot affect it); otherwise it is the context-sized slice around it.
    public static func parse(_ s: String, model: Model, tokenizer: any Tokenizer) throws -> TokenPoint {
        guard let at = s.lastIndex(of: "@") else {
            throw GeometryError.badPosition(s, reason: "expected TEXT@INDEX, e.g. \"The cat sat@2\"")
        }
        let text = String(s[..<at]), indexString = String(s[s.index(after: at)...])
        guard let raw = Int(indexString) else {
            throw GeometryError.badPosition(s, reason: "'\(indexString)' after '@' is not an integer token index")
        }
        let ids = try tokenizer.encode(text).map { Int32($0.id) }
        guard !ids.isEmpty else { throw GeometryError.badPosition(s, reason: "the text has no tokens") }
        let index = raw < 0 ? ids.count + raw : raw
        guard index >= 0, index < ids.count else {
            throw GeometryError.badPosition(s, reason: "token index \(raw) is outside the text's \(ids.count) tokens (0..<\(ids.count), or -\(ids.count)...-1)")
        }
        let (window, pos) = Self.window(ids: ids, index: index, context: model.spec.contextLength, causal: isCausal(model))
        return TokenPoint(spec: s, tokens: window, position: pos, tokenText: display(Int(ids[index]), tokenizer))
    }

    /// A token for reports: its decoded text in quotes, or its vocabulary entry when it
    /// decodes to nothing (markers such as [CLS]).
    static func display(_ id: Int, _ tokenizer: any Tokenizer) -> String {
        let text = tokenizer.decodeString([id])
        if text.isEmpty { return tokenizer.tokenText(id) ?? "#\(id)" }
        return "“" + text + "”"
    }

    /// The slice of `ids` the model runs for the token at `index`, and the token's index in it.
    static func window(ids: [Int32], index: Int, context: Int, causal: Bool) -> ([Int32], Int) {
        let ctx = context > 0 ? context : Int.max
        if causal {
            let lo = max(0, index - ctx + 1)
            return (Array(ids[lo...index]), index - lo)
        }
        if ids.count <= ctx { return (ids, index) }
        let lo = max(0, min(index - ctx / 2, ids.count - ctx))
        return (Array(ids[lo..<(lo + ctx)]), index - lo)
    }
}
