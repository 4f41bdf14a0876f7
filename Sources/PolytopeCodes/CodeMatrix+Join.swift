/// Codes side by side: row `r` of the result is row `r` of each part, in order (e.g. a gated
/// MLP's gate bits followed by its up-projection sign bits).
extension CodeMatrix {
    /// - Throws: `CodeError.badInput` when the parts differ in rows, there are none, or the
    ///   joined width is over 65535 bits.
    /// - Complexity: O(rows · total bits / 8) when every part starts on a byte, else O(rows · total bits).
    public static func joiningColumns(_ parts: [CodeMatrix]) throws -> CodeMatrix {
        guard let first = parts.first else { throw CodeError.badInput("no code matrices to join") }
        guard parts.allSatisfy({ $0.rows == first.rows }) else {
            throw CodeError.badInput("code matrices to join have \(parts.map(\.rows)) rows, not equal counts")
        }
        let total = parts.reduce(0) { $0 + $1.bits }
        guard total <= 65535 else { throw CodeError.badInput("joined codes would be \(total) bits wide (at most 65535)") }
        var out = try CodeMatrix(bits: total, rows: first.rows)
        var offset = 0
        for part in parts {
            if offset % 8 == 0 {
                // Byte-aligned (the usual case: widths of whole bytes): copy each row's packed
                // bytes; a part's padding bits are zero, so a following part can OR into them.
                let stride = out.strideBytes, bytes = part.bytesPerRow, at = offset / 8
                let dst = UnsafeMutableRawPointer(out.storage.words)  // `out` is new: not shared
                part.withUnsafeWords { src in
                    let s = UnsafeRawPointer(src.baseAddress!)
                    for r in 0..<part.rows {
                        (dst + r * stride + at).copyMemory(from: s + r * part.strideBytes, byteCount: bytes)
                    }
                }
            } else {
                for r in 0..<part.rows {
                    for b in 0..<part.bits where part[r, b] { out[r, offset + b] = true }
                }
            }
            offset += part.bits
        }
        return out
    }
}
