import CKernels

/// Scaled dot-product attention over strided Q, K, V (Vaswani et al. 2017), for any kind that
/// needs it: multi-head, grouped-query (`kvHeads` < `heads`: query head h reads K/V head
/// h / (heads / kvHeads)), causal or bidirectional, with a key padding mask from the lengths.
///
/// Row i of sequence b is row `b * seqLen + i` of q, k, v and out (leading dimensions in
/// floats); head h reads q at column h * headDim, K/V at (its kv head) * headDim, and writes
/// out at column h * headDim. Query i sees keys j < lengths[b] (and j <= i when causal); a
/// query that sees no key gets zeros. Parallel over batch x heads, one contiguous share per
/// thread. On AVX-512 a fused tiled kernel (CKernels `ck_attention_avx512`: at most 8 x seqLen
/// scores at a time, invisible key blocks skipped; with precision `.bf16` its twin
/// `ck_attention_bf16_avx512`, both products in bf16 with fp32 sums); elsewhere two OpenBLAS
/// sgemms and a softmax per (sequence, head).
///
/// - Complexity: O(batch * heads * seqLen * visibleKeys * headDim).
public enum AttentionKernel {
    public static func run(batch: Int, seqLen t: Int, heads: Int, kvHeads: Int, headDim dh: Int,
                           q: UnsafePointer<Float>, ldq: Int, k: UnsafePointer<Float>, ldk: Int,
                           v: UnsafePointer<Float>, ldv: Int, out: UnsafeMutablePointer<Float>, ldo: Int,
                           lengths: [Int], causal: Bool, scale: Float, threading: Threading,
                           precision: Precision = .fp32, kernel: GEMMKernel = .chosen) {
        precondition(heads > 0 && kvHeads > 0 && heads % kvHeads == 0 && lengths.count == batch)
        let items = batch * heads
        guard items > 0, t > 0 else { return }
        let cost = t * t * dh
        let threading = cost * items < 1 << 16 ? Threading.serial : threading
        if kernel == .avx512 {
            precondition(CPU.features.contains(.avx512), "the AVX-512 attention on a CPU without AVX-512")
            let lens = lengths.map { Int32(clamping: $0) }
            lens.withUnsafeBufferPointer { l in
                // Precision bf16 (not bf16-mixed): the scores and the weighted sum in bf16 too.
                let bf16 = precision == .bf16
                threading.split(count: items) { r in
                    if bf16 {
                        ck_attention_bf16_avx512(Int32(batch), Int32(t), Int32(heads), Int32(kvHeads), Int32(dh), q, ldq, k, ldk, v, ldv,
                                                 out, ldo, l.baseAddress!, causal ? 1 : 0, scale, Int32(r.lowerBound), Int32(r.upperBound))
                        return
                    }
                    ck_attention_avx512(Int32(batch), Int32(t), Int32(heads), Int32(kvHeads), Int32(dh), q, ldq, k, ldk, v, ldv,
                                        out, ldo, l.baseAddress!, causal ? 1 : 0, scale, Int32(r.lowerBound), Int32(r.upperBound))
                }
            }
            return
        }
        let group = heads / kvHeads
        threading.split(count: items) { r in
            let s = UnsafeMutablePointer<Float>.allocate(capacity: t * t)
            defer { s.deallocate() }
            for item in r {
                let b = item / heads, h = item % heads, g = h / group
                let qb = q + b * t * ldq + h * dh, kb = k + b * t * ldk + g * dh, vb = v + b * t * ldv + g * dh
                BLAS.gemm(transB: true, m: t, n: t, k: dh, alpha: scale, a: qb, lda: ldq, b: kb, ldb: ldk, c: s, ldc: t)
                softmaxRows(s, t: t, validKeys: min(t, lengths[b]), causal: causal)
                BLAS.gemm(m: t, n: dh, k: t, a: s, lda: t, b: vb, ldb: ldv, c: out + b * t * ldo + h * dh, ldc: ldo)
            }
        }
    }

    /// Masked softmax of each score row: keys at or past `validKeys` and, when causal, keys
    /// after the query get weight 0; a row with no visible key becomes all zeros.
    static func softmaxRows(_ s: UnsafeMutablePointer<Float>, t: Int, validKeys: Int, causal: Bool) {
        for i in 0..<t {
            let row = s + i * t
            let visible = causal ? min(validKeys, i + 1) : validKeys
            guard visible > 0 else {
                for j in 0..<t { row[j] = 0 }
                continue
            }
            var mx = -Float.infinity
            for j in 0..<visible { mx = max(mx, row[j]) }
            var sum: Float = 0
            for j in 0..<visible { let e = FastMath.exp(row[j] - mx); row[j] = e; sum += e }
            let inv = 1 / sum
            for j in 0..<visible { row[j] *= inv }
            for j in visible..<t { row[j] = 0 }
        }
    }
}
