import Foundation
import PolytopeModel
import PolytopeTokenizers

/// Builds the tokenizer a model file carries: from vocab.json + merges.txt or vocab.txt when the
/// model has them (unchanged), else from its tokenizer.json.
public enum ModelTokenizer {
    public static func make(_ spec: TokenizerSpec) throws -> any Tokenizer {
        switch spec.kind {
        case .byteLevelBPE:
            if !spec.vocabJSON.isEmpty {
                // An empty map means "every <|...|> entry of vocab.json" (nil), not "none".
                return try ByteLevelBPETokenizer(vocabJSON: spec.vocabJSON, merges: spec.mergesTXT,
                                                 specialTokens: spec.specialTokens.isEmpty ? nil : spec.specialTokens)
            }
            return try fromTokenizerJSON(spec, expecting: .byteLevelBPE)
        case .wordPiece:
            guard !spec.vocabTXT.isEmpty else { return try fromTokenizerJSON(spec, expecting: .wordPiece) }
            return try WordPieceTokenizer(vocabTXT: spec.vocabTXT, lowerCase: spec.lowerCase,
                                          unkToken: spec.unkToken.isEmpty ? "[UNK]" : spec.unkToken,
                                          maxInputCharsPerWord: spec.maxInputCharsPerWord > 0 ? spec.maxInputCharsPerWord : 100,
                                          addSpecialTokens: spec.addSpecialTokens, fileName: "vocab.txt (in the model file)")
        }
    }

    /// A checkpoint that shipped only tokenizer.json: the tokenizer as Hugging Face builds it
    /// (``HuggingFaceTokenizerJSON``: ids and byte offsets as `tokenizers` gives them).
    private static func fromTokenizerJSON(_ spec: TokenizerSpec, expecting kind: TokenizerKind) throws -> any Tokenizer {
        let name = kind == .byteLevelBPE ? "byte-level BPE" : "WordPiece"
        guard !spec.tokenizerJSON.isEmpty else {
            throw ModelError.badInput("the model's \(name) tokenizer has neither \(kind == .byteLevelBPE ? "vocab.json" : "vocab.txt") nor tokenizer.json")
        }
        let tok = try HuggingFaceTokenizerJSON.tokenizer(from: spec.tokenizerJSON, fileName: "tokenizer.json (in the model file)")
        guard tok.kind == kind else {
            throw ModelError.badInput("the model's tokenizer.json holds a \(tok.kind.rawValue) tokenizer, not \(name)")
        }
        return tok
    }

    /// The tokenizer of a loaded model, or an error saying the model has none.
    public static func make(for model: Model) throws -> any Tokenizer {
        guard let spec = model.spec.tokenizer else {
            throw ModelError.badInput("model '\(model.spec.name)' carries no tokenizer: give token ids instead (--ids)")
        }
        return try make(spec)
    }
}
