import Foundation
import PolytopeModel

/// Causal (or bidirectional) attention with rotary position embedding (Su et al. 2021,
/// "RoFormer", arXiv 2104.09864) applied to queries and keys inside the layer, and grouped-query
/// attention (Ainslie et al. 2023, "GQA", arXiv 2305.13245): `n_kv_heads` key/value heads, each
/// shared by `n_heads / n_kv_heads` query heads. Rotary uses the GPT-NeoX "rotate half" layout
/// (dimension i pairs with i + r/2) on the first `rotary_dim` dimensions of each head, as
/// Hugging Face's Llama, Qwen2 and GPT-NeoX; positions start at 0 in every sequence (batches
/// are right-padded, padding keys masked by `ForwardContext.lengths`).
///
/// Q, K and V come from one sgemm on torch-Linear ([out, in]) weights; scores and weighted sums
/// run per (sequence, head) as strided sgemms, no copies.
/// - Complexity: O(rows·d·(n_heads + 2·n_kv_heads)·head_dim + batch·n_heads·seqLen²·head_dim).
final class RotaryAttentionLayer: Layer, @unchecked Sendable {
    let d: Int, heads: Int, kvHeads: Int, headDim: Int, rotaryDim: Int
    let theta: Double
    let causal: Bool
    /// [(heads + 2·kvHeads)·headDim, d]: q rows, then k rows, then v rows.
    let qkv: [Float]
    let qkvBias: [Float]?
    /// [d, heads·headDim].
    let out: [Float]
    let outBias: [Float]?
    var outputWidth: Int { d }

    init(d: Int, heads: Int, kvHeads: Int, headDim: Int, rotaryDim: Int, theta: Double, causal: Bool,
         qkv: [Float], qkvBias: [Float]?, out: [Float], outBias: [Float]?) {
        self.d = d; self.heads = heads; self.kvHeads = kvHeads; self.headDim = headDim
        self.rotaryDim = rotaryDim; self.theta = theta; self.causal = causal
        self.qkv = qkv; self.qkvBias = qkvBias; self.out = out; self.outBias = outBias
    }

    func forward(_ inputs: [Matrix], context: ForwardContext) throws -> Matrix {
        let x = inputs[0]
        let t = context.seqLen, hd = headDim, qw = heads * hd, ld = (heads + 2 * kvHeads) * hd
        var proj = BLAS.linear(x, weight: qkv, inWidth: d, outWidth: ld, transposed: true, bias: qkvBias)
        let table = RotaryTable(positions: t, rotaryDim: rotaryDim, theta: theta)
        table.rotate(&proj, seqLen: t, heads: heads + kvHeads, headDim: hd)
        var ctxM = Matrix(zeros: x.rows, qw)
        let scale = 1 / Float(hd).squareRoot()
        let heads = self.heads, group = heads / kvHeads, causal = self.causal
        proj.data.withUnsafeBufferPointer { p in
            ctxM.data.withUnsafeMutableBufferPointer { c in
                let pBase = p.baseAddress!, cBase = c.baseAddress!
                Parallel.forEachChunk(count: context.batch * heads, cost: 2 * t * t * hd) { items in
                    let s = UnsafeMutablePointer<Float>.allocate(capacity: max(t * t, 1))
                    defer { s.deallocate() }
                    for item in items {
                        let b = item / heads, h = item % heads, g = h / group
                        let base = pBase + b * t * ld
                        let q = base + h * hd, k = base + qw + g * hd, v = base + qw + kvHeads * hd + g * hd
                        BLAS.gemm(transB: true, m: t, n: t, k: hd, alpha: scale, a: q, lda: ld, b: k, ldb: ld, c: s, ldc: t)
                        MaskedSoftmax.rows(s, t: t, validKeys: context.lengths[b], causal: causal)
                        BLAS.gemm(m: t, n: hd, k: t, a: s, lda: t, b: v, ldb: ld, c: cBase + b * t * qw + h * hd, ldc: qw)
                    }
                }
            }
        }
        return BLAS.linear(ctxM, weight: out, inWidth: qw, outWidth: d, transposed: true, bias: outBias)
    }
}

/// cos / sin of p·θ^(-2i/r) for positions p < t and i < r/2, computed as Hugging Face does
/// (inverse frequencies and the product p·f in float32, then cos / sin of that float).
struct RotaryTable {
    let half: Int
    let cos: [Float], sin: [Float]

    init(positions t: Int, rotaryDim r: Int, theta: Double) {
        half = r / 2
        let inv = (0..<half).map { i in Float(1 / pow(theta, Double(Float(2 * i) / Float(r)))) }
        var c = [Float](repeating: 0, count: t * half), s = c
        for p in 0..<t {
            for i in 0..<half {
                let a = Double(Float(p) * inv[i])
                c[p * half + i] = Float(Foundation.cos(a))
                s[p * half + i] = Float(Foundation.sin(a))
            }
        }
        cos = c; sin = s
    }

    /// Rotates the first `heads` heads of every row of `m` (rows are sequence-major, `seqLen`
    /// per sequence): (x_i, x_{i+r/2}) -> (x_i cos - x_{i+r/2} sin, x_{i+r/2} cos + x_i sin).
    func rotate(_ m: inout Matrix, seqLen t: Int, heads: Int, headDim hd: Int) {
        guard half > 0, t > 0 else { return }
        let cols = m.cols, half = self.half
        cos.withUnsafeBufferPointer { cp in
            sin.withUnsafeBufferPointer { sp in
                m.data.withUnsafeMutableBufferPointer { buf in
                    let base = buf.baseAddress!, cb = cp.baseAddress!, sb = sp.baseAddress!
                    Parallel.forEachChunk(count: m.rows, cost: heads * hd * 3) { rows in
                        for r in rows {
                            let p = r % t
                            let cr = cb + p * half, sr = sb + p * half
                            for h in 0..<heads {
                                let x = base + r * cols + h * hd
                                for i in 0..<half {
                                    let a = x[i], b = x[i + half]
                                    x[i] = a * cr[i] - b * sr[i]
                                    x[i + half] = b * cr[i] + a * sr[i]
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Masked softmax of each row of a t x t score matrix: keys at or past `validKeys` (padding)
/// and, when causal, keys after the query get weight 0; a row with no visible key is all zeros.
enum MaskedSoftmax {
    static func rows(_ s: UnsafeMutablePointer<Float>, t: Int, validKeys: Int, causal: Bool) {
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
