import PolytopeReport
import Foundation

/// The bytes of the corpus documents a report shows, read again from the corpus (only the
/// documents asked for are kept), and the text around a token cut at character boundaries.
public struct DocumentTexts: Sendable {
    var documents: [Int: [UInt8]] = [:]
    var sources: [Int: String] = [:]

    public init(corpus: Corpus, needed: Set<Int>) throws {
        try corpus.forEachDocument { doc in
            if needed.contains(doc.index) {
                documents[doc.index] = doc.bytes
                sources[doc.index] = doc.source
            }
        }
    }

    public func source(_ doc: Int) -> String { sources[doc] ?? "document \(doc)" }

    /// The token's text and up to `context` bytes each side, widened/narrowed to UTF-8 boundaries.
    public func occurrence(_ r: TokenRecord, context: Int, distance: Int?) -> TokenOccurrence {
        let bytes = documents[r.document] ?? []
        let start = min(r.byteStart, bytes.count), end = min(max(r.byteEnd, start), bytes.count)
        var ls = max(0, start - context)
        while ls < start, DocumentTexts.isContinuation(bytes[ls]) { ls += 1 }
        var re = min(bytes.count, end + context)
        while re < bytes.count, re > end, DocumentTexts.isContinuation(bytes[re]) { re -= 1 }
        func text(_ a: Int, _ b: Int) -> String { String(decoding: bytes[a..<b], as: UTF8.self) }
        return TokenOccurrence(document: r.document, source: source(r.document), byteStart: r.byteStart, byteEnd: r.byteEnd,
                               window: r.window, position: r.position, tokenID: r.tokenID,
                               text: text(start, end), left: text(ls, start), right: text(end, re), distance: distance)
    }

    static func isContinuation(_ b: UInt8) -> Bool { b & 0xC0 == 0x80 }
}
