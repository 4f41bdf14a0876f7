import Foundation
import PolytopeCodes
import PolytopeIO

/// The per-layer outputs a probe appends to: the code file, and optionally raw activations
/// (float32 rows, for the baselines).
final class LayerSink {
    let layer: Int
    let codes: CodeFileWriter
    let activations: AppendableFile?
    let width: Int

    /// Creates the files, or reopens them cut back to `rows` committed rows.
    init(dir: ProbeDirectory, layer: Int, bits: Int, provenance: String, rows: Int?, keepActivations: Bool) throws {
        self.layer = layer
        self.width = bits
        let url = dir.codesURL(layer: layer)
        if let rows {
            let w = try CodeFileWriter.resume(at: url)
            guard w.bits == bits, w.rows >= rows else {
                throw ProbeError.corruptState("\(url.path) has \(w.rows) rows of \(w.bits) bits, expected at least \(rows) of \(bits)")
            }
            try w.truncate(toRows: rows)
            codes = w
        } else {
            codes = try CodeFileWriter.create(at: url, bits: bits, provenance: provenance)
        }
        if keepActivations {
            let aurl = dir.activationsURL(layer: layer)
            if rows == nil { try? FileManager.default.removeItem(at: aurl) }
            let f = try AppendableFile(url: aurl, create: true)
            let want = (rows ?? 0) * bits * 4
            guard try f.size() >= want else { throw ProbeError.corruptState("\(aurl.path) is shorter than \(rows ?? 0) rows") }
            try f.truncate(to: want)
            activations = f
        } else {
            activations = nil
        }
    }

    func append(codes batch: CodeMatrix, activations rows: [Float]?) throws {
        if let activations, let rows {
            try activations.append(rows.withUnsafeBufferPointer { Data(buffer: $0) })
            try activations.sync()
        }
        try codes.append(batch)
    }
}
