import Foundation

/// Broken Llama / GPT-NeoX / OPT checkpoints (`import DIR`): unsupported options refused by
/// name, missing settings, tensors and shards named.
enum FamilyImportCases {
    static let families = Robust.repoRoot.appendingPathComponent("Tests/Fixtures/families")

    /// Copies fixture `name` into `ws/ckpt`, lets `edit` change its config object, returns the import command.
    static func edited(_ ws: Workspace, _ name: String, drop: [String] = [], _ edit: (inout [String: Any]) -> Void) throws -> Invocation {
        let src = families.appendingPathComponent(name)
        for f in try FileManager.default.contentsOfDirectory(atPath: src.path) where f != "reference" && !drop.contains(f) {
            try ws.write("ckpt/\(f)", try Data(contentsOf: src.appendingPathComponent(f)))
        }
        let data = try Data(contentsOf: src.appendingPathComponent("config.json"))
        guard var config = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw BadInputSetupError(description: "\(name)/config.json is not an object")
        }
        edit(&config)
        try ws.write("ckpt/config.json", try JSONSerialization.data(withJSONObject: config))
        return Invocation(["import", ws.path("ckpt"), "-o", ws.path("m.pb")])
    }

    static func configCase(_ name: String, _ fixture: String, _ expect: [String], drop: [String] = [],
                           _ edit: @escaping (inout [String: Any]) -> Void) -> BadInput {
        BadInput(name: "import: " + name, expect: expect) { ws in try edited(ws, fixture, drop: drop, edit) }
    }

    static var all: [BadInput] {
        [
            configCase("llama with llama3 rope scaling", "llama-untied", ["rope_scaling", "llama3"]) {
                $0["rope_scaling"] = ["rope_type": "llama3", "factor": 8.0]
            },
            configCase("llama without num_attention_heads", "llama-gqa", ["config.json", "num_attention_heads"]) {
                $0["num_attention_heads"] = nil
            },
            configCase("llama hidden_size a string", "llama-gqa", ["config.json", "hidden_size"]) { $0["hidden_size"] = "64" },
            configCase("llama n_kv_heads not dividing n_heads", "llama-gqa", ["n_kv_heads", "3"]) { $0["num_key_value_heads"] = 3 },
            configCase("llama untied without lm_head", "llama-gqa", ["lm_head.weight"]) { $0["tie_word_embeddings"] = false },
            configCase("qwen2 sliding window", "qwen2-bias", ["use_sliding_window"]) { $0["use_sliding_window"] = true },
            configCase("neox unknown activation", "neox-parallel", ["hidden_act", "swiglu"]) { $0["hidden_act"] = "swiglu" },
            configCase("neox odd rotary dimension", "neox-parallel", ["rotary", "odd"]) { $0["rotary_pct"] = 0.1875 },
            configCase("neox shard missing", "neox-sequential", ["model-00002-of-00002.safetensors"],
                       drop: ["model-00002-of-00002.safetensors"]) { _ in },
            configCase("opt-350m post-LN", "opt", ["do_layer_norm_before"]) { $0["do_layer_norm_before"] = false },
            configCase("opt-350m project_in", "opt", ["word_embed_proj_dim", "project_in"]) { $0["word_embed_proj_dim"] = 32 },
            configCase("opt layer count beyond the weights", "opt", ["layers.2."]) { $0["num_hidden_layers"] = 3 },
        ]
    }
}
