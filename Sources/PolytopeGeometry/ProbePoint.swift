import Foundation
import PolytopeModel
import PolytopeProbe
import PolytopeTokenizers

extension TokenPoint {
    /// Resolves a position given as "PROBE_DIR:ROW" (a token recorded by `polytope probe`,
    /// row ROW of its tokens.bin / codes) or "TEXT@INDEX" (see `parse`).
    public static func resolve(_ s: String, model: Model, tokenizer: any Tokenizer) throws -> TokenPoint {
        if let colon = s.lastIndex(of: ":") {
            let dir = String(s[..<colon]), rowString = String(s[s.index(after: colon)...])
            var isDir: ObjCBool = false
            if let row = Int(rowString), FileManager.default.fileExists(atPath: dir, isDirectory: &isDir), isDir.boolValue {
                return try probeRow(directory: dir, row: row, spec: s, model: model, tokenizer: tokenizer)
            }
        }
        return try parse(s, model: model, tokenizer: tokenizer)
    }

    /// A recorded token of a probe output. The probe keeps document, window position, byte
    /// span and token id, not the window's ids, so the document is read again from the corpus
    /// named in summary.json and tokenized whole (without sequence markers); the window is then
    /// rebuilt as the probe cut it: content tokens from (token index - position + markers) for
    /// the probe's context length (probe-state.json), between the tokenizer's markers. Without
    /// probe-state.json the window is cut around the token as for TEXT@INDEX. The token id
    /// found must equal the recorded one, or this is an error.
    ///
    /// - Complexity: reading and tokenizing the token's document.
    static func probeRow(directory: String, row: Int, spec: String, model: Model, tokenizer: any Tokenizer) throws -> TokenPoint {
        try ProbeRowResolver(directory: directory, model: model, tokenizer: tokenizer).point(row: row, spec: spec)
    }
}

/// Resolves rows of a probe output to token windows (see `TokenPoint.resolve`), keeping each
/// document's tokens once read, so many rows cost one tokenization per document.
public final class ProbeRowResolver {
    public let directory: String
    public let records: [TokenRecord]
    public let summary: ProbeSummary
    let model: Model
    let tokenizer: any Tokenizer
    var documents: [Int: [Token]] = [:]
    var paragraphs: Bool?

    public init(directory: String, model: Model, tokenizer: any Tokenizer) throws {
        let dirURL = URL(fileURLWithPath: directory)
        let tokensURL = dirURL.appendingPathComponent("tokens.bin"), summaryURL = dirURL.appendingPathComponent("summary.json")
        guard FileManager.default.fileExists(atPath: tokensURL.path) else {
            throw GeometryError.badProbe(path: directory, reason: "no tokens.bin (is it a `polytope probe` output directory?)")
        }
        guard let summaryData = FileManager.default.contents(atPath: summaryURL.path) else {
            throw GeometryError.badProbe(path: directory, reason: "no summary.json (it names the corpus to read the token's document from)")
        }
        self.directory = directory
        records = try TokenTable.read(tokensURL)
        summary = try JSONDecoder().decode(ProbeSummary.self, from: summaryData)
        self.model = model
        self.tokenizer = tokenizer
        let state = FileManager.default.contents(atPath: dirURL.appendingPathComponent("probe-state.json").path)
            .flatMap { try? JSONSerialization.jsonObject(with: $0) as? [String: Any] }
        context = ((state?["fingerprint"] as? [String: Any])?["context"] as? String).flatMap(Int.init)
        let markers = try tokenizer.encode("").map { Int32($0.id) }
        prefix = Array(markers.prefix(markers.count / 2 + markers.count % 2))
        suffix = Array(markers.suffix(markers.count / 2))
    }

    /// The probe's window length (markers included), from probe-state.json.
    let context: Int?
    /// Sequence markers the tokenizer puts around a text ([CLS] ... [SEP]).
    let prefix: [Int32]
    let suffix: [Int32]

    /// The tokens of document `index` under the given corpus option.
    func document(_ index: Int, paragraphs: Bool) throws -> [Token]? {
        if self.paragraphs == paragraphs, let t = documents[index] { return t }
        var options = Corpus.Options()
        options.paragraphs = paragraphs
        var found: [UInt8]? = nil
        try Corpus(paths: summary.corpus, options: options).forEachDocument { doc in
            if doc.index == index { found = doc.bytes }
        }
        guard let bytes = found else { return nil }
        let tokens = try tokenizer.encode(bytes, options: EncodeOptions(invalidUTF8: .lossy, addSpecialTokens: false))
        if self.paragraphs != paragraphs { documents = [:] }
        self.paragraphs = paragraphs
        documents[index] = tokens
        return tokens
    }

    public func point(row: Int, spec: String? = nil) throws -> TokenPoint {
        let spec = spec ?? "\(directory):\(row)"
        guard row >= 0, row < records.count else {
            throw GeometryError.badPosition(spec, reason: "row \(row) is outside the probe's \(records.count) recorded tokens (0..<\(records.count))")
        }
        let r = records[row]
        // Documents are numbered under the probe's corpus options; try whole files, then paragraphs.
        for p in paragraphs.map({ [$0, !$0] }) ?? [false, true] {
            guard let tokens = try document(r.document, paragraphs: p),
                  let i = tokens.firstIndex(where: { $0.byteRange == r.byteStart..<r.byteEnd }), tokens[i].id == r.tokenID else { continue }
            let ids = tokens.map { Int32($0.id) }
            let text = TokenPoint.display(r.tokenID, tokenizer)
            if let context, r.position >= prefix.count {
                let start = i - (r.position - prefix.count)
                let content = context - prefix.count - suffix.count
                if start >= 0, content > 0, i < start + content {
                    let window = prefix + ids[start..<min(ids.count, start + content)] + suffix
                    return TokenPoint(spec: spec, tokens: window, position: r.position, tokenText: text)
                }
            }
            let (window, pos) = TokenPoint.window(ids: prefix + ids + suffix, index: i + prefix.count, context: model.spec.contextLength,
                                                  causal: TokenPoint.isCausal(model))
            return TokenPoint(spec: spec, tokens: window, position: pos, tokenText: text)
        }
        throw GeometryError.badProbe(path: directory, reason: "row \(row): token \(r.tokenID) at bytes \(r.byteStart)..<\(r.byteEnd) of document \(r.document) was not found in the corpus \(summary.corpus) (changed since the probe?)")
    }
}
