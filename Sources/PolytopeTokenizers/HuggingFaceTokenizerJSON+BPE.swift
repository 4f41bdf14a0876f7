import Foundation

/// The byte-level BPE half of ``HuggingFaceTokenizerJSON``: model, pre-tokenizer, added tokens
/// and post-processor of a `tokenizer.json`, each either understood exactly or refused by name.
extension HuggingFaceTokenizerJSON {
    static func bpe(root: [String: Any], model: [String: Any], vocab: [String: Int], fileName: String) throws -> ByteLevelBPETokenizer {
        func refuse(_ reason: String) -> TokenizerError { .malformedFile(file: fileName, line: 0, reason: reason) }
        var nfc = false
        if let norm = root["normalizer"] as? [String: Any] {
            guard norm["type"] as? String == "NFC" else {
                throw refuse("normalizer \(norm["type"] as? String ?? "?") is not supported for byte-level BPE (none and NFC are)")
            }
            nfc = true
        }
        if !(model["dropout"] is NSNull), let dropout = model["dropout"] as? NSNumber, dropout.doubleValue != 0 {
            throw refuse("BPE dropout \(dropout) is not supported")
        }
        if model["byte_fallback"] as? Bool == true { throw refuse("BPE byte_fallback is not supported (byte-level BPE needs none)") }
        for key in ["continuing_subword_prefix", "end_of_word_suffix"] {
            if let v = model[key] as? String, !v.isEmpty { throw refuse("BPE \(key) \(v.debugDescription) is not supported") }
        }
        var config = ByteLevelBPEConfiguration()
        config.nfc = nfc
        config.addedTokens = try addedTokens(root, refuse)
        if let reason = tokenIDTooLarge(config.addedTokens.map(\.id).max() ?? 0, entries: vocab.count + config.addedTokens.count) {
            throw refuse("added token " + reason)
        }
        config.preTokenizer = try preTokenizer(root["pre_tokenizer"], refuse)
        config.ignoreMerges = model["ignore_merges"] as? Bool ?? false
        (config.markers, config.trimOffsets, config.trimKeepsFirstSpace) = try postProcessor(root["post_processor"], vocab: vocab, refuse)
        var merges: [(String, String, Int)] = []
        for (index, entry) in (model["merges"] as? [Any] ?? []).enumerated() {
            if let line = entry as? String {
                let parts = line.split(separator: " ", omittingEmptySubsequences: false)
                guard parts.count == 2 else { throw refuse("merge \(index) \(line.debugDescription) is not two tokens") }
                merges.append((String(parts[0]), String(parts[1]), index + 1))
            } else if let pair = entry as? [String], pair.count == 2 {
                merges.append((pair[0], pair[1], index + 1))
            } else {
                throw refuse("merge \(index) is neither \"a b\" nor [a, b]")
            }
        }
        var textTokens: [String: Int] = [:]
        for t in config.addedTokens { textTokens[t.content] = t.id }
        return try ByteLevelBPETokenizer(vocab: vocab, merges: merges, specialTokens: textTokens,
                                         vocabName: fileName, mergesName: fileName + " (model.merges)", configuration: config)
    }

    /// `added_tokens`, with their matching flags.
    static func addedTokens(_ root: [String: Any], _ refuse: (String) -> TokenizerError) throws -> [AddedToken] {
        try (root["added_tokens"] as? [[String: Any]] ?? []).map { entry in
            guard let content = entry["content"] as? String, let id = (entry["id"] as? NSNumber)?.intValue, id >= 0 else {
                throw refuse("an added token has no content or id")
            }
            return AddedToken(id: id, content: content, special: entry["special"] as? Bool ?? false,
                              lstrip: entry["lstrip"] as? Bool ?? false, rstrip: entry["rstrip"] as? Bool ?? false,
                              singleWord: entry["single_word"] as? Bool ?? false, normalized: entry["normalized"] as? Bool ?? false)
        }
    }

    /// The pre-tokenizer: ByteLevel, optionally after Split(known regex) / Digits steps.
    static func preTokenizer(_ object: Any?, _ refuse: (String) -> TokenizerError) throws -> ByteLevelPreTokenizer {
        guard let pre = object as? [String: Any] else {
            throw refuse("no pre_tokenizer: only byte-level BPE (a ByteLevel pre-tokenizer) is supported")
        }
        let steps = pre["type"] as? String == "Sequence" ? (pre["pretokenizers"] as? [[String: Any]] ?? []) : [pre]
        var result = ByteLevelPreTokenizer()
        var sawByteLevel = false
        for step in steps {
            let type = step["type"] as? String ?? "?"
            if sawByteLevel { throw refuse("pre-tokenizer \(type) after ByteLevel is not supported") }
            switch type {
            case "ByteLevel":
                sawByteLevel = true
                result.useRegex = step["use_regex"] as? Bool ?? true
                result.addPrefixSpace = step["add_prefix_space"] as? Bool ?? false
            case "Split":
                let pattern = step["pattern"] as? [String: Any] ?? [:]
                guard let regex = pattern["Regex"] as? String else {
                    throw refuse("Split pattern \(pattern) is not supported (a Regex is)")
                }
                guard let known = ByteLevelPreTokenizer.Pattern(regex: regex) else {
                    throw refuse("Split regex \(regex.prefix(60).debugDescription)… is not supported (the GPT-2, Llama-3 and Qwen2 patterns are)")
                }
                let behavior = step["behavior"] as? String ?? "?"
                guard behavior == "Isolated", step["invert"] as? Bool != true else {
                    throw refuse("Split behavior \(behavior)\(step["invert"] as? Bool == true ? " inverted" : "") is not supported (Isolated is)")
                }
                result.splits.append(.pattern(known))
            case "Digits":
                result.splits.append(.digits(individual: step["individual_digits"] as? Bool ?? false))
            default:
                throw refuse("pre-tokenizer \(type) is not supported (ByteLevel, Split, Digits are)")
            }
        }
        guard sawByteLevel else { throw refuse("only byte-level BPE (a ByteLevel pre-tokenizer) is supported") }
        return result
    }

    /// The post-processor's markers and offset trimming.
    static func postProcessor(_ object: Any?, vocab: [String: Int], _ refuse: (String) -> TokenizerError) throws
        -> (SequenceMarkers, trim: Bool, keepFirstSpace: Bool) {
        guard let post = object as? [String: Any] else { return (SequenceMarkers(), false, false) }
        var markers = SequenceMarkers()
        var trim = false, keep = false
        func pairToken(_ value: Any?) throws -> Int {
            guard let pair = value as? [Any], pair.count == 2, let name = pair[0] as? String, let id = (pair[1] as? NSNumber)?.intValue else {
                throw refuse("post-processor token \(String(describing: value)) is not [text, id]")
            }
            markers.names[id] = name
            return id
        }
        let steps = post["type"] as? String == "Sequence" ? (post["processors"] as? [[String: Any]] ?? []) : [post]
        for step in steps {
            let type = step["type"] as? String ?? "?"
            switch type {
            case "ByteLevel":
                trim = step["trim_offsets"] as? Bool ?? true
                keep = step["add_prefix_space"] as? Bool ?? true
            case "RobertaProcessing", "BertProcessing":
                markers.prefix = [try pairToken(step["cls"])]
                markers.suffix = [try pairToken(step["sep"])]
                if type == "RobertaProcessing" {
                    trim = step["trim_offsets"] as? Bool ?? true
                    keep = step["add_prefix_space"] as? Bool ?? true
                }
            case "TemplateProcessing":
                let special = step["special_tokens"] as? [String: Any] ?? [:]
                var before: [Int] = [], after: [Int] = []
                var sawSequence = false
                for piece in step["single"] as? [[String: Any]] ?? [] {
                    if piece["Sequence"] != nil { sawSequence = true; continue }
                    guard let name = (piece["SpecialToken"] as? [String: Any])?["id"] as? String else {
                        throw refuse("TemplateProcessing piece \(piece) is not a Sequence or SpecialToken")
                    }
                    let entry = special[name] as? [String: Any]
                    let ids = (entry?["ids"] as? [NSNumber])?.map(\.intValue) ?? vocab[name].map { [$0] }
                    guard let ids else { throw refuse("TemplateProcessing special token \(name) has no id") }
                    for id in ids { markers.names[id] = name }
                    if sawSequence { after += ids } else { before += ids }
                }
                markers.prefix = before
                markers.suffix = after
            default:
                throw refuse("post-processor \(type) is not supported (ByteLevel, TemplateProcessing, RobertaProcessing, BertProcessing are)")
            }
        }
        return (markers, trim, keep)
    }

    /// Whether a `tokenizer.json` is byte-level BPE with exactly GPT-2's rules — no normalizer,
    /// a lone `ByteLevel(add_prefix_space: false, use_regex: true)` pre-tokenizer, no
    /// `ignore_merges`, no markers, every added token special — so that its vocab.json +
    /// merges.txt give the same ids. False for anything else, unreadable files included.
    public static func isPlainGPT2(_ data: Data) -> Bool {
        guard let root = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any],
              let model = root["model"] as? [String: Any], model["type"] as? String ?? "BPE" == "BPE",
              root["normalizer"] == nil || root["normalizer"] is NSNull,
              model["ignore_merges"] as? Bool != true,
              let pre = root["pre_tokenizer"] as? [String: Any], pre["type"] as? String == "ByteLevel",
              pre["add_prefix_space"] as? Bool != true, pre["use_regex"] as? Bool != false else { return false }
        let refuse = { (reason: String) in TokenizerError.malformedFile(file: "tokenizer.json", line: 0, reason: reason) }
        guard let added = try? addedTokens(root, refuse), added.allSatisfy({ $0.special && !$0.lstrip && !$0.rstrip && !$0.singleWord }),
              let post = try? postProcessor(root["post_processor"], vocab: [:], refuse), post.0.isEmpty else { return false }
        return true
    }

    /// The sequence markers a `tokenizer.json`'s post-processor adds, without building the
    /// tokenizer (for importers that record them in a model's anatomy).
    public static func sequenceMarkers(from data: Data, fileName: String = "tokenizer.json") throws -> SequenceMarkers {
        guard let root = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw TokenizerError.malformedFile(file: fileName, line: 0, reason: "not a JSON object")
        }
        let vocab = ((root["model"] as? [String: Any])?["vocab"] as? [String: Any] ?? [:]).compactMapValues { ($0 as? NSNumber)?.intValue }
        return try postProcessor(root["post_processor"], vocab: vocab) { TokenizerError.malformedFile(file: fileName, line: 0, reason: $0) }.0
    }
}
