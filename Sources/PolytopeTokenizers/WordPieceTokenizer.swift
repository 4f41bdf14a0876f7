import Foundation

/// WordPiece as in BERT (Devlin et al. 2019; Wu et al. 2016, "Google's Neural Machine
/// Translation System"): BERT's basic tokenizer (``BertNormalizer``), then greedy
/// longest-match-first over each word, continuations spelled with `##`.
///
/// Matches Hugging Face `tokenizers` (`BertWordPieceTokenizer`, `BertTokenizerFast`) id for id,
/// with its offsets given as UTF-8 byte offsets of the original input:
/// - a word longer than `maxInputCharsPerWord` characters (after normalization), or one that
///   cannot be covered by vocabulary pieces, is a single unknown token spanning the word;
/// - sub-tokens span the original characters they came from (a character that normalization
///   expanded gives its whole span to each piece of it);
/// - `[CLS]` / `[SEP]` (when ``Configuration/addSpecialTokens`` or the call asks) carry the
///   empty span `0..<0`, as in Hugging Face.
///
/// - Complexity: O(w²) vocabulary lookups for a word of w characters (w ≤ 100), O(n) words.
public final class WordPieceTokenizer: Tokenizer, @unchecked Sendable {
    /// Settings, with BERT's defaults (those of `BertWordPieceTokenizer`).
    public struct Configuration: Sendable, Equatable {
        public var lowerCase: Bool
        /// `nil`: follow `lowerCase` (Hugging Face's rule).
        public var stripAccents: Bool?
        public var cleanText: Bool
        public var handleChineseChars: Bool
        public var unkToken: String
        public var clsToken: String
        public var sepToken: String
        public var continuingSubwordPrefix: String
        public var maxInputCharsPerWord: Int
        /// Add `[CLS]` ... `[SEP]` unless the call says otherwise.
        public var addSpecialTokens: Bool
        /// Tokens recognised literally in the input when allowed (``EncodeOptions/allowedSpecial``).
        /// `nil`: `[PAD] [UNK] [CLS] [SEP] [MASK]` (those in the vocabulary).
        public var specialTokens: [String]?

        public init(lowerCase: Bool = true, stripAccents: Bool? = nil, cleanText: Bool = true,
                    handleChineseChars: Bool = true, unkToken: String = "[UNK]", clsToken: String = "[CLS]",
                    sepToken: String = "[SEP]", continuingSubwordPrefix: String = "##",
                    maxInputCharsPerWord: Int = 100, addSpecialTokens: Bool = true, specialTokens: [String]? = nil) {
            self.lowerCase = lowerCase
            self.stripAccents = stripAccents
            self.cleanText = cleanText
            self.handleChineseChars = handleChineseChars
            self.unkToken = unkToken
            self.clsToken = clsToken
            self.sepToken = sepToken
            self.continuingSubwordPrefix = continuingSubwordPrefix
            self.maxInputCharsPerWord = maxInputCharsPerWord
            self.addSpecialTokens = addSpecialTokens
            self.specialTokens = specialTokens
        }
    }

    public let kind = TokenizerKind.wordPiece
    public let configuration: Configuration
    public let vocabSize: Int
    /// Special tokens by text, with their ids.
    public let specialTokens: [String: Int]
    public let unkID: Int
    public let clsID: Int?
    public let sepID: Int?

    private let texts: [String?]
    private let table: ByteSliceTable
    private let prefix: [UInt8]
    private let normalizer: BertNormalizer
    private let matcher: SpecialTokenMatcher

    /// - Parameter vocab: token → id.
    /// - Throws: ``TokenizerError/invalidConfiguration(_:)`` when the unknown token is missing.
    public init(vocab: [String: Int], configuration: Configuration = Configuration()) throws {
        guard let unk = vocab[configuration.unkToken] else {
            throw TokenizerError.invalidConfiguration("the unknown token \(configuration.unkToken) is not in the vocabulary")
        }
        guard configuration.maxInputCharsPerWord > 0 else {
            throw TokenizerError.invalidConfiguration("maxInputCharsPerWord must be positive, not \(configuration.maxInputCharsPerWord)")
        }
        if let reason = tokenIDTooLarge(vocab.values.max() ?? 0, entries: vocab.count) {
            throw TokenizerError.invalidConfiguration("vocabulary " + reason)
        }
        let size = (vocab.values.max() ?? -1) + 1
        var texts = [String?](repeating: nil, count: size)
        let table = ByteSliceTable(minimumCapacity: vocab.count)
        for (text, id) in vocab.sorted(by: { $0.value < $1.value }) {
            guard id >= 0 else { throw TokenizerError.invalidConfiguration("token \(text.debugDescription) has negative id \(id)") }
            texts[id] = text
            let bytes = Array(text.utf8)
            bytes.withUnsafeBytes { raw in
                let base = raw.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!
                let h = ByteSliceTable.hash(base, bytes.count)
                guard table.find(base, bytes.count, hash: h) == nil else { return }
                var value = UInt32(id)
                withUnsafePointer(to: &value) { table.insert(base, bytes.count, hash: h, values: UnsafeBufferPointer(start: $0, count: 1)) }
            }
        }
        let specialNames = configuration.specialTokens ?? ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
        var specials: [String: Int] = [:]
        for name in specialNames { if let id = vocab[name] { specials[name] = id } }
        self.configuration = configuration
        self.vocabSize = size
        self.texts = texts
        self.table = table
        self.prefix = Array(configuration.continuingSubwordPrefix.utf8)
        self.unkID = unk
        self.clsID = vocab[configuration.clsToken]
        self.sepID = vocab[configuration.sepToken]
        self.specialTokens = specials
        self.matcher = SpecialTokenMatcher(specials)
        self.normalizer = BertNormalizer(cleanText: configuration.cleanText, handleChineseChars: configuration.handleChineseChars,
                                         stripAccents: configuration.stripAccents ?? configuration.lowerCase,
                                         lowercase: configuration.lowerCase)
    }

    // MARK: Tokenizer

    public func encode(_ bytes: [UInt8], options: EncodeOptions) throws -> [Token] {
        let addMarkers = options.addSpecialTokens ?? configuration.addSpecialTokens
        if addMarkers && (clsID == nil || sepID == nil) {
            throw TokenizerError.invalidConfiguration(
                "[CLS]/[SEP] asked for but \(clsID == nil ? configuration.clsToken : configuration.sepToken) is not in the vocabulary")
        }
        return try bytes.withUnsafeBufferPointer { p in
            if options.invalidUTF8 == .reject, let offset = UTF8Scan.firstInvalidOffset(p) {
                throw TokenizerError.invalidUTF8(offset: offset)
            }
            var out: [Token] = []
            out.reserveCapacity(p.count / 4 + 2)
            if addMarkers, let cls = clsID { out.append(Token(id: cls, byteRange: 0..<0)) }
            let specials = options.allowedSpecial == .none ? [] : matcher.allowed(options.allowedSpecial)
            var position = 0
            var scratch: [UInt8] = []
            while position < p.count {
                let m = SpecialTokenMatcher.nextMatch(in: p, from: position, candidates: specials)
                let end = m?.start ?? p.count
                if end > position {
                    normalizer.forEachWord(p, from: position, to: end) { word in
                        wordPiece(&word, &scratch, &out)
                    }
                }
                guard let m else { break }
                out.append(Token(id: m.id, byteRange: m.start..<m.end))
                position = m.end
            }
            if addMarkers, let sep = sepID { out.append(Token(id: sep, byteRange: 0..<0)) }
            return out
        }
    }

    /// The vocabulary entries joined as BERT's decoder does: `##` continuations glued to the
    /// previous piece, other pieces separated by one space; `[CLS]`/`[SEP]`/`[PAD]` left out.
    /// (WordPiece is not reversible: case, accents and spacing are lost.)
    /// `[CLS]` … `[SEP]` when markers are on by default and both are in the vocabulary.
    public var sequenceMarkers: SequenceMarkers {
        guard configuration.addSpecialTokens, let cls = clsID, let sep = sepID else { return SequenceMarkers() }
        return SequenceMarkers(prefix: [cls], suffix: [sep], names: [cls: configuration.clsToken, sep: configuration.sepToken])
    }

    public func decode(_ ids: [Int]) -> [UInt8] {
        var out = ""
        let skip: Set<Int> = Set([clsID, sepID, specialTokens["[PAD]"]].compactMap { $0 })
        for id in ids where !skip.contains(id) {
            guard let text = tokenText(id) else { continue }
            if text.hasPrefix(configuration.continuingSubwordPrefix) && !out.isEmpty {
                out += text.dropFirst(configuration.continuingSubwordPrefix.count)
            } else {
                if !out.isEmpty { out += " " }
                out += text
            }
        }
        return Array(out.utf8)
    }

    public func tokenText(_ id: Int) -> String? {
        guard id >= 0 && id < texts.count else { return nil }
        return texts[id]
    }

    public func tokenID(_ text: String) -> Int? {
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBytes { raw -> Int? in
            let base = raw.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!
            guard let (s, _) = table.find(base, bytes.count, hash: ByteSliceTable.hash(base, bytes.count)) else { return nil }
            return Int(table.values[s])
        }
    }

    // MARK: WordPiece

    /// Greedy longest-match-first over one normalized word.
    private func wordPiece(_ word: inout BertNormalizer.Word, _ scratch: inout [UInt8], _ out: inout [Token]) {
        let n = word.scalars.count
        let wordSpan = word.starts[0]..<word.ends[n - 1]
        if n > configuration.maxInputCharsPerWord {
            out.append(Token(id: unkID, byteRange: wordSpan))
            return
        }
        // UTF-8 of the word, with the byte index of each character boundary.
        scratch.removeAll(keepingCapacity: true)
        scratch.append(contentsOf: prefix)
        var boundary = [Int](repeating: 0, count: n + 1)
        for (k, u) in word.scalars.enumerated() {
            boundary[k] = scratch.count
            let scalar = Unicode.Scalar(u) ?? "\u{FFFD}"
            scratch.append(contentsOf: UTF8.encode(scalar)!)
        }
        boundary[n] = scratch.count
        let firstOut = out.count
        var start = 0
        scratch.withUnsafeBytes { raw in
            let base = raw.baseAddress!
            while start < n {
                var end = n
                var found: UInt32?
                while start < end {
                    // "##" + piece for continuations: the prefix sits just before the piece
                    // only for start == 0, so copy for start > 0.
                    let lo = boundary[start], hi = boundary[end]
                    if start == 0 {
                        if let (s, _) = table.find(base + lo, hi - lo, hash: ByteSliceTable.hash(base + lo, hi - lo)) {
                            found = table.values[s]
                        }
                    } else {
                        found = lookupContinuation(base + lo, hi - lo)
                    }
                    if found != nil { break }
                    end -= 1
                }
                guard let id = found else {
                    out.removeSubrange(firstOut...)
                    out.append(Token(id: unkID, byteRange: wordSpan))
                    return
                }
                out.append(Token(id: Int(id), byteRange: word.starts[start]..<word.ends[end - 1]))
                start = end
            }
        }
    }

    private func lookupContinuation(_ p: UnsafeRawPointer, _ length: Int) -> UInt32? {
        let total = prefix.count + length
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: max(total, 1)) { buf in
            for (k, b) in prefix.enumerated() { buf[k] = b }
            for k in 0..<length { buf[prefix.count + k] = p.load(fromByteOffset: k, as: UInt8.self) }
            let base = UnsafeRawPointer(buf.baseAddress!)
            guard let (s, _) = table.find(base, total, hash: ByteSliceTable.hash(base, total)) else { return nil }
            return table.values[s]
        }
    }
}
