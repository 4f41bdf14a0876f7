import Foundation
import PolytopeGGUF
import PolytopeTestSupport

/// Broken GGUF files (`import FILE.gguf`): each refused with one line naming what is wrong,
/// and no weights file left behind.
enum GGUFCases {
    static let tiny = Robust.repoRoot.appendingPathComponent("Tests/Fixtures/gguf/tiny-llama-q4_1.gguf")

    static func importing(_ ws: Workspace, _ bytes: Data) throws -> Invocation {
        Invocation(["import", try ws.write("m.gguf", bytes), "-o", ws.path("m.pb")])
    }

    /// The tiny llama GGUF re-encoded after `edit`.
    static func edited(_ name: String, _ expect: [String], _ edit: @escaping (inout GGUFTestWriter) -> Void) -> BadInput {
        BadInput(name: "gguf: " + name, expect: expect) { ws in
            var w = GGUFTestWriter(copying: try GGUFFile(path: tiny.path))
            edit(&w)
            return try importing(ws, w.encode())
        }
    }

    static var all: [BadInput] {
        [
            BadInput(name: "gguf: truncated in the metadata", expect: ["m.gguf", "truncated"]) { ws in
                try importing(ws, try Data(contentsOf: tiny).prefix(900))
            },
            BadInput(name: "gguf: truncated in the tensor data", expect: ["m.gguf", "truncated", "tensor"]) { ws in
                let d = try Data(contentsOf: tiny)
                return try importing(ws, d.prefix(d.count - 100))
            },
            BadInput(name: "gguf: not a GGUF file", expect: ["m.gguf", "not a GGUF file"]) { ws in
                try importing(ws, Data("hello, this is text\n".utf8))
            },
            BadInput(name: "gguf: version 4", expect: ["m.gguf", "version 4"]) { ws in
                var d = try Data(contentsOf: tiny)
                d[4] = 4
                return try importing(ws, d)
            },
            edited("unknown quant type", ["blk.0.attn_q.weight", "unknown ggml type 99"]) { w in
                w.tensors[w.tensors.firstIndex { $0.name == "blk.0.attn_q.weight" }!].rawType = 99
            },
            edited("k-quant tensor", ["blk.1.ffn_up.weight", "Q4_K"]) { w in
                let i = w.tensors.firstIndex { $0.name == "blk.1.ffn_up.weight" }!
                w.tensors[i].rawType = GGMLType.q4_K.rawValue
            },
            edited("unknown architecture", ["architecture 'mamba'", "llama"]) { w in w.set("general.architecture", .string("mamba")) },
            edited("missing tensor", ["blk.1.ffn_down.weight", "missing"]) { w in w.tensors.removeAll { $0.name == "blk.1.ffn_down.weight" } },
            edited("feed-forward width disagreeing with the tensors", ["blk.0.ffn_gate.weight", "[96, 64]", "[128, 64]"]) { w in
                w.set("llama.feed_forward_length", .uint(128))
            },
            edited("block count beyond the tensors", ["blk.2.attn_norm.weight", "missing"]) { w in w.set("llama.block_count", .uint(3)) },
            edited("vocabulary ids beyond the tokens", ["tokenizer.ggml.eos_token_id", "5000"]) { w in
                w.set("tokenizer.ggml.eos_token_id", .uint(5000))
            },
            edited("token list not strings", ["tokenizer.ggml.tokens", "[0]"]) { w in
                w.set("tokenizer.ggml.tokens", .array([.uint(1), .uint(2)]))
            },
            edited("rope scaling", ["llama.rope.scaling.type", "yarn"]) { w in w.set("llama.rope.scaling.type", .string("yarn")) },
        ]
    }
}
