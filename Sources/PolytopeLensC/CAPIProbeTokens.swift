import CPolytopeLens
import Foundation
import PolytopeProbe

// Tokens of a probe directory with the text around them (read again from the corpus).

/// The corpus of a finished probe: the paths in summary.json and the options recorded in the
/// state's corpus fingerprint (`...|paragraphs=B|field=F|lossy=B`).
func probeCorpus(dir: URL) throws -> Corpus {
    let summaryURL = dir.appendingPathComponent("summary.json")
    guard let data = FileManager.default.contents(atPath: summaryURL.path) else {
        throw CAPIError(Int32(PL_EIO), "\(dir.path): no summary.json (is it the output of a finished `polytope probe`?)")
    }
    guard let summary = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
          let paths = summary["corpus"] as? [String] else {
        throw CAPIError(Int32(PL_EIO), "\(summaryURL.path) is unreadable (no corpus list)")
    }
    var options = Corpus.Options()
    if let print = try ProbeDirectory(dir).state()?.fingerprint["corpus"] {
        for part in print.split(separator: "|") {
            if part.hasPrefix("paragraphs=") { options.paragraphs = part.hasSuffix("=true") }
            if part.hasPrefix("lossy=") { options.lossy = part.hasSuffix("=true") }
            if part.hasPrefix("field=") { options.textField = String(part.dropFirst("field=".count)) }
        }
    }
    return try Corpus(paths: paths, options: options)
}

@_cdecl("pl_probe_tokens")
public func pl_probe_tokens(_ dirPath: UnsafePointer<CChar>?, _ rows: UnsafePointer<Int64>?, _ n: Int64, _ context: Int64,
                            _ jsonOut: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?,
                            _ err: UnsafeMutablePointer<CChar>?, _ errLen: Int) -> Int32 {
    guarded(err, errLen) {
        let out = try required(jsonOut, "json_out")
        let dir = URL(fileURLWithPath: String(cString: try required(dirPath, "dir")))
        let tokensURL = dir.appendingPathComponent("tokens.bin")
        guard FileManager.default.fileExists(atPath: tokensURL.path) else {
            throw CAPIError(Int32(PL_EIO), "\(dir.path): no tokens.bin (is it a `polytope probe` output directory?)")
        }
        let records = try TokenTable.read(tokensURL)
        let wanted = n <= 0 ? [] : Array(UnsafeBufferPointer(start: try required(rows, "rows"), count: Int(n)))
        for r in wanted where r < 0 || r >= records.count {
            throw CAPIError(Int32(PL_EINVAL), "row \(r) is out of range: the probe recorded \(records.count) tokens")
        }
        let picked = wanted.map { records[Int($0)] }
        let texts = try DocumentTexts(corpus: try probeCorpus(dir: dir), needed: Set(picked.map(\.document)))
        let occurrences = picked.map { texts.occurrence($0, context: Int(max(context, 0)), distance: nil) }
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys]
        out.pointee = mallocString(String(decoding: try enc.encode(occurrences), as: UTF8.self))
    }
}
