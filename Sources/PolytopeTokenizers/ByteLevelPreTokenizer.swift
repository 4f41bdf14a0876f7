/// How byte-level BPE cuts text into pieces before merging: Hugging Face's `pre_tokenizer` of a
/// `tokenizer.json` (or the pre-tokenizer a GGUF file names), restricted to the forms real
/// checkpoints use:
///
/// - `ByteLevel` alone (GPT-2, GPT-NeoX/Pythia, OPT, RoBERTa): GPT-2's pattern
///   (``GPT2PreTokenizer``), optionally with a space put before each piece that does not start
///   with one (`add_prefix_space`);
/// - `Sequence[Split(Regex), ByteLevel(use_regex: false)]` (Llama 3, Qwen2): the split pattern
///   (``Pattern``) only;
/// - `Sequence[Digits(individual_digits), ByteLevel]` (SmolLM, StarCoder): numbers cut off first
///   (each digit alone, or runs), then GPT-2's pattern on the rest.
///
/// Each step cuts every piece of the previous one (Hugging Face's `Sequence`); the pattern
/// treats each piece's end as the end of the text (for `\s+(?!\S)`).
public struct ByteLevelPreTokenizer: Sendable, Equatable, CustomStringConvertible {
    /// A split pattern written as a hand scanner (``GPT2PreTokenizer``, ``Llama3PreTokenizer``).
    public enum Pattern: String, Sendable, Equatable, CaseIterable {
        /// `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+`
        case gpt2
        /// `(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+`
        case llama3
        /// Llama 3's pattern with `\p{N}` for `\p{N}{1,3}` (one digit per piece).
        case qwen2

        /// The regular expression, as `tokenizer.json` spells it.
        public var regex: String {
            switch self {
            case .gpt2: return #"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"#
            case .llama3: return #"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"#
            case .qwen2: return #"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"#
            }
        }

        /// The pattern whose regex is exactly `regex`, if it is one of the known ones.
        public init?(regex: String) {
            guard let p = Pattern.allCases.first(where: { $0.regex == regex }) else { return nil }
            self = p
        }
    }

    /// One splitting step before the byte-level step.
    public enum Split: Sendable, Equatable {
        /// `Split(Regex, behavior: Isolated)`: every match is a piece (the pattern matches
        /// everywhere, so there is nothing between matches).
        case pattern(Pattern)
        /// `Digits`: numbers (`\p{N}`) isolated, each alone (`individual`) or in runs.
        case digits(individual: Bool)
    }

    /// Steps before the byte-level one.
    public var splits: [Split]
    /// The byte-level step applies GPT-2's pattern to each piece (`use_regex`).
    public var useRegex: Bool
    /// The byte-level step puts a space before each piece that does not start with U+0020.
    public var addPrefixSpace: Bool

    public init(splits: [Split] = [], useRegex: Bool = true, addPrefixSpace: Bool = false) {
        self.splits = splits
        self.useRegex = useRegex
        self.addPrefixSpace = addPrefixSpace
    }

    /// GPT-2, GPT-NeoX/Pythia, OPT: `ByteLevel(add_prefix_space: false)`.
    public static let gpt2 = ByteLevelPreTokenizer()
    /// Llama 3: `Split(llama3 pattern)`, `ByteLevel(use_regex: false)`.
    public static let llama3 = ByteLevelPreTokenizer(splits: [.pattern(.llama3)], useRegex: false)
    /// Qwen2: `Split(qwen2 pattern)`, `ByteLevel(use_regex: false)` (its NFC normalizer is not
    /// part of the pre-tokenizer).
    public static let qwen2 = ByteLevelPreTokenizer(splits: [.pattern(.qwen2)], useRegex: false)
    /// SmolLM / SmolLM2 (Hugging Face's published `tokenizer.json`): `Digits(individual_digits:
    /// true)`, `ByteLevel` — llama.cpp's `smollm` pre-tokenizer.
    public static let smollm = ByteLevelPreTokenizer(splits: [.digits(individual: true)], useRegex: true)

    /// The pre-tokenizer for a llama.cpp pre-tokenizer name (GGUF `tokenizer.ggml.pre`).
    /// - Throws: ``TokenizerError/invalidConfiguration(_:)`` naming an unsupported name.
    public static func named(_ name: String) throws -> ByteLevelPreTokenizer {
        switch name {
        case "gpt2", "gpt-2", "default": return .gpt2
        case "llama3", "llama-bpe", "llama-3": return .llama3
        case "qwen2": return .qwen2
        case "smollm": return .smollm
        default:
            throw TokenizerError.invalidConfiguration(
                "pre-tokenizer \"\(name)\" is not supported (gpt2, llama-bpe/llama3, qwen2, smollm are)")
        }
    }

    public var description: String {
        var parts: [String] = splits.map {
            switch $0 {
            case .pattern(let p): return "Split(\(p.rawValue))"
            case .digits(let individual): return "Digits(individual_digits: \(individual))"
            }
        }
        parts.append("ByteLevel(use_regex: \(useRegex), add_prefix_space: \(addPrefixSpace))")
        return parts.joined(separator: ", ")
    }

    /// Calls `body(piece, inputStart, virtualSpace)` for every piece of `p`, in order. `piece`
    /// is the bytes to merge; when `virtualSpace` it starts with a space that is not in the
    /// input (`add_prefix_space`) and its other bytes start at `inputStart`.
    /// - Complexity: O(n) over `p` (plus a copy of each piece that gets a prefix space).
    func forEachPiece(_ p: UnsafeBufferPointer<UInt8>,
                      _ body: (UnsafeBufferPointer<UInt8>, Int, Bool) -> Void) {
        split(p, 0, step: 0, body)
    }

    private func split(_ p: UnsafeBufferPointer<UInt8>, _ offset: Int, step: Int,
                       _ body: (UnsafeBufferPointer<UInt8>, Int, Bool) -> Void) {
        guard !p.isEmpty else { return }
        if step == splits.count {
            byteLevel(p, offset, body)
            return
        }
        func recurse(_ s: Int, _ e: Int) {
            split(UnsafeBufferPointer(rebasing: p[s..<e]), offset + s, step: step + 1, body)
        }
        switch splits[step] {
        case .pattern(let pattern):
            var i = 0
            switch pattern {
            case .gpt2:
                let scanner = GPT2PreTokenizer(p)
                while i < p.count { let e = scanner.pieceEnd(from: i); recurse(i, e); i = e }
            case .llama3, .qwen2:
                let scanner = Llama3PreTokenizer(p, maxDigits: pattern == .llama3 ? 3 : 1)
                while i < p.count { let e = scanner.pieceEnd(from: i); recurse(i, e); i = e }
            }
        case .digits(let individual):
            let scanner = GPT2PreTokenizer(p)
            var runStart = 0
            var i = 0
            var inNumber = false
            while i < p.count {
                let (cls, len) = scanner.classAt(i)
                let isNumber = cls == UnicodeTables.number
                if isNumber != inNumber || (isNumber && individual) {
                    if i > runStart { recurse(runStart, i) }
                    runStart = i
                    inNumber = isNumber
                }
                i += len
            }
            recurse(runStart, p.count)
        }
    }

    private func byteLevel(_ p: UnsafeBufferPointer<UInt8>, _ offset: Int,
                           _ body: (UnsafeBufferPointer<UInt8>, Int, Bool) -> Void) {
        if addPrefixSpace && p[0] != 0x20 {
            var spaced = [UInt8](repeating: 0x20, count: p.count + 1)
            for k in 0..<p.count { spaced[k + 1] = p[k] }
            spaced.withUnsafeBufferPointer { w in
                guard useRegex else { body(w, offset, true); return }
                let scanner = GPT2PreTokenizer(w)
                var i = 0
                while i < w.count {
                    let e = scanner.pieceEnd(from: i)
                    body(UnsafeBufferPointer(rebasing: w[i..<e]), i == 0 ? offset : offset + i - 1, i == 0)
                    i = e
                }
            }
            return
        }
        guard useRegex else { body(p, offset, false); return }
        let scanner = GPT2PreTokenizer(p)
        var i = 0
        while i < p.count {
            let e = scanner.pieceEnd(from: i)
            body(UnsafeBufferPointer(rebasing: p[i..<e]), offset + i, false)
            i = e
        }
    }
}
