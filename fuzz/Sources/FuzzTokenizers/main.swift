import CFuzzer
import Foundation
import PolytopeTokenizers

/// Tokenizer files: the first byte picks the format (vocab.json + merges.txt, tokenizer.json,
/// .tiktoken ranks, vocab.txt); for vocab.json + merges.txt the rest is split at the first NUL
/// byte. Any bytes either fail with a `TokenizerError` or give a tokenizer, which then encodes
/// a fixed text (lossy and strict) and the input's own bytes; every token's byte range must lie
/// inside the input and the ranges must be ordered (starts and ends never decrease). Tokens
/// loaded from vocab.json or tiktoken files partition the input; tokens from a tokenizer.json
/// follow Hugging Face, where the byte tokens of one character all span that character.
let sample = Array("It is a truth universally acknowledged, that a single man <|endoftext|> [SEP] naïve café 東京 \u{1F600}".utf8)

func check(_ tokens: [Token], count: Int) {
    var start = 0, end = 0
    for t in tokens where !t.byteRange.isEmpty {
        guard t.byteRange.lowerBound >= start, t.byteRange.upperBound >= end, t.byteRange.upperBound <= count else {
            fatalError("token \(t) has byte range \(t.byteRange) out of order (previous \(start)..<\(end)) or outside 0..<\(count)")
        }
        (start, end) = (t.byteRange.lowerBound, t.byteRange.upperBound)
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
func fuzzTokenizers(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data, size >= 1 else { return 0 }
    let body = Data(bytes: data + 1, count: size - 1)
    let tokenizer: (any Tokenizer)?
    switch data[0] % 4 {
    case 0:
        let parts = body.split(separator: 0, maxSplits: 1, omittingEmptySubsequences: false)
        tokenizer = try? ByteLevelBPETokenizer(vocabJSON: Data(parts[0]), merges: parts.count > 1 ? Data(parts[1]) : Data())
    case 1: tokenizer = try? HuggingFaceTokenizerJSON.tokenizer(from: body)
    case 2: tokenizer = try? ByteLevelBPETokenizer(tiktokenRanks: body)
    default: tokenizer = try? WordPieceTokenizer(vocabTXT: body, configuration: .init())
    }
    guard let tokenizer else { return 0 }
    for options in [EncodeOptions(allowedSpecial: .all, invalidUTF8: .lossy), EncodeOptions()] {
        if let tokens = try? tokenizer.encode(sample, options: options) { check(tokens, count: sample.count) }
    }
    let own = [UInt8](body.prefix(256))
    if let tokens = try? tokenizer.encode(own, options: EncodeOptions(allowedSpecial: .all, invalidUTF8: .lossy)) {
        check(tokens, count: own.count)
    }
    return 0
}

var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in fuzzTokenizers(data, size) })
