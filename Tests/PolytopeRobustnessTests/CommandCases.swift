import Foundation

/// Bad command lines, a full disk (a file-size limit) over existing outputs, and budgets that
/// cannot fit.
enum CommandCases {
    static func tinyModel(_ ws: Workspace) throws -> String { try ws.model("tiny.pb", Robust.tinySpec) }

    static func codes(_ ws: Workspace, rows: Int = 4) throws -> String {
        try ws.write("c.plcodes", try InputFileCases.codeFile(rows: rows, bits: 100))
    }

    static var arguments: [BadInput] {
        [
            BadInput(name: "cli: unknown subcommand", expect: ["frobnicate"]) { _ in Invocation(["frobnicate"]) },
            BadInput(name: "model edit: a kind nobody provides", expect: ["no_such_kind", "--plugin"]) { ws in
                Invocation(["model", "edit", "--model", try tinyModel(ws), "--replace-kind", "relu=no_such_kind", "-o", ws.path("edited.pb")])
            },
            BadInput(name: "model edit: attribute of an unknown node", expect: ["no.such.node"]) { ws in
                Invocation(["model", "edit", "--model", try tinyModel(ws), "--set", "no.such.node:eps=1", "-o", ws.path("edited.pb")])
            },
            BadInput(name: "model from-text: a misspelt field", expect: ["m.pbtxt", "line 2", "frmat_version"]) { ws in
                Invocation(["model", "from-text", try ws.write("m.pbtxt", "name: \"m\"\nfrmat_version: 1\n"), "-o", ws.path("m.pb")])
            },
            BadInput(name: "cli: unknown option", expect: ["--colour"]) { ws in
                Invocation(["inspect", "--model", try tinyModel(ws), "--colour"])
            },
            BadInput(name: "cli: missing required option", expect: ["--out"]) { ws in
                Invocation(["run", "--model", try tinyModel(ws), "--ids", "1", "--hook", "logits"])
            },
            BadInput(name: "cli: --ids not an integer", expect: ["'x'"]) { ws in
                Invocation(["run", "--model", try tinyModel(ws), "--ids", "1,x", "--hook", "logits", "--out", ws.path("out")])
            },
            BadInput(name: "cli: token id past the vocabulary", expect: ["999999", "384"]) { ws in
                Invocation(["run", "--model", try tinyModel(ws), "--ids", "1,999999", "--hook", "logits", "--out", ws.path("out")])
            },
            BadInput(name: "cli: negative token id", expect: ["-3"]) { ws in
                Invocation(["run", "--model", try tinyModel(ws), "--ids", "1,-3", "--hook", "logits", "--out", ws.path("out")])
            },
            BadInput(name: "cli: more tokens than the context", expect: ["65", "64"]) { ws in
                Invocation(["run", "--model", try tinyModel(ws), "--ids", Array(repeating: "1", count: 65).joined(separator: ","),
                            "--hook", "logits", "--out", ws.path("out")])
            },
            BadInput(name: "cli: unknown hook", expect: ["blocks.9.mlp.hook_pre"]) { ws in
                Invocation(["run", "--model", try tinyModel(ws), "--ids", "1", "--hook", "blocks.9.mlp.hook_pre", "--out", ws.path("out")])
            },
            BadInput(name: "cli: probe layer that does not exist", expect: ["--layer 9", "0, 1"]) { ws in
                Invocation(["probe", "--model", try tinyModel(ws), "--layer", "9", "--out", ws.path("out"), "--quiet"], mayCreate: ["out/"])
            },
            BadInput(name: "cli: probe k = 0", expect: ["--k"]) { ws in
                Invocation(["probe", "--model", try tinyModel(ws), "--k", "0", "--out", ws.path("out"), "--quiet"])
            },
            BadInput(name: "cli: cluster --memory not a size", expect: ["banana"]) { ws in
                Invocation(["cluster", try codes(ws), "--k", "2", "--memory", "banana", "--out", ws.path("o.json")])
            },
            BadInput(name: "cli: cluster --init unknown", expect: ["kmeans+++"]) { ws in
                Invocation(["cluster", try codes(ws), "--k", "2", "--init", "kmeans+++", "--out", ws.path("o.json")])
            },
            BadInput(name: "import: no config.json", expect: ["config.json"]) { ws in
                try FileManager.default.createDirectory(atPath: ws.path("ckpt"), withIntermediateDirectories: true)
                return Invocation(["import", ws.path("ckpt"), "-o", ws.path("m.pb")])
            },
            BadInput(name: "import: unsupported model_type", expect: ["mamba"]) { ws in
                try ws.write("ckpt/config.json", #"{"model_type": "mamba"}"#)
                try ws.write("ckpt/model.safetensors", try Data(contentsOf: Robust.checkpoint.appendingPathComponent("model.safetensors")))
                return Invocation(["import", ws.path("ckpt"), "-o", ws.path("m.pb")])
            },
            BadInput(name: "import: safetensors truncated", expect: ["model.safetensors"]) { ws in
                for f in ["config.json", "vocab.json", "merges.txt"] {
                    try ws.write("ckpt/\(f)", try Data(contentsOf: Robust.checkpoint.appendingPathComponent(f)))
                }
                let st = try Data(contentsOf: Robust.checkpoint.appendingPathComponent("model.safetensors"))
                try ws.write("ckpt/model.safetensors", st.prefix(st.count / 2))
                return Invocation(["import", ws.path("ckpt"), "-o", ws.path("m.pb")])
            },
        ]
    }

    /// Writes that fail part way (RLIMIT_FSIZE, SIGXFSZ ignored) over existing outputs: the
    /// harness checks the old files are byte-identical and no temporary file is left.
    static var fullDisk: [BadInput] {
        [
            BadInput(name: "disk full: run over an existing .npy", expect: ["logits.npy"]) { ws in
                let model = try tinyModel(ws)
                try ws.write("out/logits.npy", "previous run's output\n")
                return Invocation(["run", "--model", model, "--ids", "1,2,3,4,5", "--hook", "logits", "--out", ws.path("out")],
                                  fileSizeLimitBlocks: 4)
            },
            BadInput(name: "disk full: cluster over an existing result", expect: ["o.json"]) { ws in
                let c = try codes(ws, rows: 40)
                try ws.write("o.json", "{\"previous\": true}\n")
                return Invocation(["cluster", c, "--k", "3", "--out", ws.path("o.json")], fileSizeLimitBlocks: 0)
            },
            BadInput(name: "disk full: import over an existing model", expect: ["m.pb"]) { ws in
                try ws.write("m.pb", "previous model\n")
                return Invocation(["import", Robust.checkpoint.path, "-o", ws.path("m.pb")], fileSizeLimitBlocks: 16)
            },
            BadInput(name: "disk full: cluster JSON larger than the room left", expect: ["o.json", "File too large"]) { ws in
                let c = try codes(ws, rows: 400)
                try ws.write("o.json", "{\"previous\": true}\n")
                return Invocation(["cluster", c, "--k", "3", "--out", ws.path("o.json")], fileSizeLimitBlocks: 2)
            },
            BadInput(name: "disk full: probe", expect: ["out/"]) { ws in
                let corpus = try ws.write("c/a.txt", String(repeating: "It is a truth universally acknowledged. ", count: 200))
                return Invocation(["probe", "--model", try tinyModel(ws), "--corpus", corpus, "--out", ws.path("out"), "--quiet", "--k", "2"],
                                  fileSizeLimitBlocks: 16, mayCreate: ["out/"])
            },
        ]
    }

    /// Budgets refused with the numbers before any work.
    static var budgets: [BadInput] {
        [
            BadInput(name: "budget: distance matrix over --memory", expect: ["100 x 100", "19.5 KiB", "1.0 KiB"]) { ws in
                Invocation(["cluster", try codes(ws, rows: 100), "--k", "2", "--mode", "matrix", "--memory", "1K", "--out", ws.path("o.json")])
            },
        ]
    }
}
