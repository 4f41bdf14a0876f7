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

    /// A recorded token of a probe output. The probe keeps document, byte span and token id,
    /// not the window's ids, so the document is read again from the corpus named in
    /// summary.json and tokenized whole; the window is then cut around the token as for
    /// TEXT@INDEX (for a causal model: the context-length tokens ending at it, which is the
    /// probe's own window when the token was recorded from a window starting at a multiple of
    /// the context). The token id found must equal the recorded one, or this is an error.
    ///
    /// - Complexity: reading and tokenizing the token's document.
    static func probeRow(directory: String, row: Int, spec: String, model: Model, tokenizer: any Tokenizer) throws -> TokenPoint {
        let dirURL = URL(fileURLWithPath: directory)
        let tokensURL = dirURL.appendingPathComponent("tokens.bin"), summaryURL = dirURL.appendingPathComponent("summary.json")
        guard FileManager.default.fileExists(atPath: tokensURL.path) else {
            throw GeometryError.badProbe(path: directory, reason: "no tokens.bin (is it a `polytope probe` output directory?)")
        }
        let records = try TokenTable.read(tokensURL)
        guard row >= 0, row < records.count else {
            throw GeometryError.badPosition(spec, reason: "row \(row) is outside the probe's \(records.count) recorded tokens (0..<\(records.count))")
        }
        guard let summaryData = FileManager.default.contents(atPath: summaryURL.path) else {
            throw GeometryError.badProbe(path: directory, reason: "no summary.json (it names the corpus to read the token's document from)")
        }
        let summary = try JSONDecoder().decode(ProbeSummary.self, from: summaryData)
        let r = records[row]
        // Documents are numbered with the probe's corpus options; try whole files, then paragraphs.
        for paragraphs in [false, true] {
            var options = Corpus.Options()
            options.paragraphs = paragraphs
            var found: [UInt8]? = nil
            try Corpus(paths: summary.corpus, options: options).forEachDocument { doc in
                if doc.index == r.document { found = doc.bytes }
            }
            guard let bytes = found else { continue }
            let tokens = try tokenizer.encode(bytes, options: EncodeOptions(invalidUTF8: .lossy))
            guard let i = tokens.firstIndex(where: { $0.byteRange == r.byteStart..<r.byteEnd }), tokens[i].id == r.tokenID else { continue }
            let ids = tokens.map { Int32($0.id) }
            let (window, pos) = window(ids: ids, index: i, context: model.spec.contextLength, causal: isCausal(model))
            return TokenPoint(spec: spec, tokens: window, position: pos, tokenText: tokenizer.tokenText(r.tokenID) ?? "#\(r.tokenID)")
        }
        throw GeometryError.badProbe(path: directory, reason: "row \(row): token \(r.tokenID) at bytes \(r.byteStart)..<\(r.byteEnd) of document \(r.document) was not found in the corpus \(summary.corpus) (changed since the probe?)")
    }
}
