import Foundation
import PolytopeTestSupport

/// `polytope merge` refusals: a missing, doubled, incomplete or corrupted shard, or one made
/// with another model, other settings or another shard count.
enum MergeCases {
    /// Shards made once by the real binary (tiny model, a short corpus): `s0`..`s2` of 3,
    /// `layer0` (shard 1/3 recording layer 0 instead of 1), `model2` (shard 1/3 of a copy of the
    /// model at another path), `half0` (shard 0/2). Cases copy what they need.
    static let template: URL = {
        let ws = Workspace("merge-template")
        let model = try! ws.model("tiny.pb", Robust.tinySpec)
        let model2 = try! ws.model("tiny2.pb", Robust.tinySpec)
        let text = try! Data(contentsOf: Robust.repoRoot.appendingPathComponent("corpora/austen/persuasion.txt")).prefix(3_000)
        let corpus = try! ws.write("corpus/a.txt", Data(text.prefix { $0 < 0x80 }))
        func shard(_ spec: String, _ name: String, model: String = model, layer: String = "1") {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: try! Robust.polytopeBinary())
            p.arguments = ["probe", "--model", model, "--corpus", corpus, "--layer", layer, "--context", "32", "--batch", "2",
                           "--threads", "1", "--quiet", "--shard", spec, "--out", ws.path(name)]
            p.standardError = FileHandle.nullDevice
            try! p.run()
            p.waitUntilExit()
            precondition(p.terminationStatus == 0, "could not make shard \(name)")
        }
        for i in 0..<3 { shard("\(i)/3", "s\(i)") }
        shard("1/3", "layer0", layer: "0")
        shard("1/3", "model2", model: model2)
        shard("0/2", "half0")
        return ws.dir
    }()

    /// Copies template shards into the workspace; returns their paths in `names` order.
    static func shards(_ ws: Workspace, _ names: [String]) throws -> [String] {
        try names.map { name in
            try FileManager.default.copyItem(at: template.appendingPathComponent(name), to: ws.dir.appendingPathComponent(name))
            return ws.path(name)
        }
    }

    /// Runs a setup command that must succeed.
    static func polytope(_ args: [String]) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: try Robust.polytopeBinary())
        p.arguments = args
        p.standardError = FileHandle.nullDevice
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { throw BadInputSetupError(description: "setup failed: polytope \(args.joined(separator: " "))") }
    }

    /// A valid packed uint8 [4, 2] .npy.
    static func npyHeader() -> Data {
        var header = "{'descr': '|u1', 'fortran_order': False, 'shape': (4, 2), }"
        while (10 + header.count + 1) % 64 != 0 { header += " " }
        header += "\n"
        var d = Data([0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(header.count & 0xFF), UInt8(header.count >> 8)])
        d.append(Data(header.utf8))
        d.append(Data(repeating: 0x5A, count: 8))
        return d
    }

    static var all: [BadInput] {
        [
            BadInput(name: "merge: missing shard", expect: ["missing shard 1 of 3"]) { ws in
                Invocation(["merge"] + (try shards(ws, ["s0", "s2"])) + ["--out", ws.path("m")])
            },
            BadInput(name: "merge: shard given twice", expect: ["shard 2 given 2 times"]) { ws in
                let s = try shards(ws, ["s0", "s1", "s2"])
                try FileManager.default.copyItem(atPath: s[2], toPath: ws.path("again"))
                return Invocation(["merge"] + s + [ws.path("again"), "--out", ws.path("m")])
            },
            BadInput(name: "merge: shard with other settings", expect: ["shard 1", "other settings", "layers: 1 vs 0"]) { ws in
                Invocation(["merge"] + (try shards(ws, ["s0", "layer0", "s2"])) + ["--out", ws.path("m")])
            },
            BadInput(name: "merge: shard of another model", expect: ["shard 1", "other settings", "tiny2.pb"]) { ws in
                Invocation(["merge"] + (try shards(ws, ["s0", "model2", "s2"])) + ["--out", ws.path("m")])
            },
            BadInput(name: "merge: shard of another split", expect: ["shard 0/2", "the others are of 3"]) { ws in
                Invocation(["merge"] + (try shards(ws, ["s0", "s1", "s2", "half0"])) + ["--out", ws.path("m")])
            },
            BadInput(name: "merge: incomplete shard", expect: ["shard 1", "incomplete", "rerun it"]) { ws in
                let s = try shards(ws, ["s0", "s1", "s2"])
                let url = URL(fileURLWithPath: s[1]).appendingPathComponent("probe-state.json")
                let text = try String(contentsOf: url, encoding: .utf8).replacingOccurrences(of: "\"collection_complete\" : true",
                                                                                           with: "\"collection_complete\" : false")
                try ws.write("s1/probe-state.json", text)
                return Invocation(["merge"] + s + ["--out", ws.path("m")])
            },
            BadInput(name: "merge: truncated shard code file", expect: ["shard 1", "codes-layer1.plcodes", "truncated"]) { ws in
                let s = try shards(ws, ["s0", "s1", "s2"])
                let data = try Data(contentsOf: URL(fileURLWithPath: s[1] + "/codes-layer1.plcodes"))
                try ws.write("s1/codes-layer1.plcodes", data.prefix(data.count - 100))
                return Invocation(["merge"] + s + ["--out", ws.path("m")])
            },
            BadInput(name: "merge: shard code file not a code file", expect: ["shard 2", "codes-layer1.plcodes"]) { ws in
                let s = try shards(ws, ["s0", "s1", "s2"])
                try ws.write("s2/codes-layer1.plcodes", String(repeating: "garbage ", count: 40))
                return Invocation(["merge"] + s + ["--out", ws.path("m")])
            },
            BadInput(name: "merge: corrupted shard state", expect: ["s0/probe-state.json", "unreadable"]) { ws in
                let s = try shards(ws, ["s0", "s1", "s2"])
                try ws.write("s0/probe-state.json", "{\"fingerprint\": ")
                return Invocation(["merge"] + s + ["--out", ws.path("m")])
            },
            BadInput(name: "merge: corrupted shard token records", expect: ["shard 1", "tokens.bin record 0", "window"]) { ws in
                let s = try shards(ws, ["s0", "s1", "s2"])
                var data = try Data(contentsOf: URL(fileURLWithPath: s[1] + "/tokens.bin"))
                data[4] = 0xFF   // the first record's window number
                data[5] = 0xFF
                try ws.write("s1/tokens.bin", data)
                return Invocation(["merge"] + s + ["--out", ws.path("m")])
            },
            BadInput(name: "merge: not a shard directory", expect: ["plain", "no shard.json"]) { ws in
                try ws.write("plain/notes.txt", "hello\n")
                return Invocation(["merge"] + (try shards(ws, ["s0", "s1", "s2"])) + [ws.path("plain"), "--out", ws.path("m")])
            },
            BadInput(name: "merge: --out is a shard", expect: ["--out", "is one of the shard directories"]) { ws in
                let s = try shards(ws, ["s0", "s1", "s2"])
                return Invocation(["merge"] + s + ["--out", s[0]])
            },
            BadInput(name: "assign: medoids of other codes", expect: ["is not the code file the medoids were drawn from"]) { ws in
                let s = try shards(ws, ["s0", "s1", "s2"])
                let codes = s[0] + "/codes-layer1.plcodes", other = s[1] + "/codes-layer1.plcodes"
                try polytope(["cluster", codes, "--k", "2", "--sample", "20", "--out", ws.path("m.json"), "--threads", "1"])
                return Invocation(["assign", other, "--medoids", ws.path("m.json"), "--shard", "0/2", "--out", ws.path("a")],
                                  mayCreate: ["a/"])
            },
            BadInput(name: "assign: join with a shard missing", expect: ["missing assignment shard 1 of 2"]) { ws in
                let codes = try shards(ws, ["s0"])[0] + "/codes-layer1.plcodes"
                try polytope(["cluster", codes, "--k", "2", "--sample", "20", "--out", ws.path("m.json"), "--threads", "1"])
                try polytope(["assign", codes, "--medoids", ws.path("m.json"), "--shard", "0/2", "--out", ws.path("a"), "--threads", "1"])
                return Invocation(["assign", "--join", ws.path("a"), "--medoids", ws.path("m.json"), "--labels", ws.path("l.npy")])
            },
            BadInput(name: "cluster: --sample of a .npy", expect: ["--sample reads rows of a code file", "c.npy"]) { ws in
                let c = try ws.write("c.npy", npyHeader())
                return Invocation(["cluster", c, "--k", "2", "--sample", "10", "--out", ws.path("m.json")])
            },
            BadInput(name: "probe: --shard index past the count", expect: ["--shard", "3", "0..<3"]) { ws in
                Invocation(["probe", "--model", try ws.model("tiny.pb", Robust.tinySpec), "--shard", "3/3", "--out", ws.path("out"), "--quiet"],
                           mayCreate: ["out/"])
            },
        ]
    }
}
