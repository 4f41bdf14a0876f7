import Foundation
import PolytopeSchema

/// Reading and writing the `Anatomy` message of a model file.
extension ModelFile {
    static func anatomy(_ a: Polytope__Anatomy, path: String) throws -> Anatomy {
        func opt(_ p: UnsafeMutablePointer<CChar>?) -> String? {
            let s = string(p)
            return s.isEmpty ? nil : s
        }
        func ids(_ p: UnsafeMutablePointer<UInt32>?, _ n: Int) throws -> [Int32] {
            guard let p else { return [] }
            return try (0..<n).map { i in
                guard p[i] <= UInt32(Int32.max) else {
                    throw ModelError.malformed(path: path, reason: "anatomy: sequence marker token id \(p[i]) is beyond 2^31 - 1")
                }
                return Int32(p[i])
            }
        }
        var blocks: [BlockAnatomy] = []
        for i in 0..<a.n_blocks {
            guard let b = a.blocks[i]?.pointee else { continue }
            guard let m = b.mlp?.pointee else {
                throw ModelError.malformed(path: path, reason: "anatomy: block \(i) has no MLP description")
            }
            let mlp = MLPAnatomy(norm: opt(m.norm), input: string(m.input), pre: string(m.pre), activation: string(m.activation),
                                 up: opt(m.up), post: string(m.post), out: string(m.out))
            blocks.append(BlockAnatomy(residPre: string(b.resid_pre), residMid: opt(b.resid_mid), residPost: string(b.resid_post),
                                       attention: opt(b.attn), causal: b.causal != 0, parallel: b.parallel != 0, mlp: mlp))
        }
        return Anatomy(family: string(a.family), blocks: blocks,
                       prefixTokens: try ids(a.prefix_tokens, a.n_prefix_tokens), suffixTokens: try ids(a.suffix_tokens, a.n_suffix_tokens),
                       tiedUnembedding: a.tied_unembedding != 0, embed: string(a.embed),
                       finalNorm: opt(a.final_norm), logits: opt(a.logits))
    }

    static func encodeAnatomy(_ a: Anatomy, into w: inout ProtoWriter) {
        w.string(1, a.family)
        for b in a.blocks {
            w.message(2) { bw in
                bw.string(1, b.residPre)
                bw.string(2, b.residMid ?? "")
                bw.string(3, b.residPost)
                bw.string(4, b.attention ?? "")
                bw.bool(5, b.causal)
                bw.bool(6, b.parallel)
                bw.message(7) { mw in
                    let m = b.mlp
                    mw.string(1, m.norm ?? "")
                    mw.string(2, m.input)
                    mw.string(3, m.pre)
                    mw.string(4, m.activation)
                    mw.string(5, m.up ?? "")
                    mw.string(6, m.post)
                    mw.string(7, m.out)
                }
            }
        }
        w.packedUInts(3, a.prefixTokens.map { UInt64($0) })
        w.packedUInts(4, a.suffixTokens.map { UInt64($0) })
        w.bool(5, a.tiedUnembedding)
        w.string(6, a.embed)
        w.string(7, a.finalNorm ?? "")
        w.string(8, a.logits ?? "")
    }
}
