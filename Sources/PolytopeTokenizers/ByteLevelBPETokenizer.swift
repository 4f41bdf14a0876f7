import Foundation

/// Byte-level BPE as in GPT-2 (Radford et al. 2019): GPT-2's pre-tokenization
/// (``GPT2PreTokenizer``), then the byte-pair merge (``BPEMerge``) of each piece.
///
/// Two merge tables, matching the two reference implementations:
/// - from `vocab.json` + `merges.txt` or a `tokenizer.json` (Hugging Face `tokenizers`): a pair
///   of adjacent parts may join only if the pair is a line of the merges file; its rank is the
///   line's index;
/// - from a `.tiktoken` rank file (tiktoken): two parts may join if their concatenated bytes are
///   a token; the rank is that token's rank, and a piece that is itself a token is emitted
///   directly (tiktoken's shortcut).
///
/// Any byte string encodes (``InvalidUTF8Policy/lossy``) and `decode(encode(x)) == x`; token
/// spans partition the input bytes. Merged pieces are cached (up to `cacheLimit` distinct
/// pieces of at most `cacheMaxPieceLength` bytes), which is where most of the speed comes from on
/// natural text.
///
/// Thread-safe: concurrent `encode` calls each get a cache of their own.
public final class ByteLevelBPETokenizer: Tokenizer, @unchecked Sendable {
    public let kind = TokenizerKind.byteLevelBPE
    public let vocabSize: Int
    /// Special tokens by text (`<|endoftext|>`), recognised in the input only where
    /// ``EncodeOptions/allowedSpecial`` allows.
    public let specialTokens: [String: Int]
    /// Whether this tokenizer follows tiktoken's rules (rank file) rather than Hugging Face's
    /// (merges file). The two agree on GPT-2's files.
    public let usesTiktokenRules: Bool

    static let cacheLimit = 200_000
    /// `byteToken` of a byte the vocabulary lacks.
    static let missingByte = UInt32.max
    static let cacheMaxPieceLength = 64

    /// Bytes of every id, flat; `starts[id] ..< starts[id + 1]`.
    let arena: [UInt8]
    let starts: [Int]
    /// Byte length of each id's bytes, for offsets.
    let lengths: [UInt32]
    let isSpecial: [Bool]
    let byteToken: [UInt32]
    let pairs: PairRankTable
    /// Ordinary token bytes → id.
    let tokenTable: ByteSliceTable
    let matcher: SpecialTokenMatcher

    /// Set for tokenizers built from `tokenizer.json` or a vocabulary list: pre-tokenizer,
    /// added tokens, sequence markers, Hugging Face offsets. `nil`: GPT-2's rules as before.
    let configuration: ByteLevelBPEConfiguration?
    let addedMatcher: AddedTokenMatcher

    private let cacheLock = NSLock()
    private var cacheSlot: ByteSliceTable?

    /// - Parameters:
    ///   - tokenBytes: the bytes of each ordinary id (nil for an unused id).
    ///   - pairs: the merge table.
    ///   - specialTokens: special token text → id.
    ///   - tiktokenRules: emit a piece that is a whole token directly.
    ///   - configuration: `nil` for GPT-2's rules with byte offsets that partition the input.
    init(tokenBytes: [[UInt8]?], pairs: PairRankTable, specialTokens: [String: Int], tiktokenRules: Bool,
         configuration: ByteLevelBPEConfiguration? = nil) throws {
        let maxSpecial = specialTokens.values.max() ?? -1
        if let reason = tokenIDTooLarge(maxSpecial, entries: tokenBytes.count + specialTokens.count) {
            throw TokenizerError.invalidConfiguration("special token " + reason)
        }
        let size = max(tokenBytes.count, maxSpecial + 1)
        var arena: [UInt8] = []
        var starts = [Int](repeating: 0, count: size + 1)
        var isSpecial = [Bool](repeating: false, count: size)
        var specialByID: [Int: String] = [:]
        for (text, id) in specialTokens {
            guard id >= 0 else { throw TokenizerError.invalidConfiguration("special token \(text) has negative id \(id)") }
            specialByID[id] = text
            isSpecial[id] = true
        }
        let table = ByteSliceTable(minimumCapacity: tokenBytes.count)
        for id in 0..<size {
            starts[id] = arena.count
            if let text = specialByID[id] {
                arena.append(contentsOf: text.utf8)
            } else if id < tokenBytes.count, let bytes = tokenBytes[id], !bytes.isEmpty {
                let h = bytes.withUnsafeBytes { ByteSliceTable.hash($0.baseAddress!, bytes.count) }
                let present = bytes.withUnsafeBytes { table.find($0.baseAddress!, bytes.count, hash: h) }
                if present == nil {
                    var value = UInt32(id)
                    bytes.withUnsafeBytes { raw in
                        withUnsafePointer(to: &value) { v in
                            table.insert(raw.baseAddress!, bytes.count, hash: h, values: UnsafeBufferPointer(start: v, count: 1))
                        }
                    }
                }
                arena.append(contentsOf: bytes)
            }
        }
        starts[size] = arena.count
        var byteToken = [UInt32](repeating: 0, count: 256)
        for b in 0..<256 {
            var byte = UInt8(b)
            let h = ByteSliceTable.hash(&byte, 1)
            guard let (s, _) = table.find(&byte, 1, hash: h) else {
                // Hugging Face drops a character that has no token (no unk); so do we, but
                // only for tokenizers that follow its rules in full (SmolLM2 lacks some bytes).
                if configuration != nil { byteToken[b] = Self.missingByte; continue }
                throw TokenizerError.invalidConfiguration(
                    "byte 0x\(String(b, radix: 16)) has no token: a byte-level BPE vocabulary needs all 256 bytes")
            }
            byteToken[b] = table.values[s]
        }
        self.arena = arena
        self.starts = starts
        self.lengths = (0..<size).map { UInt32(starts[$0 + 1] - starts[$0]) }
        self.isSpecial = isSpecial
        self.byteToken = byteToken
        self.pairs = pairs
        self.tokenTable = table
        self.vocabSize = size
        self.specialTokens = specialTokens
        self.matcher = SpecialTokenMatcher(specialTokens)
        self.usesTiktokenRules = tiktokenRules
        self.configuration = configuration
        self.addedMatcher = AddedTokenMatcher(tokens: configuration?.addedTokens ?? [])
    }

    // MARK: Tokenizer

    public func encode(_ bytes: [UInt8], options: EncodeOptions) throws -> [Token] {
        if let configuration { return try encodeConfigured(bytes, options: options, configuration) }
        return try bytes.withUnsafeBufferPointer { p in
            if options.invalidUTF8 == .reject, let offset = UTF8Scan.firstInvalidOffset(p) {
                throw TokenizerError.invalidUTF8(offset: offset)
            }
            var out: [Token] = []
            out.reserveCapacity(p.count / 3 + 1)
            let cache = takeCache()
            defer { returnCache(cache) }
            let specials = options.allowedSpecial == .none ? [] : matcher.allowed(options.allowedSpecial)
            var position = 0
            while position < p.count {
                guard let m = SpecialTokenMatcher.nextMatch(in: p, from: position, candidates: specials) else {
                    encodeOrdinary(p, position, p.count, cache, &out)
                    break
                }
                if m.start > position { encodeOrdinary(p, position, m.start, cache, &out) }
                out.append(Token(id: m.id, byteRange: m.start..<m.end))
                position = m.end
            }
            return out
        }
    }

    public func decode(_ ids: [Int]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(ids.count * 4)
        for id in ids where id >= 0 && id < vocabSize {
            out.append(contentsOf: arena[starts[id]..<starts[id + 1]])
        }
        return out
    }

    /// The bytes of one id (empty for an unused id).
    public func tokenBytes(_ id: Int) -> [UInt8] {
        guard id >= 0 && id < vocabSize else { return [] }
        return Array(arena[starts[id]..<starts[id + 1]])
    }

    /// The vocabulary spelling (`Ġthe`; a special token as itself).
    public func tokenText(_ id: Int) -> String? {
        guard id >= 0 && id < vocabSize, starts[id] < starts[id + 1] else { return nil }
        let bytes = arena[starts[id]..<starts[id + 1]]
        return isSpecial[id] ? String(decoding: bytes, as: UTF8.self) : ByteLevelAlphabet.text(of: bytes)
    }

    public func tokenID(_ text: String) -> Int? {
        if let id = specialTokens[text] { return id }
        guard let bytes = ByteLevelAlphabet.bytes(of: text), !bytes.isEmpty else { return nil }
        return bytes.withUnsafeBytes { raw -> Int? in
            let h = ByteSliceTable.hash(raw.baseAddress!, bytes.count)
            guard let (s, _) = tokenTable.find(raw.baseAddress!, bytes.count, hash: h) else { return nil }
            return Int(tokenTable.values[s])
        }
    }

    /// Merges one piece with both merge procedures (quadratic scan, heap), for tests.
    func mergeBothWays(_ piece: [UInt8]) -> (quadratic: [UInt32], heap: [UInt32]) {
        var a: [UInt32] = [], b: [UInt32] = []
        byteToken.withUnsafeBufferPointer { bt in
            pairs.withLookup { lookup in
                piece.withUnsafeBufferPointer { p in
                    BPEMerge.mergeQuadratic(p.baseAddress!, count: p.count, byteToken: bt.baseAddress!, lookup: lookup, into: &a)
                    BPEMerge.mergeWithHeap(p.baseAddress!, count: p.count, byteToken: bt.baseAddress!, lookup: lookup, into: &b)
                }
            }
        }
        return (a, b)
    }

    // MARK: Encoding

    func takeCache() -> ByteSliceTable {
        cacheLock.lock()
        defer { cacheLock.unlock() }
        let cache = cacheSlot ?? ByteSliceTable(minimumCapacity: 4096)
        cacheSlot = nil
        return cache
    }

    func returnCache(_ cache: ByteSliceTable) {
        cacheLock.lock()
        cacheSlot = cache
        cacheLock.unlock()
    }

    /// Pre-tokenizes and merges `p[from ..< to]`, appending tokens with absolute offsets.
    private func encodeOrdinary(_ whole: UnsafeBufferPointer<UInt8>, _ from: Int, _ to: Int,
                                _ cache: ByteSliceTable, _ out: inout [Token]) {
        let p = UnsafeBufferPointer(rebasing: whole[from..<to])
        let scanner = GPT2PreTokenizer(p)
        let tiktoken = usesTiktokenRules
        let tokenTable = self.tokenTable
        var ids: [UInt32] = []
        ids.reserveCapacity(64)
        byteToken.withUnsafeBufferPointer { byteToken in
            lengths.withUnsafeBufferPointer { lengths in
                pairs.withLookup { lookup in
                    let base = p.baseAddress!
                    var i = 0
                    let n = p.count
                    @inline(__always) func emit(_ id: UInt32, _ start: inout Int) {
                        let end = start + Int(lengths[Int(id)])
                        out.append(Token(id: Int(id), byteRange: start..<end))
                        start = end
                    }
                    while i < n {
                        let e = scanner.pieceEnd(from: i)
                        let m = e - i
                        var start = from + i
                        if m == 1 {
                            emit(byteToken[Int(base[i])], &start)
                            i = e
                            continue
                        }
                        let piece = UnsafeRawPointer(base + i)
                        let cacheable = m <= Self.cacheMaxPieceLength
                        let h = cacheable ? ByteSliceTable.hash(piece, m) : 0
                        if cacheable, let (s, c) = cache.find(piece, m, hash: h) {
                            let values = cache.values
                            for k in s..<(s + c) { emit(values[k], &start) }
                            i = e
                            continue
                        }
                        ids.removeAll(keepingCapacity: true)
                        if tiktoken, let (s, _) = tokenTable.find(piece, m, hash: cacheable ? h : ByteSliceTable.hash(piece, m)) {
                            ids.append(tokenTable.values[s])
                        } else {
                            BPEMerge.merge(base + i, count: m, byteToken: byteToken.baseAddress!, lookup: lookup, into: &ids)
                        }
                        if cacheable {
                            if cache.count >= Self.cacheLimit { cache.removeAll() }
                            ids.withUnsafeBufferPointer { cache.insert(piece, m, hash: h, values: $0) }
                        }
                        for id in ids { emit(id, &start) }
                        i = e
                    }
                }
            }
        }
    }
}
