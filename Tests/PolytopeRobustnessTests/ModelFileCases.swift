import Foundation
import PolytopeModel

/// Broken model files, each refused by `polytope inspect --model FILE`.
enum ModelFileCases {
    static let mlp = "blocks.0.mlp.hook_pre"
    /// The tensor behind `mlp`'s weight (the checkpoint's own name).
    static let fc = "transformer.h.0.mlp.c_fc.weight"

    /// The tiny model with `edit` applied.
    static func tiny(_ edit: (inout ModelSpec) -> Void) -> ModelSpec {
        var s = Robust.tinySpec
        edit(&s)
        return s
    }

    /// Index of the tensor that `node`'s parameter `role` names.
    static func tensorIndex(_ s: ModelSpec, _ node: String, _ role: String) -> Int {
        let n = s.nodes.first { $0.name == node }!
        return s.tensors.firstIndex { $0.name == n.params[role]! }!
    }

    static func nodeIndex(_ s: ModelSpec, _ node: String) -> Int { s.nodes.firstIndex { $0.name == node }! }

    static func inspect(_ path: String) -> Invocation { Invocation(["inspect", "--model", path]) }

    static func modelCase(_ name: String, _ expect: [String], _ edit: @escaping (inout ModelSpec) -> Void) -> BadInput {
        BadInput(name: name, expect: expect) { ws in inspect(try ws.model("bad.pb", tiny(edit))) }
    }

    static func bytesCase(_ name: String, _ expect: [String], _ bytes: @escaping () -> Data) -> BadInput {
        BadInput(name: name, expect: expect) { ws in inspect(try ws.write("bad.pb", bytes())) }
    }

    static var all: [BadInput] {
        [
            bytesCase("model: empty file", ["bad.pb"]) { Data() },
            bytesCase("model: truncated to half", ["bad.pb"]) { Robust.tinyBytes.prefix(Robust.tinyBytes.count / 2) },
            bytesCase("model: truncated by one byte", ["bad.pb"]) { Robust.tinyBytes.dropLast() },
            bytesCase("model: random bytes", ["bad.pb"]) {
                var g = UInt64(12345)
                return Data((0..<4096).map { _ in g = g &* 6364136223846793005 &+ 1; return UInt8(truncatingIfNeeded: g >> 56) })
            },
            bytesCase("model: a text file", ["bad.pb"]) { Data("this is not a model file\n".utf8) },
            bytesCase("model: a safetensors file", ["bad.pb"]) {
                try! Data(contentsOf: Robust.checkpoint.appendingPathComponent("model.safetensors")).prefix(4096)
            },
            modelCase("model: format version 2", ["bad.pb", "version 2"]) { $0.formatVersion = 2 },
            modelCase("model: tensor bytes disagree with its shape", [fc]) { s in
                let t = tensorIndex(s, mlp, "weight")
                s.tensors[t].storage = .inline(Robust.f32([1, 2, 3]))
            },
            modelCase("model: parameter shape disagrees with its kind", [mlp, "weight"]) { s in
                let t = tensorIndex(s, mlp, "weight")
                s.tensors[t].shape = [64, 64]
            },
            modelCase("model: dimensions whose product overflows", [fc, "overflow"]) { s in
                let t = tensorIndex(s, mlp, "weight")
                s.tensors[t].shape = [1 << 40, 1 << 40]
            },
            modelCase("model: negative dimension", [fc, "dimension 0", "negative"]) { s in
                let t = tensorIndex(s, mlp, "weight")
                s.tensors[t].shape = [-32, -128]
            },
            modelCase("model: 100 GB tensor claimed by a small file", [fc, "100000000000", "16384"]) { s in
                let t = tensorIndex(s, mlp, "weight")
                s.tensors[t].shape = [25_000, 1_000_000]
            },
            BadInput(name: "model: 1 KB file claiming a 100 GB tensor", expect: ["huge.weight", "100000000000 bytes", "but 4 are present"]) { ws in
                var spec = ModelSpec()
                spec.name = "huge"
                spec.contextLength = 8
                spec.nodes = [NodeSpec(name: "hook_embed", kind: "token_embedding", params: ["weight": "huge.weight"])]
                spec.tensors = [TensorSpec(name: "huge.weight", dtype: .f32, shape: [1_000_000, 25_000], storage: .inline(Robust.f32([1])))]
                let path = try ws.model("huge.pb", spec)
                let size = try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int ?? 0
                guard size < 1024 else { throw BadInputSetupError(description: "huge.pb is \(size) bytes, not under 1 KB") }
                return inspect(path)
            },
            modelCase("model: NaN weight", [fc, "element 5", "NaN"]) { s in
                let t = tensorIndex(s, mlp, "weight")
                var v = [Float](repeating: 0.5, count: 32 * 128)
                v[5] = .nan
                s.tensors[t].storage = .inline(Robust.f32(v))
            },
            modelCase("model: infinite weight", ["transformer.h.1.ln_1.bias", "element 31"]) { s in
                let t = tensorIndex(s, "blocks.1.ln1.hook_normalized", "bias")
                var v = [Float](repeating: 0, count: 32)
                v[31] = -.infinity
                s.tensors[t].storage = .inline(Robust.f32(v))
            },
            modelCase("model: node reads itself (cycle)", [mlp, mlp]) { s in
                s.nodes[nodeIndex(s, mlp)].inputs = [mlp]
            },
            modelCase("model: forward reference", [mlp, "logits"]) { s in
                s.nodes[nodeIndex(s, mlp)].inputs = ["logits"]
            },
            modelCase("model: input names no node", [mlp, "no.such.node"]) { s in
                s.nodes[nodeIndex(s, mlp)].inputs = ["no.such.node"]
            },
            modelCase("model: unknown kind", [mlp, "flux_capacitor", "--plugin"]) { s in
                s.nodes[nodeIndex(s, mlp)].kind = "flux_capacitor"
            },
            modelCase("model: unknown kind version", [mlp, "linear", "7"]) { s in
                s.nodes[nodeIndex(s, mlp)].kindVersion = 7
            },
            modelCase("model: duplicate node", ["blocks.0.mlp.hook_post", "twice"]) { s in
                s.nodes[nodeIndex(s, "blocks.0.hook_mlp_out")].name = "blocks.0.mlp.hook_post"
            },
            // Finite weights whose products overflow: `run` used to exit 0 with NaN outputs.
            BadInput(name: "model: activations overflow to inf (run)", expect: ["blocks.0.mlp.hook_pre", "not finite", "row 0", "--allow-nonfinite"]) { ws in
                let path = try ws.model("overflow.pb", tiny { s in
                    let t = tensorIndex(s, "blocks.0.mlp.hook_pre", "weight")
                    s.tensors[t].dtype = .f32
                    s.tensors[t].storage = .inline(Robust.f32([Float](repeating: 3e38, count: s.tensors[t].elementCount!)))
                })
                return Invocation(["run", "--model", path, "--ids", "1,2,3", "--hook", "blocks.0.mlp.hook_pre", "--out", ws.path("out")])
            },
            // NaN/Inf pre-activations used to become all-zero codes and a normal-looking report.
            BadInput(name: "model: activations overflow to inf (probe)", expect: ["blocks.0.mlp.hook_pre", "not finite", "document 0", "--allow-nonfinite"]) { ws in
                let path = try ws.model("overflow.pb", tiny { s in
                    let t = tensorIndex(s, "blocks.0.mlp.hook_pre", "weight")
                    s.tensors[t].dtype = .f32
                    s.tensors[t].storage = .inline(Robust.f32([Float](repeating: 3e38, count: s.tensors[t].elementCount!)))
                })
                let corpus = try ws.write("c.txt", "It is a truth universally acknowledged, that a single man in possession of a good fortune.")
                return Invocation(["probe", "--model", path, "--corpus", corpus, "--layer", "0", "--tokens", "all", "--k", "2",
                                   "--out", ws.path("out"), "--quiet"], mayCreate: ["out/"])
            },
            modelCase("model: tensor no node uses", ["extra.unused", "used by no node"]) { s in
                var t = s.tensors[0]
                t.name = "extra.unused"
                s.tensors.append(t)
            },
            modelCase("model: duplicate tensor", ["twice"]) { s in
                s.tensors.append(s.tensors[0])
            },
            modelCase("model: parameter names a missing tensor", [mlp, "weight", "ghost.tensor"]) { s in
                s.nodes[nodeIndex(s, mlp)].params["weight"] = "ghost.tensor"
            },
            modelCase("model: unknown parameter role", [mlp, "gamma"]) { s in
                s.nodes[nodeIndex(s, mlp)].params["gamma"] = s.nodes[nodeIndex(s, mlp)].params["bias"]!
            },
            modelCase("model: wrong attribute type", ["blocks.0.ln1.hook_normalized", "eps"]) { s in
                s.nodes[nodeIndex(s, "blocks.0.ln1.hook_normalized")].attrs["eps"] = .string("tiny")
            },
            modelCase("model: wrong input count", ["blocks.0.hook_resid_mid", "add"]) { s in
                s.nodes[nodeIndex(s, "blocks.0.hook_resid_mid")].inputs = []
            },
            modelCase("model: input widths disagree", ["blocks.0.hook_mlp_out"]) { s in
                s.nodes[nodeIndex(s, "blocks.0.hook_mlp_out")].inputs = ["blocks.0.ln2.hook_normalized"]
            },
            modelCase("model: external weights file missing", ["missing.safetensors"]) { s in
                let t = tensorIndex(s, mlp, "weight")
                s.tensors[t].storage = .external(path: "missing.safetensors", key: "h.0.mlp.c_fc.weight")
            },
            BadInput(name: "model: external tensor past the end of its file", expect: [fc, "w.safetensors"]) { ws in
                // A safetensors header claiming 16384 bytes of data in a file that has 16.
                let header = #"{"w":{"dtype":"F32","shape":[32,128],"data_offsets":[0,16384]}}"#
                var d = Data()
                withUnsafeBytes(of: UInt64(header.utf8.count).littleEndian) { d.append(contentsOf: $0) }
                d.append(Data(header.utf8))
                d.append(Data(count: 16))
                try ws.write("w.safetensors", d)
                return inspect(try ws.model("bad.pb", tiny { s in
                    s.tensors[tensorIndex(s, mlp, "weight")].storage = .external(path: "w.safetensors", key: "w")
                }))
            },
            BadInput(name: "model: external safetensors header garbage", expect: ["w.safetensors"]) { ws in
                var d = Data()
                withUnsafeBytes(of: UInt64(1 << 50).littleEndian) { d.append(contentsOf: $0) }
                d.append(Data("{{{{".utf8))
                try ws.write("w.safetensors", d)
                return inspect(try ws.model("bad.pb", tiny { s in
                    s.tensors[tensorIndex(s, mlp, "weight")].storage = .external(path: "w.safetensors", key: "w")
                }))
            },
            BadInput(name: "model: file does not exist", expect: ["nope.pb", "no such file"]) { ws in inspect(ws.path("nope.pb")) },
            BadInput(name: "model: path is a directory", expect: ["adir", "directory"]) { ws in
                try FileManager.default.createDirectory(atPath: ws.path("adir"), withIntermediateDirectories: true)
                return inspect(ws.path("adir"))
            },
        ]
    }
}
