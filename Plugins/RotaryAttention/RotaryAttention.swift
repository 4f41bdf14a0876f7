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
/// Q, K and V come from one GEMM on torch-Linear ([out, in]) weights packed at load; the
/// attention is `AttentionKernel.run` (fused, tiled, GQA) on Q, K, V in place.
/// - Complexity: O(rows·d·(n_heads + 2·n_kv_heads)·head_dim + batch·n_heads·seqLen²·head_dim).
final class RotaryAttentionLayer: Layer, @unchecked Sendable {
    let d: Int, heads: Int, kvHeads: Int, headDim: Int, rotaryDim: Int
    let theta: Double
    let causal: Bool
    /// [(heads + 2·kvHeads)·headDim, d]: q rows, then k rows, then v rows; packed at load.
    let qkv: PackedWeight
    let qkvBias: [Float]?
    /// [d, heads·headDim], packed at load.
    let out: PackedWeight
    let outBias: [Float]?
    var outputWidth: Int { d }

    init(d: Int, heads: Int, kvHeads: Int, headDim: Int, rotaryDim: Int, theta: Double, causal: Bool,
         qkv: [Float], qkvBias: [Float]?, out: [Float], outBias: [Float]?) {
        self.d = d; self.heads = heads; self.kvHeads = kvHeads; self.headDim = headDim
        self.rotaryDim = rotaryDim; self.theta = theta; self.causal = causal
        self.qkv = PackedWeight(qkv, inWidth: d, outWidth: (heads + 2 * kvHeads) * headDim, transposed: true)
        self.qkvBias = qkvBias
        self.out = PackedWeight(out, inWidth: heads * headDim, outWidth: d, transposed: true)
        self.outBias = outBias
    }

    func forward(_ inputs: [Matrix], context: ForwardContext) throws -> Matrix {
        let x = inputs[0]
        let t = context.seqLen, hd = headDim, qw = heads * hd, ld = (heads + 2 * kvHeads) * hd
        var proj = qkv.apply(x, bias: qkvBias, threading: context.threading, precision: context.precision)
        let table = RotaryTable(positions: t, rotaryDim: rotaryDim, theta: theta)
        table.rotate(&proj, seqLen: t, heads: heads + kvHeads, headDim: hd, threading: context.threading)
        let heads = self.heads, kvHeads = self.kvHeads, causal = self.causal
        let ctx = [Float](unsafeUninitializedCapacity: x.rows * qw) { c, count in
            proj.data.withUnsafeBufferPointer { p in
                let base = p.baseAddress!
                AttentionKernel.run(batch: context.batch, seqLen: t, heads: heads, kvHeads: kvHeads, headDim: hd,
                                    q: base, ldq: ld, k: base + qw, ldk: ld, v: base + qw + kvHeads * hd, ldv: ld,
                                    out: c.baseAddress!, ldo: qw, lengths: context.lengths, causal: causal,
                                    scale: 1 / Float(hd).squareRoot(), threading: context.threading, precision: context.precision)
            }
            count = x.rows * qw
        }
        return out.apply(Matrix(rows: x.rows, cols: qw, data: ctx), bias: outBias, threading: context.threading,
                         precision: context.precision)
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
    func rotate(_ m: inout Matrix, seqLen t: Int, heads: Int, headDim hd: Int, threading: Threading = .allCores) {
        guard half > 0, t > 0 else { return }
        let cols = m.cols, half = self.half
        cos.withUnsafeBufferPointer { cp in
            sin.withUnsafeBufferPointer { sp in
                m.data.withUnsafeMutableBufferPointer { buf in
                    let base = buf.baseAddress!, cb = cp.baseAddress!, sb = sp.baseAddress!
                    threading.forEachChunk(count: m.rows, cost: heads * hd * 3) { rows in
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
