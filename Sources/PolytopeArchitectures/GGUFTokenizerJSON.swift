import Foundation
import PolytopeGGUF
import PolytopeModel
import PolytopeTokenizers

/// The vocabulary embedded in a GGUF file written as the `tokenizer.json` Hugging Face would
/// use for it: BPE over the token list and merges, the pre-tokenizer llama.cpp names in
/// `tokenizer.ggml.pre` (``ByteLevelPreTokenizer/named(_:)``: gpt2, smollm, llama-bpe, qwen2),
/// control and user-defined tokens (types 3 and 4) as added tokens, and a BOS marker when
/// `tokenizer.ggml.add_bos_token` is true. The model file then carries one tokenizer format,
/// read by the same code as a checkpoint's tokenizer.json.
enum GGUFTokenizerJSON {
    static func tokenizer(_ file: GGUFFile) throws -> TokenizerSpec {
        let v = try GGUFVocabulary(file: file)
        let pre: ByteLevelPreTokenizer
        do { pre = try ByteLevelPreTokenizer.named(v.pre) } catch {
            throw ImportError.unsupported("\(file.path): tokenizer.ggml.pre '\(v.pre)' is not supported (gpt2, smollm, llama-bpe, qwen2)")
        }
        var steps: [[String: Any]] = pre.splits.map { split in
            switch split {
            case .pattern(let p): return ["type": "Split", "pattern": ["Regex": p.regex], "behavior": "Isolated", "invert": false]
            case .digits(let individual): return ["type": "Digits", "individual_digits": individual]
            }
        }
        steps.append(["type": "ByteLevel", "add_prefix_space": pre.addPrefixSpace, "trim_offsets": true, "use_regex": pre.useRegex])
        var vocab: [String: Int] = [:], added: [[String: Any]] = [], special: [String: Int] = [:]
        for (id, text) in v.tokens.enumerated() {
            if vocab[text] == nil { vocab[text] = id }
            if v.tokenTypes[id] == 3 || v.tokenTypes[id] == 4 {
                added.append(["id": id, "content": text, "single_word": false, "lstrip": false, "rstrip": false,
                              "normalized": v.tokenTypes[id] == 4, "special": v.tokenTypes[id] == 3])
                if v.tokenTypes[id] == 3 { special[text] = id }
            }
        }
        var json: [String: Any] = [
            "version": "1.0",
            "added_tokens": added,
            "normalizer": NSNull(),
            "pre_tokenizer": steps.count == 1 ? steps[0] : ["type": "Sequence", "pretokenizers": steps],
            "post_processor": NSNull(),
            "decoder": ["type": "ByteLevel", "add_prefix_space": true, "trim_offsets": true, "use_regex": true],
            "model": ["type": "BPE", "dropout": NSNull(), "unk_token": NSNull(), "continuing_subword_prefix": NSNull(),
                      "end_of_word_suffix": NSNull(), "fuse_unk": false, "byte_fallback": false,
                      "ignore_merges": pre == .llama3, "vocab": vocab, "merges": v.merges] as [String: Any],
        ]
        if v.addBOS, let bos = v.bos {
            let b = v.tokens[bos]
            json["post_processor"] = [
                "type": "TemplateProcessing",
                "single": [["SpecialToken": ["id": b, "type_id": 0]], ["Sequence": ["id": "A", "type_id": 0]]],
                "pair": [["SpecialToken": ["id": b, "type_id": 0]], ["Sequence": ["id": "A", "type_id": 0]],
                         ["SpecialToken": ["id": b, "type_id": 1]], ["Sequence": ["id": "B", "type_id": 1]]],
                "special_tokens": [b: ["id": b, "ids": [bos], "tokens": [b]]],
            ] as [String: Any]
        }
        var spec = TokenizerSpec(kind: .byteLevelBPE)
        spec.tokenizerJSON = try JSONSerialization.data(withJSONObject: json, options: [.sortedKeys])
        spec.specialTokens = special
        spec.addSpecialTokens = v.addBOS
        return spec
    }
}
