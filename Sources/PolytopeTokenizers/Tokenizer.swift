import Foundation

/// One token of an encoding: its vocabulary id and the UTF-8 byte span `[start, end)` of the
/// original input it came from.
///
/// For byte-level BPE the spans of the ordinary tokens partition the input bytes exactly (no
/// gaps, no overlaps), even where a token covers only part of a multi-byte character. For
/// WordPiece the spans follow Hugging Face `tokenizers`: they refer to the original (not
/// lower-cased or normalised) input, whitespace and removed characters belong to no token, and
/// added `[CLS]` / `[SEP]` tokens carry the empty span `0..<0`.
public struct Token: Equatable, Hashable, Sendable, CustomStringConvertible {
    /// The vocabulary id.
    public var id: Int
    /// UTF-8 byte offsets `[start, end)` into the original input.
    public var byteRange: Range<Int>

    public init(id: Int, byteRange: Range<Int>) {
        self.id = id
        self.byteRange = byteRange
    }

    public var description: String { "\(id)@\(byteRange.lowerBound)..<\(byteRange.upperBound)" }
}

/// What to do with input bytes that are not valid UTF-8.
///
/// - `reject` (the default): `encode` throws ``TokenizerError/invalidUTF8(offset:)`` naming the
///   byte offset of the first byte that does not start a valid UTF-8 sequence.
/// - `lossy`: never throws for bad bytes.
///   * Byte-level BPE encodes arbitrary bytes losslessly anyway: each byte that is not part of a
///     valid sequence is pre-tokenised as a one-byte "other" character (the class of
///     punctuation in GPT-2's pattern) and becomes its own byte token, so
///     `decode(encode(x)) == x` for every byte string `x`.
///   * WordPiece replaces each invalid byte by U+FFFD, keeping offsets into the original bytes;
///     with `cleanText` on (BERT's default) U+FFFD is then removed like a control character, so
///     invalid bytes simply produce no token.
public enum InvalidUTF8Policy: Sendable, Equatable {
    case reject
    case lossy
}

/// Which special tokens (`<|endoftext|>`, `[CLS]`, ...) are recognised when they occur
/// literally in the input, like tiktoken's `allowed_special`. Text of a special token that is not
/// allowed is encoded as ordinary text.
public enum AllowedSpecialTokens: Sendable, Equatable {
    case none
    case all
    case only(Set<String>)

    @inlinable
    func allows(_ text: String) -> Bool {
        switch self {
        case .none: return false
        case .all: return true
        case .only(let set): return set.contains(text)
        }
    }
}

/// Options of one `encode` call.
public struct EncodeOptions: Sendable, Equatable {
    /// Special tokens recognised in the input text. Default: none.
    public var allowedSpecial: AllowedSpecialTokens
    /// What to do with invalid UTF-8. Default: ``InvalidUTF8Policy/reject``.
    public var invalidUTF8: InvalidUTF8Policy
    /// Whether to add the tokenizer's sequence markers (`[CLS]` ... `[SEP]` for WordPiece).
    /// `nil` uses the tokenizer's own default; byte-level BPE adds none.
    public var addSpecialTokens: Bool?

    public init(allowedSpecial: AllowedSpecialTokens = .none,
                invalidUTF8: InvalidUTF8Policy = .reject,
                addSpecialTokens: Bool? = nil) {
        self.allowedSpecial = allowedSpecial
        self.invalidUTF8 = invalidUTF8
        self.addSpecialTokens = addSpecialTokens
    }
}

/// The family a tokenizer belongs to.
public enum TokenizerKind: String, Sendable {
    case byteLevelBPE = "byte-level-bpe"
    case wordPiece = "wordpiece"
}

/// A text tokenizer: bytes in, tokens (id + byte span) out.
///
/// Empty input gives no tokens (plus markers such as `[CLS]` `[SEP]` where they are asked for).
/// Implementations are safe to share between threads.
public protocol Tokenizer: Sendable {
    var kind: TokenizerKind { get }
    /// Number of ids: the largest id plus one.
    var vocabSize: Int { get }
    /// Encodes UTF-8 bytes. Throws ``TokenizerError/invalidUTF8(offset:)`` for invalid UTF-8
    /// unless `options.invalidUTF8 == .lossy`.
    func encode(_ bytes: [UInt8], options: EncodeOptions) throws -> [Token]
    /// The bytes the ids stand for, concatenated. Unknown ids are skipped.
    func decode(_ ids: [Int]) -> [UInt8]
    /// A token's text for reports: the vocabulary entry (`Ġthe`, `##ing`) or `nil` for an
    /// unknown id.
    func tokenText(_ id: Int) -> String?
    /// The id of a vocabulary entry as `tokenText` spells it.
    func tokenID(_ text: String) -> Int?
    /// The ids `encode` puts before and after the text when markers are on (Hugging Face's
    /// post-processor: `[CLS]`/`[SEP]`, `<|begin_of_text|>`, OPT's `</s>`; none for GPT-2).
    var sequenceMarkers: SequenceMarkers { get }
}

extension Tokenizer {
    /// No markers, unless the tokenizer says otherwise.
    public var sequenceMarkers: SequenceMarkers { SequenceMarkers() }

    /// Encodes a Swift string (always valid UTF-8).
    public func encode(_ text: String, options: EncodeOptions = EncodeOptions()) throws -> [Token] {
        try encode(Array(text.utf8), options: options)
    }

    /// Encodes bytes with default options.
    public func encode(_ bytes: [UInt8]) throws -> [Token] {
        try encode(bytes, options: EncodeOptions())
    }

    /// The decoded text; invalid UTF-8 (e.g. a cut multi-byte character) becomes U+FFFD.
    public func decodeString(_ ids: [Int]) -> String {
        String(decoding: decode(ids), as: UTF8.self)
    }
}
