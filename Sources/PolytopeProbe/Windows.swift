import PolytopeModel
import PolytopeTokenizers

/// A window of one document fed to the model: token ids (with the model's sequence markers),
/// and which of its positions are recorded.
public struct ProbeWindow: Sendable {
    public var index: Int
    public var document: Int
    public var source: String
    public var ids: [Int32]
    /// Byte spans in the document of each position (markers get empty spans).
    public var spans: [Range<Int>]
    /// Positions (into `ids`) whose codes are recorded.
    public var recorded: [Int]
}

/// Cuts tokenized documents into windows of the model's context and picks the recorded tokens.
/// The one place that knows how a model sees a document: the probe, the row resolver, `paths`,
/// `--random-pairs`, `linearize` and `scale` all cut their windows here.
public struct WindowPlanner: Sendable {
    public let contextLength: Int
    /// Tokens the window advances by; `nil` = the window's content length (no overlap).
    public let stride: Int?
    public let sampling: TokenSampling
    /// Sequence markers around each window's content ([CLS] ... [SEP] for BERT).
    public let prefix: [Int32]
    public let suffix: [Int32]

    public init(contextLength: Int, stride: Int?, sampling: TokenSampling, prefix: [Int32] = [], suffix: [Int32] = []) {
        self.contextLength = contextLength
        self.stride = stride
        self.sampling = sampling
        self.prefix = prefix
        self.suffix = suffix
    }

    /// Default window length for models with longer contexts (SmolLM2's 8,192): windows of
    /// GPT-2's length keep attention's cost per token bounded and give the paper protocol's
    /// few tokens per window a thousand times a megabyte of text, not a hundred.
    public static let defaultContextCap = 1024

    /// The planner for a model: its anatomy's sequence markers around every window, and
    /// `context` tokens in all (markers included; default: the model's context length, at most
    /// `defaultContextCap`; cap: the model's context length).
    public static func forModel(_ model: Model, context: Int? = nil, stride: Int? = nil,
                                sampling: TokenSampling = .all) throws -> WindowPlanner {
        let anatomy = try model.requireAnatomy()
        let modelContext = model.spec.contextLength > 0 ? model.spec.contextLength : Int.max
        guard context != nil || modelContext != Int.max else {
            throw ModelError.badInput("the model states no context length: give one (--context)")
        }
        let ctx = min(context ?? defaultContextCap, modelContext)
        let prefix = anatomy.prefixTokens, suffix = anatomy.suffixTokens
        guard ctx > prefix.count + suffix.count else {
            throw ModelError.badInput("a window of \(ctx) tokens leaves no room for tokens between the model's \(prefix.count + suffix.count) sequence markers")
        }
        if let s = stride, s < 1 { throw ModelError.badInput("the stride must be at least 1 token (got \(s))") }
        return WindowPlanner(contextLength: ctx, stride: stride, sampling: sampling, prefix: prefix, suffix: suffix)
    }

    public var contentLength: Int { contextLength - prefix.count - suffix.count }

    /// The probe window whose content starts at token `start` of a document's tokens `ids`
    /// (what the collector ran for a row recorded at content offset `index - start`).
    public func window(contentStart start: Int, in ids: [Int32]) -> [Int32] {
        prefix + ids[start..<min(ids.count, start + contentLength)] + suffix
    }

    /// The window a model runs to see token `index` of `ids` (a document's or a text's tokens,
    /// without markers), and the token's position in it. A causal model sees the
    /// `contentLength` tokens ending at the token (later ones cannot affect it); a
    /// bidirectional one the `contentLength`-token slice around it. Markers wrap the content.
    public func window(around index: Int, in ids: [Int32], causal: Bool) -> (ids: [Int32], position: Int) {
        let n = contentLength
        let lo: Int
        if causal {
            lo = max(0, index - n + 1)
            return (prefix + ids[lo...index] + suffix, prefix.count + index - lo)
        }
        lo = ids.count <= n ? 0 : max(0, min(index - n / 2, ids.count - n))
        return (window(contentStart: lo, in: ids), prefix.count + index - lo)
    }
    var step: Int { min(max(1, stride ?? contentLength), contentLength) }

    /// The windows of one document's tokens, as (start, end) into the token list, plus for each
    /// window the token indices (into the document's tokens) that are new to it.
    func spans(tokenCount n: Int) -> [(Range<Int>, Range<Int>)] {
        guard n > 0 else { return [] }
        var out: [(Range<Int>, Range<Int>)] = []
        var start = 0
        var covered = 0
        while true {
            let end = min(start + contentLength, n)
            out.append((start..<end, max(covered, start)..<end))
            covered = end
            if end >= n { break }
            start += step
        }
        return out
    }

    /// Positions (window-relative, content only) eligible for recording: new tokens at or past
    /// the skip.
    func eligible(window: Range<Int>, new: Range<Int>) -> [Int] {
        let skip = sampling.skip
        return new.compactMap { t in
            let pos = t - window.lowerBound
            return pos >= skip ? pos : nil
        }
    }

    /// Evenly spaced choice of `count` of the eligible positions.
    static func evenly(_ eligible: [Int], count: Int) -> [Int] {
        guard count < eligible.count else { return eligible }
        guard count > 0 else { return [] }
        return (0..<count).map { j in eligible[(2 * j + 1) * eligible.count / (2 * count)] }
    }

    /// Builds the windows of one document. `nextEligible` numbers eligible tokens across the
    /// corpus (for random sampling, which keeps those whose number is in `chosen`).
    func windows(document: Int, source: String, tokens: [Token], firstWindowIndex: Int,
                 nextEligible: inout Int, chosen: Set<Int>?) -> [ProbeWindow] {
        var out: [ProbeWindow] = []
        for (w, new) in spans(tokenCount: tokens.count) {
            let eligible = eligible(window: w, new: new)
            var picked: [Int]
            switch sampling {
            case .all: picked = eligible
            case .evenlySpaced(let n, _): picked = WindowPlanner.evenly(eligible, count: n)
            case .random:
                picked = []
                for p in eligible {
                    if chosen?.contains(nextEligible) == true { picked.append(p) }
                    nextEligible += 1
                }
            }
            let content = tokens[w]
            let ids = prefix + content.map { Int32($0.id) } + suffix
            let spans = [Range<Int>](repeating: 0..<0, count: prefix.count) + content.map(\.byteRange)
                + [Range<Int>](repeating: 0..<0, count: suffix.count)
            out.append(ProbeWindow(index: firstWindowIndex + out.count, document: document, source: source,
                                   ids: ids, spans: spans, recorded: picked.map { $0 + prefix.count }))
        }
        return out
    }

    /// Tokens a window with `eligible` eligible positions records (random sampling: all of
    /// them at most; the sample size caps the total).
    func recordedCount(eligible: Int) -> Int {
        if case .evenlySpaced(let n, _) = sampling { return min(n, eligible) }
        return eligible
    }
}
