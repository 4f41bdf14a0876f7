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
/// document's tokens once read, so many rows cost one tokenization per document. The window
/// is the one the probe ran: the probe's `WindowPlanner` (the model's markers, the context
/// length in probe-state.json) applied to the content start the row's position implies.
public final class ProbeRowResolver {
    public let directory: ProbeDirectory
    public let records: [TokenRecord]
    public let summary: ProbeSummary
    let model: Model
    let tokenizer: any Tokenizer
    /// The probe's planner (nil without probe-state.json: windows then cut around the token).
    let planner: WindowPlanner?
    let fallback: WindowPlanner
    var documents: [Int: [Token]] = [:]
    var paragraphs: Bool?

    public init(directory path: String, model: Model, tokenizer: any Tokenizer) throws {
        directory = ProbeDirectory(path: path)
        records = try directory.records()
        summary = try directory.summary()
        self.model = model
        self.tokenizer = tokenizer
        fallback = try WindowPlanner.forModel(model)
        planner = try directory.state().flatMap { $0.contextLength }.map { try WindowPlanner.forModel(model, context: $0) }
    }

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
        let spec = spec ?? "\(directory.path):\(row)"
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
            if let planner, r.position >= planner.prefix.count {
                let start = i - (r.position - planner.prefix.count)
                if start >= 0, i < start + planner.contentLength {
                    return TokenPoint(spec: spec, tokens: planner.window(contentStart: start, in: ids), position: r.position, tokenText: text)
                }
            }
            let (window, pos) = fallback.window(around: i, in: ids, causal: model.isCausal)
            return TokenPoint(spec: spec, tokens: window, position: pos, tokenText: text)
        }
        throw GeometryError.badProbe(path: directory.path, reason: "row \(row): token \(r.tokenID) at bytes \(r.byteStart)..<\(r.byteEnd) of document \(r.document) was not found in the corpus \(summary.corpus) (changed since the probe?)")
    }
}
