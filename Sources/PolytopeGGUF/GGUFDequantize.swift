import Foundation

extension GGUFFile {
    /// A tensor's values as float32, row-major in `TensorInfo.shape` order. F32, F16, BF16 are
    /// widened; Q8_0 (x = d·q), Q4_0 (x = d·(q − 8)) and Q4_1 (x = d·q + m) blocks of 32 are
    /// dequantised as ggml's `dequantize_row_*` do (a block's 16 low nibbles are its first 16
    /// values, the high nibbles the last 16). Other types (k-quants, i-quants) are refused by
    /// name. - Complexity: O(elements).
    public func floats(_ name: String) throws -> [Float] {
        guard let t = tensor(named: name) else { throw GGUFError(path: path, reason: "tensor '\(name)' is missing") }
        return try floats(t)
    }

    public func floats(_ t: TensorInfo) throws -> [Float] {
        guard let type = t.type, let block = type.block else {
            let name = t.type?.name ?? "type \(t.rawType)"
            throw GGUFError(path: path, reason: "tensor '\(t.name)' is \(name), which is not supported (supported: \(GGMLType.supported.map(\.name).joined(separator: ", ")); k-quants and i-quants are not)")
        }
        guard t.dims[0] % block.elements == 0 else {
            throw GGUFError(path: path, reason: "tensor '\(t.name)': row length \(t.dims[0]) is not a multiple of the \(type.name) block (\(block.elements))")
        }
        let n = t.elementCount
        var out = [Float](repeating: 0, count: n)
        data.withUnsafeBytes { raw in
            let src = UnsafeRawBufferPointer(rebasing: raw[t.offset..<(t.offset + n / block.elements * block.bytes)])
            out.withUnsafeMutableBufferPointer { dst in
                GGUFDequantize.run(type, src, dst.baseAddress!, blocks: n / block.elements)
            }
        }
        return out
    }
}

enum GGUFDequantize {
    @inline(__always) static func half(_ p: UnsafeRawBufferPointer, _ at: Int) -> Float {
        Float(Float16(bitPattern: UInt16(littleEndian: p.loadUnaligned(fromByteOffset: at, as: UInt16.self))))
    }

    static func run(_ type: GGMLType, _ src: UnsafeRawBufferPointer, _ dst: UnsafeMutablePointer<Float>, blocks: Int) {
        switch type {
        case .f32:
            for i in 0..<blocks { dst[i] = Float(bitPattern: UInt32(littleEndian: src.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self))) }
        case .f16:
            for i in 0..<blocks { dst[i] = half(src, 2 * i) }
        case .bf16:
            for i in 0..<blocks {
                dst[i] = Float(bitPattern: UInt32(UInt16(littleEndian: src.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))) << 16)
            }
        case .q8_0:
            for b in 0..<blocks {
                let base = b * 34, d = half(src, base), o = dst + b * 32
                for j in 0..<32 { o[j] = Float(Int8(bitPattern: src[base + 2 + j])) * d }
            }
        case .q4_0:
            for b in 0..<blocks {
                let base = b * 18, d = half(src, base), o = dst + b * 32
                for j in 0..<16 {
                    let q = src[base + 2 + j]
                    o[j] = Float(Int(q & 0x0F) - 8) * d
                    o[j + 16] = Float(Int(q >> 4) - 8) * d
                }
            }
        case .q4_1:
            for b in 0..<blocks {
                let base = b * 20, d = half(src, base), m = half(src, base + 2), o = dst + b * 32
                for j in 0..<16 {
                    let q = src[base + 4 + j]
                    o[j] = Float(q & 0x0F) * d + m
                    o[j + 16] = Float(q >> 4) * d + m
                }
            }
        default:
            preconditionFailure("GGUFDequantize: \(type) has no block layout")
        }
    }
}
