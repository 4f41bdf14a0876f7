import COpenBLAS

/// Thin wrappers over OpenBLAS sgemm, row-major.
public enum BLAS {
    /// C[m, n] = alpha * op(A)[m, k] * op(B)[k, n] + beta * C, with leading dimensions given.
    @inline(__always)
    public static func gemm(
        transA: Bool = false, transB: Bool = false, m: Int, n: Int, k: Int, alpha: Float = 1,
        a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    /// out[rows, outWidth] = x[rows, inWidth] * W + bias, where W is stored [in, out]
    /// (`transposed == false`, GPT-2's Conv1D) or [out, in] (`transposed == true`, torch Linear).
    public static func linear(_ x: Matrix, weight: [Float], inWidth: Int, outWidth: Int,
                              transposed: Bool, bias: [Float]?) -> Matrix {
        precondition(x.cols == inWidth)
        var out = Matrix(zeros: x.rows, outWidth)
        guard x.rows > 0 else { return out }
        out.data.withUnsafeMutableBufferPointer { o in
            if let bias {
                for r in 0..<x.rows { (o.baseAddress! + r * outWidth).update(from: bias, count: outWidth) }
            }
            x.data.withUnsafeBufferPointer { a in
                weight.withUnsafeBufferPointer { w in
                    gemm(transB: transposed, m: x.rows, n: outWidth, k: inWidth,
                         a: a.baseAddress!, lda: inWidth, b: w.baseAddress!, ldb: transposed ? inWidth : outWidth,
                         beta: bias == nil ? 0 : 1, c: o.baseAddress!, ldc: outWidth)
                }
            }
        }
        return out
    }

    public static var threads: Int {
        get { Int(openblas_get_num_threads()) }
        set { openblas_set_num_threads(Int32(newValue)) }
    }

    /// The kernel OpenBLAS chose for this CPU (e.g. "Haswell", "SkylakeX").
    public static var coreName: String { String(cString: openblas_get_corename()) }
}
