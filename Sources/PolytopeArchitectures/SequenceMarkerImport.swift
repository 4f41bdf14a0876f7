import Foundation
import PolytopeModel
import PolytopeTokenizers

/// The sequence markers of families whose adapter names none itself (BERT names [CLS]/[SEP]):
/// what the checkpoint's tokenizer.json post-processor puts around a text (Llama's BOS, OPT's
/// `</s>`), so the anatomy follows each family's Hugging Face default.
enum SequenceMarkerImport {
    /// Fills `spec.anatomy`'s markers from the tokenizer.json in the spec, when it names some
    /// and the adapter set none; otherwise `fallbackPrefix` (e.g. OPT's BOS for checkpoints
    /// with only vocab.json + merges.txt).
    static func fill(_ spec: inout ModelSpec, fallbackPrefix: [Int32] = []) throws {
        guard var a = spec.anatomy, a.prefixTokens.isEmpty, a.suffixTokens.isEmpty else { return }
        if let json = spec.tokenizer?.tokenizerJSON, !json.isEmpty {
            let m = try HuggingFaceTokenizerJSON.sequenceMarkers(from: json)
            a.prefixTokens = m.prefix.map { Int32($0) }
            a.suffixTokens = m.suffix.map { Int32($0) }
        } else {
            a.prefixTokens = fallbackPrefix
        }
        spec.anatomy = a
    }
}
