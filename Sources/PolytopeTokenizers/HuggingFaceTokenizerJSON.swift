import Foundation

/// Reads a Hugging Face `tokenizer.json` (the `tokenizers` library's serialization) whose model
/// is byte-level BPE (GPT-2, GPT-NeoX, OPT, RoBERTa, Llama 3, Qwen2, SmolLM: see
/// ``ByteLevelPreTokenizer`` and ``ByteLevelBPEConfiguration``; ids and byte offsets as Hugging
/// Face gives them) or WordPiece (BERT style: BertNormalizer, BertPreTokenizer, optional
/// `[CLS]`/`[SEP]` post-processor). Special added tokens are recognised in text only where
/// allowed; other added tokens always. Options the reader does not implement are refused by name.
public enum HuggingFaceTokenizerJSON {
    /// Parses `tokenizer.json` contents. `fileName` is used in error messages.
    public static func tokenizer(from data: Data, fileName: String = "tokenizer.json") throws -> any Tokenizer {
        let root: [String: Any]
        do {
            guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
                throw TokenizerError.malformedFile(file: fileName, line: 0, reason: "the top level is not a JSON object")
            }
            root = object
        } catch let error as TokenizerError {
            throw error
        } catch {
            throw TokenizerError.malformedFile(file: fileName, line: 0, reason: jsonErrorReason(error))
        }
        guard let model = root["model"] as? [String: Any] else {
            throw TokenizerError.malformedFile(file: fileName, line: 0, reason: "no \"model\" object")
        }
        let type = model["type"] as? String ?? (model["merges"] != nil ? "BPE" : "WordPiece")
        guard type == "BPE" || type == "WordPiece" else {
            throw TokenizerError.malformedFile(file: fileName, line: 0, reason: "model type \(type) is not supported (BPE, WordPiece are)")
        }
        guard let vocabObject = model["vocab"] else {
            throw TokenizerError.malformedFile(file: fileName, line: 0, reason: "the model has no \"vocab\"")
        }
        let vocab = try JSONVocabulary.fromObject(vocabObject, fileName: fileName)
        var added: [String: Int] = [:]
        for entry in root["added_tokens"] as? [[String: Any]] ?? [] {
            if let content = entry["content"] as? String, let id = (entry["id"] as? NSNumber)?.intValue { added[content] = id }
        }
        switch type {
        case "BPE":
            return try bpe(root: root, model: model, vocab: vocab, fileName: fileName)
        case "WordPiece":
            return try wordPiece(root: root, model: model, vocab: vocab, added: added, fileName: fileName)
        default:
            throw TokenizerError.malformedFile(file: fileName, line: 0, reason: "model type \(type) is not supported (BPE, WordPiece are)")
        }
    }

    /// Loads `tokenizer.json` from disk.
    public static func load(path: String) throws -> any Tokenizer {
        try reportingConfiguration(against: path) { try tokenizer(from: readFile(path), fileName: path) }
    }

    private static func wordPiece(root: [String: Any], model: [String: Any], vocab: [String: Int], added: [String: Int],
                                  fileName: String) throws -> WordPieceTokenizer {
        var config = WordPieceTokenizer.Configuration()
        if let pre = root["pre_tokenizer"] as? [String: Any], pre["type"] as? String != "BertPreTokenizer" {
            throw TokenizerError.malformedFile(file: fileName, line: 0,
                                               reason: "pre-tokenizer \(pre["type"] as? String ?? "?") is not supported for WordPiece (BertPreTokenizer is)")
        }
        if let unk = model["unk_token"] as? String { config.unkToken = unk }
        if let prefix = model["continuing_subword_prefix"] as? String { config.continuingSubwordPrefix = prefix }
        if let max = (model["max_input_chars_per_word"] as? NSNumber)?.intValue { config.maxInputCharsPerWord = max }
        if let norm = root["normalizer"] as? [String: Any] {
            guard norm["type"] as? String == "BertNormalizer" else {
                throw TokenizerError.malformedFile(file: fileName, line: 0,
                                                   reason: "normalizer \(norm["type"] ?? "?") is not supported (BertNormalizer is)")
            }
            config.lowerCase = norm["lowercase"] as? Bool ?? true
            config.stripAccents = norm["strip_accents"] as? Bool
            config.cleanText = norm["clean_text"] as? Bool ?? true
            config.handleChineseChars = norm["handle_chinese_chars"] as? Bool ?? true
        } else {
            config.lowerCase = false
            config.stripAccents = false
            config.cleanText = false
            config.handleChineseChars = false
        }
        config.addSpecialTokens = false
        if let post = root["post_processor"] as? [String: Any] {
            switch post["type"] as? String {
            case "BertProcessing":
                config.addSpecialTokens = true
                if let cls = post["cls"] as? [Any], let name = cls.first as? String { config.clsToken = name }
                if let sep = post["sep"] as? [Any], let name = sep.first as? String { config.sepToken = name }
            case "TemplateProcessing":
                // BERT's template: [CLS] $A [SEP]; take the first and last special pieces.
                let single = post["single"] as? [[String: Any]] ?? []
                let names = single.compactMap { ($0["SpecialToken"] as? [String: Any])?["id"] as? String }
                if names.count == 2 {
                    config.addSpecialTokens = true
                    config.clsToken = names[0]
                    config.sepToken = names[1]
                }
            default:
                break
            }
        }
        config.specialTokens = Array(added.keys)
        return try WordPieceTokenizer(vocab: vocab, configuration: config)
    }
}
