import Foundation
import PolytopeModel
import PolytopeTokenizers

/// Builds the tokenizer a model file carries.
public enum ModelTokenizer {
    public static func make(_ spec: TokenizerSpec) throws -> any Tokenizer {
        switch spec.kind {
        case .byteLevelBPE:
            if !spec.vocabJSON.isEmpty {
                // An empty map means "every <|...|> entry of vocab.json" (nil), not "none".
                return try ByteLevelBPETokenizer(vocabJSON: spec.vocabJSON, merges: spec.mergesTXT,
                                                 specialTokens: spec.specialTokens.isEmpty ? nil : spec.specialTokens)
            }
            throw ModelError.badInput("the model's byte-level BPE tokenizer has no vocab.json")
        case .wordPiece:
            guard !spec.vocabTXT.isEmpty else { throw ModelError.badInput("the model's WordPiece tokenizer has no vocab.txt") }
            return try WordPieceTokenizer(vocabTXT: spec.vocabTXT, lowerCase: spec.lowerCase,
                                          unkToken: spec.unkToken.isEmpty ? "[UNK]" : spec.unkToken,
                                          maxInputCharsPerWord: spec.maxInputCharsPerWord > 0 ? spec.maxInputCharsPerWord : 100,
                                          addSpecialTokens: spec.addSpecialTokens, fileName: "vocab.txt (in the model file)")
        }
    }

    /// The tokenizer of a loaded model, or an error saying the model has none.
    public static func make(for model: Model) throws -> any Tokenizer {
        guard let spec = model.spec.tokenizer else {
            throw ModelError.badInput("model '\(model.spec.name)' carries no tokenizer: give token ids instead (--ids)")
        }
        return try make(spec)
    }
}
