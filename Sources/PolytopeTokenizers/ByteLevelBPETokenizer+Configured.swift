import Foundation

/// Tokens a tokenizer puts around every sequence it encodes with its markers on: Hugging
/// Face's `post_processor` (TemplateProcessing `single`, BertProcessing, RobertaProcessing) —
/// `[CLS] … [SEP]` for BERT, `<|begin_of_text|> …` for Llama 3, `</s> …` for OPT, nothing for
/// GPT-2. A plain value, so a model's anatomy can record it.
public struct SequenceMarkers: Sendable, Equatable, CustomStringConvertible {
    /// Ids before the text, in order.
    public var prefix: [Int]
    /// Ids after the text, in order.
    public var suffix: [Int]
    /// The token text of each id (`[CLS]`, `</s>`), for messages and reports.
    public var names: [Int: String]

    public init(prefix: [Int] = [], suffix: [Int] = [], names: [Int: String] = [:]) {
        self.prefix = prefix
        self.suffix = suffix
        self.names = names
    }

    public var isEmpty: Bool { prefix.isEmpty && suffix.isEmpty }

    public var description: String {
        let p = prefix.map { names[$0] ?? "\($0)" }, s = suffix.map { names[$0] ?? "\($0)" }
        return (p + ["$A"] + s).joined(separator: " ")
    }
}

/// What a byte-level BPE tokenizer built from `tokenizer.json` (or a vocabulary list) does
/// beyond GPT-2's rules.
public struct ByteLevelBPEConfiguration: Sendable, Equatable {
    /// The `NFC` normalizer (Qwen2, GPT-NeoX-20B / Pythia), with Hugging Face's alignment
    /// (``NFCNormalizer``).
    public var nfc: Bool = false
    public var preTokenizer: ByteLevelPreTokenizer
    /// `ignore_merges` (Llama 3): a piece that is itself a vocabulary entry is one token, without
    /// merging.
    public var ignoreMerges: Bool
    /// `added_tokens`, matched in the text before pre-tokenization.
    public var addedTokens: [AddedToken]
    /// The post-processor's markers, added when ``EncodeOptions/addSpecialTokens`` is not false.
    public var markers: SequenceMarkers
    /// The post-processor's `trim_offsets` (ByteLevel, RobertaProcessing): a token's span leaves
    /// out its leading and trailing spaces.
    public var trimOffsets: Bool
    /// The post-processor's `add_prefix_space`, which keeps the first token's leading space
    /// when trimming.
    public var trimKeepsFirstSpace: Bool

    public init(preTokenizer: ByteLevelPreTokenizer = .gpt2, ignoreMerges: Bool = false, addedTokens: [AddedToken] = [],
                markers: SequenceMarkers = SequenceMarkers(), trimOffsets: Bool = false, trimKeepsFirstSpace: Bool = false) {
        self.preTokenizer = preTokenizer
        self.ignoreMerges = ignoreMerges
        self.addedTokens = addedTokens
        self.markers = markers
        self.trimOffsets = trimOffsets
        self.trimKeepsFirstSpace = trimKeepsFirstSpace
    }
}

extension ByteLevelBPETokenizer {
    /// The markers the post-processor adds (none for a tokenizer from vocab.json).
    public var sequenceMarkers: SequenceMarkers { configuration?.markers ?? SequenceMarkers() }

    /// Hugging Face's encoding: added tokens, pre-tokenizer, merge; each span is widened to
    /// whole characters (a token that covers part of a character spans all of it, as Hugging
    /// Face aligns bytes to characters), then trimmed if the post-processor says so.
    /// - Complexity: O(n) plus the merges (see ``BPEMerge``).
    func encodeConfigured(_ bytes: [UInt8], options: EncodeOptions, _ config: ByteLevelBPEConfiguration) throws -> [Token] {
        try bytes.withUnsafeBufferPointer { p in
            if options.invalidUTF8 == .reject, let offset = UTF8Scan.firstInvalidOffset(p) {
                throw TokenizerError.invalidUTF8(offset: offset)
            }
            var body: [Token] = []
            body.reserveCapacity(p.count / 3 + 1)
            let cache = takeCache()
            defer { returnCache(cache) }
            if config.nfc {
                // Non-normalized added tokens on the input; each gap normalized, then its
                // normalized added tokens and pieces, offsets mapped back through the alignment.
                var position = 0
                let raw = addedMatcher.pass(p, 0, p.count, normalized: false, allowed: options.allowedSpecial)
                for m in raw + [AddedTokenMatcher.Match(start: p.count, end: p.count, id: -1)] {
                    if m.start > position {
                        let gap = UnsafeBufferPointer(rebasing: p[position..<m.start])
                        if let (bytes, spans) = NFCNormalizer.normalize(gap) {
                            var local: [Token] = []
                            bytes.withUnsafeBufferPointer { q in
                                encodeGap(q, 0, q.count, addedMatcher.pass(q, 0, q.count, normalized: true, allowed: options.allowedSpecial),
                                          config, cache, &local)
                            }
                            for t in local {
                                let r = t.byteRange
                                let a = position + spans[r.lowerBound].lowerBound
                                body.append(Token(id: t.id, byteRange: a..<max(a, position + spans[r.upperBound - 1].upperBound)))
                            }
                        } else {
                            encodeGap(p, position, m.start, addedMatcher.pass(p, position, m.start, normalized: true, allowed: options.allowedSpecial),
                                      config, cache, &body)
                        }
                    }
                    if m.id >= 0 { body.append(Token(id: m.id, byteRange: m.start..<m.end)) }
                    position = m.end
                }
            } else {
                encodeGap(p, 0, p.count, addedMatcher.matches(in: p, allowed: options.allowedSpecial), config, cache, &body)
            }
            if config.trimOffsets { trim(&body, p, config) }
            guard options.addSpecialTokens ?? true, !config.markers.isEmpty else { return body }
            let mark = { (id: Int) in Token(id: id, byteRange: 0..<0) }
            return config.markers.prefix.map(mark) + body + config.markers.suffix.map(mark)
        }
    }

    /// Encodes `p[from ..< to]` around the added-token `matches` found in it.
    private func encodeGap(_ p: UnsafeBufferPointer<UInt8>, _ from: Int, _ to: Int, _ matches: [AddedTokenMatcher.Match],
                           _ config: ByteLevelBPEConfiguration, _ cache: ByteSliceTable, _ out: inout [Token]) {
        var position = from
        for m in matches {
            if m.start > position { encodePieces(p, position, m.start, config, cache, &out) }
            out.append(Token(id: m.id, byteRange: m.start..<m.end))
            position = m.end
        }
        if position < to { encodePieces(p, position, to, config, cache, &out) }
    }

    private func encodePieces(_ whole: UnsafeBufferPointer<UInt8>, _ from: Int, _ to: Int, _ config: ByteLevelBPEConfiguration,
                              _ cache: ByteSliceTable, _ out: inout [Token]) {
        let n = whole.count
        @inline(__always) func charStart(_ i: Int) -> Int {
            var s = i
            while s > 0 && i - s < 3 && whole[s] & 0xC0 == 0x80 { s -= 1 }
            return s
        }
        @inline(__always) func charEnd(_ e: Int) -> Int {
            var t = e
            while t < n && t - e < 3 && whole[t] & 0xC0 == 0x80 { t += 1 }
            return t
        }
        var ids: [UInt32] = []
        ids.reserveCapacity(64)
        var kept: [Int] = []
        var filtered: [UInt8] = []
        byteToken.withUnsafeBufferPointer { byteToken in
            pairs.withLookup { lookup in
                config.preTokenizer.forEachPiece(UnsafeBufferPointer(rebasing: whole[from..<to])) { piece, start, virtual in
                    let inputStart = from + start
                    // Working byte w of the piece is input byte inputStart + w (− 1 after a
                    // virtual space, which stands for the piece's first character).
                    @inline(__always) func input(_ w: Int) -> Int { virtual ? (w == 0 ? inputStart : inputStart + w - 1) : inputStart + w }
                    if piece.contains(where: { byteToken[Int($0)] == Self.missingByte }) {
                        // Bytes without a token are dropped before merging (Hugging Face).
                        kept = piece.indices.filter { byteToken[Int(piece[$0])] != Self.missingByte }
                        filtered = kept.map { piece[$0] }
                        guard !filtered.isEmpty else { return }
                        filtered.withUnsafeBufferPointer { mergePiece($0, config.ignoreMerges, byteToken.baseAddress!, lookup, cache, &ids) }
                        var w = 0
                        for id in ids {
                            let e = w + Int(lengths[Int(id)])
                            out.append(Token(id: Int(id), byteRange: charStart(input(kept[w]))..<charEnd(input(kept[e - 1]) + 1)))
                            w = e
                        }
                        return
                    }
                    mergePiece(piece, config.ignoreMerges, byteToken.baseAddress!, lookup, cache, &ids)
                    var w = 0
                    for id in ids {
                        let e = w + Int(lengths[Int(id)])
                        out.append(Token(id: Int(id), byteRange: charStart(input(w))..<charEnd(input(e - 1) + 1)))
                        w = e
                    }
                }
            }
        }
    }

    /// Merges one piece (cached), or takes it whole when `ignoreMerges` and it is a token.
    private func mergePiece(_ piece: UnsafeBufferPointer<UInt8>, _ ignoreMerges: Bool, _ byteToken: UnsafePointer<UInt32>,
                            _ lookup: PairRankTable.Lookup, _ cache: ByteSliceTable, _ ids: inout [UInt32]) {
        ids.removeAll(keepingCapacity: true)
        let m = piece.count
        let base = UnsafeRawPointer(piece.baseAddress!)
        if m == 1 { ids.append(byteToken[Int(piece[0])]); return }
        let cacheable = m <= Self.cacheMaxPieceLength
        let h = ByteSliceTable.hash(base, m)
        if cacheable, let (s, c) = cache.find(base, m, hash: h) {
            for k in s..<(s + c) { ids.append(cache.values[k]) }
            return
        }
        if ignoreMerges, let (s, _) = tokenTable.find(base, m, hash: h) {
            ids.append(tokenTable.values[s])
        } else {
            BPEMerge.merge(piece.baseAddress!, count: m, byteToken: byteToken, lookup: lookup, into: &ids)
        }
        if cacheable {
            if cache.count >= Self.cacheLimit { cache.removeAll() }
            ids.withUnsafeBufferPointer { cache.insert(base, m, hash: h, values: $0) }
        }
    }

    /// Hugging Face's `process_offsets` (ByteLevel post-processor with `trim_offsets`), which
    /// works in characters: move a span's start past the token's leading spaces and its end
    /// before its trailing ones (a byte-level token's spaces are its U+0020 bytes; an added
    /// token's are the White_Space characters of the text it matched, `lstrip`/`rstrip` included),
    /// except a first token's single leading space when the processor adds a prefix space.
    private func trim(_ tokens: inout [Token], _ p: UnsafeBufferPointer<UInt8>, _ config: ByteLevelBPEConfiguration) {
        func classes(_ bytes: [UInt8]) -> [Bool] {  // is-whitespace per character
            bytes.withUnsafeBufferPointer { q in
                let scanner = GPT2PreTokenizer(q)
                var out: [Bool] = [], i = 0
                while i < q.count { let (c, l) = scanner.classAt(i); out.append(c == UnicodeTables.whitespace); i += l }
                return out
            }
        }
        func advance(_ pos: Int, _ k: Int, _ limit: Int) -> Int {
            var i = pos
            for _ in 0..<k where i < limit {
                i += 1
                while i < limit && p[i] & 0xC0 == 0x80 { i += 1 }
            }
            return min(i, limit)
        }
        func retreat(_ pos: Int, _ k: Int) -> Int? {
            var i = pos
            for _ in 0..<k {
                guard i > 0 else { return nil }
                i -= 1
                while i > 0 && p[i] & 0xC0 == 0x80 { i -= 1 }
            }
            return i
        }
        for i in tokens.indices {
            let t = tokens[i]
            let spaces: [Bool]
            if isSpecial[t.id] {  // added tokens (their text is in the arena as is)
                spaces = classes(Array(p[t.byteRange]))
            } else {
                spaces = tokenBytes(t.id).map { $0 == 0x20 }
            }
            var leading = spaces.prefix(while: { $0 }).count
            let trailing = spaces.reversed().prefix(while: { $0 }).count
            guard leading > 0 || trailing > 0 else { continue }
            var r = t.byteRange
            if leading > 0 {
                if (i == 0 || r.lowerBound == 0) && config.trimKeepsFirstSpace && leading == 1 { leading = 0 }
                r = advance(r.lowerBound, leading, r.upperBound)..<r.upperBound
            }
            if trailing > 0, let end = retreat(r.upperBound, trailing) {
                r = r.lowerBound..<max(end, r.lowerBound)
            }
            tokens[i].byteRange = r
        }
    }
}
