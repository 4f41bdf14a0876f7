import CKernels
import CPolytopeLens
import Foundation
import PolytopeCodes

// Codes and Hamming distances over packed codes (np.packbits order, see polytopelens.h).

private let hammingKernelName: UnsafeMutablePointer<CChar> = strdup(HammingKernel.current.rawValue)!

@_cdecl("pl_hamming_kernel")
public func pl_hamming_kernel() -> UnsafePointer<CChar> { UnsafePointer(hammingKernelName) }

/// Packed codes as a `CodeMatrix` (copied into its padded, 64-byte-aligned rows).
func codeMatrix(_ bytes: UnsafePointer<UInt8>?, rows: Int64, bits: Int64, name: String) throws -> CodeMatrix {
    guard bits >= 1 && bits <= 65535 else {
        throw CAPIError(Int32(PL_EINVAL), "\(name): code width \(bits) bits is out of range (1...65535)")
    }
    guard rows >= 0 else { throw CAPIError(Int32(PL_EINVAL), "\(name): negative row count \(rows)") }
    let bpr = (Int(bits) + 7) / 8
    if rows == 0 { return try CodeMatrix(bits: Int(bits)) }
    let p = try required(bytes, name)
    return try CodeMatrix(bits: Int(bits), packedBytes: UnsafeRawBufferPointer(start: p, count: Int(rows) * bpr), rows: Int(rows))
}

func threadCount(_ t: Int32) -> Int { t <= 0 ? cpuCount : Int(t) }

@_cdecl("pl_codes_from_preacts")
public func pl_codes_from_preacts(_ x: UnsafePointer<Float>?, _ rows: Int64, _ units: Int64, _ knots: UnsafePointer<Float>?,
                                  _ nKnots: Int64, _ out: UnsafeMutablePointer<UInt8>?,
                                  _ err: UnsafeMutablePointer<CChar>?, _ errLen: Int) -> Int32 {
    guarded(err, errLen) {
        guard rows >= 0, units >= 1 else {
            throw CAPIError(Int32(PL_EINVAL), "pre-activations must be [rows, units] with units >= 1 (got [\(rows), \(units)])")
        }
        guard nKnots >= 1 else { throw CAPIError(Int32(PL_EINVAL), "an activation needs at least one knot") }
        guard units * nKnots <= 65535 else {
            throw CAPIError(Int32(PL_EINVAL), "code width \(units * nKnots) bits is out of range (1...65535)")
        }
        let knotList = Array(UnsafeBufferPointer(start: try required(knots, "knots"), count: Int(nKnots)))
        guard rows > 0 else { return }
        let values = UnsafeBufferPointer(start: try required(x, "x"), count: Int(rows * units))
        let codes = try CodeMatrix(preActivations: values, rows: Int(rows), units: Int(units), knots: knotList)
        let dst = try required(out, "out")
        let bpr = codes.bytesPerRow, stride = codes.strideBytes
        codes.withUnsafeWords { w in
            let src = UnsafeRawPointer(w.baseAddress!)
            for r in 0..<codes.rows { UnsafeMutableRawPointer(dst + r * bpr).copyMemory(from: src + r * stride, byteCount: bpr) }
        }
    }
}

@_cdecl("pl_hamming")
public func pl_hamming(_ a: UnsafePointer<UInt8>?, _ nA: Int64, _ b: UnsafePointer<UInt8>?, _ nB: Int64, _ bits: Int64,
                       _ out: UnsafeMutablePointer<UInt16>?, _ threads: Int32,
                       _ err: UnsafeMutablePointer<CChar>?, _ errLen: Int) -> Int32 {
    guarded(err, errLen) {
        let ca = try codeMatrix(a, rows: nA, bits: bits, name: "a")
        let t = threadCount(threads)
        if b == nil {
            guard nA > 0 else { return }
            let o = try required(out, "out")
            ca.withUnsafeWords { w in
                ck_hamming_all_pairs(w.baseAddress!, ca.rows, ca.wordsPerRow, ca.wordsPerRow, o, ca.rows, Int32(t))
            }
        } else {
            let cb = try codeMatrix(b, rows: nB, bits: bits, name: "b")
            guard nA > 0, nB > 0 else { return }
            let o = try required(out, "out")
            ca.crossDistances(cb, into: UnsafeMutableBufferPointer(start: o, count: ca.rows * cb.rows), threads: t)
        }
    }
}
