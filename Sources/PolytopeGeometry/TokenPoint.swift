import Foundation
import PolytopeModel
import PolytopeProbe
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

    /// Parses "TEXT@INDEX": INDEX is a token index into the model tokenizer's encoding of TEXT
    /// (the model's sequence markers such as [CLS] included); negative counts from the end
    /// (-1 = last token). The text is split at the last '@'.
    ///
    /// The window is cut by the model's `WindowPlanner`: for a causal model it ends at the
    /// token (later tokens cannot affect it); otherwise it is the context-sized slice around it.
    public static func parse(_ s: String, model: Model, tokenizer: any Tokenizer) throws -> TokenPoint {
        guard let at = s.lastIndex(of: "@") else {
            throw GeometryError.badPosition(s, reason: "expected TEXT@INDEX, e.g. \"The cat sat@2\"")
        }
        let text = String(s[..<at]), indexString = String(s[s.index(after: at)...])
        guard let raw = Int(indexString) else {
            throw GeometryError.badPosition(s, reason: "'\(indexString)' after '@' is not an integer token index")
        }
        let planner = try WindowPlanner.forModel(model)
        let content = try tokenizer.encode(Array(text.utf8), options: EncodeOptions(addSpecialTokens: false)).map { Int32($0.id) }
        guard !content.isEmpty else { throw GeometryError.badPosition(s, reason: "the text has no tokens") }
        let ids = planner.prefix + content + planner.suffix
        let index = raw < 0 ? ids.count + raw : raw
        guard index >= 0, index < ids.count else {
            throw GeometryError.badPosition(s, reason: "token index \(raw) is outside the text's \(ids.count) tokens (0..<\(ids.count), or -\(ids.count)...-1)")
        }
        // A marker is seen in the window of the content token next to it.
        let contentIndex = min(max(index - planner.prefix.count, 0), content.count - 1)
        let (window, pos) = planner.window(around: contentIndex, in: content, causal: model.isCausal)
        let position = pos + (index - planner.prefix.count - contentIndex)
        return TokenPoint(spec: s, tokens: window, position: position, tokenText: display(Int(ids[index]), tokenizer))
    }

    /// A token for reports: its decoded text in quotes, or its vocabulary entry when it
    /// decodes to nothing (markers such as [CLS]).
    static func display(_ id: Int, _ tokenizer: any Tokenizer) -> String {
        let text = tokenizer.decodeString([id])
        if text.isEmpty { return tokenizer.tokenText(id) ?? "#\(id)" }
        return "“" + text + "”"
    }
}
