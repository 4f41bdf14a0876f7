/// The tokenizer embedded in a GGUF file (`tokenizer.ggml.*`): the token strings, BPE merges,
/// token types, special ids and the name of the pre-tokenizer (`tokenizer.ggml.pre`, e.g.
/// "smollm", "llama-bpe", "gpt-2"). Only byte-level BPE (`tokenizer.ggml.model` "gpt2") is
/// accepted; SentencePiece vocabularies ("llama") are refused by name.
public struct GGUFVocabulary: Sendable, Equatable {
    public var model: String
    public var pre: String
    public var tokens: [String]
    public var merges: [String]
    public var tokenTypes: [Int]
    public var bos: Int?
    public var eos: Int?
    public var unknown: Int?
    public var padding: Int?
    public var addBOS: Bool
    public var addEOS: Bool

    public init(file: GGUFFile) throws {
        func fail(_ r: String) -> GGUFError { GGUFError(path: file.path, reason: r) }
        let m = file.metadata
        guard let model = m["tokenizer.ggml.model"]?.string else { throw fail("metadata 'tokenizer.ggml.model' is missing (no embedded tokenizer)") }
        guard model == "gpt2" else { throw fail("tokenizer.ggml.model '\(model)' is not supported (only byte-level BPE, \"gpt2\")") }
        func strings(_ key: String) throws -> [String] {
            guard let a = m[key]?.array else { throw fail("metadata '\(key)' is missing or not an array") }
            return try a.enumerated().map { i, v in
                guard let s = v.string else { throw fail("metadata '\(key)'[\(i)] is \(v.typeName), expected a string") }
                return s
            }
        }
        self.model = model
        pre = m["tokenizer.ggml.pre"]?.string ?? "default"
        let tokens = try strings("tokenizer.ggml.tokens")
        self.tokens = tokens
        merges = m["tokenizer.ggml.merges"] == nil ? [] : try strings("tokenizer.ggml.merges")
        if let types = m["tokenizer.ggml.token_type"]?.array {
            guard types.count == tokens.count else {
                throw fail("tokenizer.ggml.token_type has \(types.count) entries for \(tokens.count) tokens")
            }
            self.tokenTypes = try types.enumerated().map { i, v in
                switch v {
                case .int(let x): return Int(x)
                case .uint(let x) where x < 1 << 31: return Int(x)
                default: throw fail("metadata 'tokenizer.ggml.token_type'[\(i)] is \(v), expected an integer")
                }
            }
        } else {
            self.tokenTypes = [Int](repeating: 1, count: tokens.count)
        }
        let n = tokens.count, path = file.path
        func id(_ key: String) throws -> Int? {
            guard let v = m[key] else { return nil }
            guard let i = v.int, i < n else { throw GGUFError(path: path, reason: "metadata '\(key)' is \(v), not a token id below \(n)") }
            return i
        }
        let ids = try ["bos", "eos", "unknown", "padding"].map { try id("tokenizer.ggml.\($0)_token_id") }
        bos = ids[0]
        eos = ids[1]
        unknown = ids[2]
        padding = ids[3]
        addBOS = m["tokenizer.ggml.add_bos_token"]?.bool ?? false
        addEOS = m["tokenizer.ggml.add_eos_token"]?.bool ?? false
    }
}
