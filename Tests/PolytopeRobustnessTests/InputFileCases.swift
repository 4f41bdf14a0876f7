import Foundation
import PolytopeCodes
import PolytopeIO

/// Broken plugins, tokenizer files, corpora and code files.
enum InputFileCases {
    static func tinyModel(_ ws: Workspace) throws -> String { try ws.model("tiny.pb", Robust.tinySpec) }

    // MARK: Plugins (`inspect --plugin LIB`)

    /// The original cases are ABI version 1 tables (still loaded); the v2 cases say so.
    static let pluginHeader = "#define POLYTOPE_PLUGIN_USE_ABI_V1\n#include \"polytope_plugin.h\"\n"
    static let pluginHeaderV2 = "#include \"polytope_plugin.h\"\n"

    /// A kind array of one entry that ends exactly where an inaccessible page begins, so a
    /// host that follows kind_count (3) past the array faults (it used to: exit 139).
    static func guardPageTable(v2: Bool) -> String {
        let kind = v2
            ? "{ sizeof(PolytopeKind), POLYTOPE_KIND_MAGIC, \"only\", 1, 0, 0, 1, in, 0, 0, 0, 0, 0, 0, c, f, d }"
            : "{ \"only\", 1, 0, 0, 0, c, f, d }"
        let table = v2 ? "{ POLYTOPE_PLUGIN_ABI_VERSION, sizeof(PolytopePluginTable), \"guard\", 3, k }" : "{ 1, 3, k, \"guard\" }"
        let sigs = v2
            ? """
              static int c(const PolytopeNodeDesc *n, PolytopeNodeOut *o, PolytopeError *e) { (void)n; (void)o; (void)e; return 0; }
              static int f(const void *s, const PolytopeForwardArgs *a, PolytopeError *e) { (void)s; (void)a; (void)e; return 0; }
              static const PolytopeInputSpec in[] = {{"x", "d", 0}};
              """
            : """
              static int c(const PolytopeNodeDesc *n, void **s, int64_t *w, char *e, size_t l) { (void)n; (void)s; (void)w; (void)e; (void)l; return 0; }
              static int f(void *s, const float *i, int64_t r, float *o, char *e, size_t l) { (void)s; (void)i; (void)r; (void)o; (void)e; (void)l; return 0; }
              """
        return """
            #include <sys/mman.h>
            #include <unistd.h>
            \(sigs)
            static void d(void *s) { (void)s; }
            static PolytopePluginTable t;
            const PolytopePluginTable *polytope_plugin_entry(void) {
                long pg = sysconf(_SC_PAGESIZE);
                char *m = mmap(0, 2 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
                mprotect(m + pg, pg, PROT_NONE);
                PolytopeKind *k = (PolytopeKind *)(m + pg - sizeof(PolytopeKind));
                *k = (PolytopeKind)\(kind);
                t = (PolytopePluginTable)\(table);
                return &t;
            }
            """
    }

    static func pluginCase(_ name: String, _ lib: String, _ expect: [String], _ source: String) -> BadInput {
        BadInput(name: "plugin: " + name, expect: ["lib\(lib).so"] + expect) { ws in
            let so = try Robust.compilePlugin(ws, lib, pluginHeader + source)
            return Invocation(["inspect", "--model", try tinyModel(ws), "--plugin", so])
        }
    }

    static var plugins: [BadInput] {
        [
            pluginCase("missing entry symbol", "noentry", ["polytope_plugin_entry"], "int unrelated(void) { return 1; }\n"),
            pluginCase("wrong ABI version", "abi9", ["ABI version 9"], """
                static const PolytopePluginTable t = { 9, 0, 0, "future" };
                const PolytopePluginTable *polytope_plugin_entry(void) { return &t; }
                """),
            pluginCase("entry returns NULL", "nulltable", ["NULL"], """
                const PolytopePluginTable *polytope_plugin_entry(void) { return 0; }
                """),
            pluginCase("kind table with NULL functions", "nullfns", ["kind #0", "NULL"], """
                static const PolytopeKind kinds[1] = { { "k", 1, 0, 0, 0, 0, 0, 0 } };
                static const PolytopePluginTable t = { POLYTOPE_PLUGIN_ABI_VERSION, 1, kinds, "nulls" };
                const PolytopePluginTable *polytope_plugin_entry(void) { return &t; }
                """),
            pluginCase("v1 kind_count beyond the kinds array", "overcount1", ["kind #1", "unreadable memory", "kind_count 3 larger than the kinds array"],
                       guardPageTable(v2: false)),
            BadInput(name: "plugin: v2 kind_count beyond the kinds array", expect: ["liboc2.so", "kind #1", "kind_count 3 larger than the kinds array"]) { ws in
                let so = try Robust.compilePlugin(ws, "oc2", pluginHeaderV2 + guardPageTable(v2: true))
                return Invocation(["inspect", "--model", try tinyModel(ws), "--plugin", so])
            },
            BadInput(name: "plugin: v2 table with a wrong struct_size", expect: ["libsize2.so", "struct_size 8", "sizeof(PolytopePluginTable)"]) { ws in
                let so = try Robust.compilePlugin(ws, "size2", pluginHeaderV2 + """
                    static const PolytopePluginTable t = { POLYTOPE_PLUGIN_ABI_VERSION, 8, "small", 0, 0 };
                    POLYTOPE_PLUGIN_ENTRY { (void)host; return &t; }
                    """)
                return Invocation(["inspect", "--model", try tinyModel(ws), "--plugin", so])
            },
            BadInput(name: "plugin: not a shared library", expect: ["libjunk.so"]) { ws in
                Invocation(["inspect", "--model", try tinyModel(ws), "--plugin", try ws.write("libjunk.so", "#!/bin/sh\necho hi\n")])
            },
            BadInput(name: "plugin: path does not exist", expect: ["libmissing.so"]) { ws in
                Invocation(["inspect", "--model", try tinyModel(ws), "--plugin", ws.path("libmissing.so")])
            },
        ]
    }

    // MARK: Tokenizer files (`tokenize --tokenizer FILES --text T`)

    static func tokCase(_ name: String, _ expect: [String], _ files: [(String, Data)]) -> BadInput {
        BadInput(name: "tokenizer: " + name, expect: expect) { ws in
            let paths = try files.map { try ws.write($0.0, $0.1) }
            return Invocation(["tokenize", "--tokenizer"] + paths + ["--text", "Hello world"])
        }
    }

    static let goodVocab = Data(#"{"H": 0, "e": 1, "l": 2, "o": 3, "He": 4}"#.utf8)
    static let goodMerges = Data("#version: 0.2\nH e\n".utf8)

    static var tokenizers: [BadInput] {
        [
            tokCase("vocab.json is not JSON", ["vocab.json"], [("vocab.json", Data("{\"a\": 1,".utf8)), ("merges.txt", goodMerges)]),
            tokCase("vocab.json is an array", ["vocab.json"], [("vocab.json", Data("[1, 2, 3]".utf8)), ("merges.txt", goodMerges)]),
            tokCase("vocab.json id is not an integer", ["vocab.json"], [("vocab.json", Data(#"{"a": "x"}"#.utf8)), ("merges.txt", goodMerges)]),
            tokCase("merges.txt line with one token", ["merges.txt:3", "lonely"], [("vocab.json", goodVocab), ("merges.txt", Data("#version: 0.2\nH e\nlonely\n".utf8))]),
            tokCase("merges.txt invalid UTF-8", ["merges.txt:1", "UTF-8"], [("vocab.json", goodVocab), ("merges.txt", Data([0x48, 0x20, 0xFF, 0xFE, 0x0A]))]),
            tokCase("tokenizer.json truncated", ["tokenizer.json"],
                    [("tokenizer.json", try! Data(contentsOf: Robust.checkpoint.appendingPathComponent("tokenizer.json")).prefix(300))]),
            tokCase("tokenizer.json unknown model type", ["tokenizer.json", "Unigram"],
                    [("tokenizer.json", Data(#"{"model": {"type": "Unigram", "vocab": []}}"#.utf8))]),
            tokCase("tokenizer.json without a model", ["tokenizer.json", "model"], [("tokenizer.json", Data(#"{"version": "1.0"}"#.utf8))]),
            tokCase(".tiktoken bad base64", ["bad.tiktoken:2", "not-base64"], [("bad.tiktoken", Data("IQ== 0\n!!!not-base64 1\n".utf8))]),
            tokCase(".tiktoken rank is not a number", ["bad.tiktoken:1", "zero"], [("bad.tiktoken", Data("IQ== zero\n".utf8))]),
            tokCase(".tiktoken rank far beyond the file (memory bomb)", ["big.tiktoken:2", "rank id 1000000000"],
                    [("big.tiktoken", Data("IQ== 0\nIg== 1000000000\n".utf8))]),
            tokCase("vocab.json id far beyond the file (memory bomb)", ["vocab.json", "id 4000000000000"],
                    [("vocab.json", Data(#"{"a": 0, "b": 4000000000000}"#.utf8)), ("merges.txt", goodMerges)]),
            tokCase("vocab.json two tokens with one id", ["vocab.json", "\"H\" and \"He\" both have id 0"],
                    [("vocab.json", Data(#"{"H": 0, "e": 1, "He": 0}"#.utf8)), ("merges.txt", goodMerges)]),
            tokCase("tokenizer.json added token id far beyond the vocabulary", ["tokenizer.json", "id 3000000000"],
                    [("tokenizer.json", Data(#"{"model": {"type": "BPE", "vocab": {"a": 0}, "merges": []}, "added_tokens": [{"id": 3000000000, "content": "<|x|>"}]}"#.utf8))]),
            tokCase("tokenizer.json unknown split regex", ["tokenizer.json", "Split regex", "\\\\w+"],
                    [("tokenizer.json", Data(#"{"model": {"type": "BPE", "vocab": {"a": 0}, "merges": []}, "pre_tokenizer": {"type": "Sequence", "pretokenizers": [{"type": "Split", "pattern": {"Regex": "\\w+"}, "behavior": "Isolated", "invert": false}, {"type": "ByteLevel", "use_regex": false}]}}"#.utf8))]),
            tokCase("tokenizer.json BPE with a normalizer", ["tokenizer.json", "normalizer NFKC"],
                    [("tokenizer.json", Data(#"{"model": {"type": "BPE", "vocab": {"a": 0}, "merges": []}, "normalizer": {"type": "NFKC"}, "pre_tokenizer": {"type": "ByteLevel"}}"#.utf8))]),
            tokCase("tokenizer.json unknown post-processor", ["tokenizer.json", "post-processor Mystery"],
                    [("tokenizer.json", Data(#"{"model": {"type": "BPE", "vocab": {"a": 0}, "merges": []}, "pre_tokenizer": {"type": "ByteLevel"}, "post_processor": {"type": "Mystery"}}"#.utf8))]),
            tokCase(".tiktoken empty", ["empty.tiktoken", "empty"], [("empty.tiktoken", Data())]),
            tokCase("vocab.txt empty", ["vocab.txt"], [("vocab.txt", Data())]),
            tokCase("vocab.txt invalid UTF-8", ["vocab.txt:2", "UTF-8"], [("vocab.txt", Data("[UNK]\n".utf8) + Data([0xC3, 0x28, 0x0A]))]),
            tokCase("tokenizer file missing", ["absent.json"], []).with { ws in
                Invocation(["tokenize", "--tokenizer", ws.path("absent.json"), "--text", "x"])
            },
            BadInput(name: "tokenizer: input file not UTF-8", expect: ["input.txt", "byte offset 6"]) { ws in
                let v = try ws.write("vocab.json", try Data(contentsOf: Robust.checkpoint.appendingPathComponent("vocab.json")))
                let m = try ws.write("merges.txt", try Data(contentsOf: Robust.checkpoint.appendingPathComponent("merges.txt")))
                let input = try ws.write("input.txt", Data("Hello ".utf8) + Data([0xFF]) + Data(" world".utf8))
                return Invocation(["tokenize", input, "--tokenizer", v, m])
            },
        ]
    }

    // MARK: Corpora (`probe --model tiny --corpus C --out out`)

    static func probe(_ ws: Workspace, corpus: String, _ extra: [String] = []) throws -> Invocation {
        Invocation(["probe", "--model", try tinyModel(ws), "--corpus", corpus, "--out", ws.path("out"), "--quiet", "--k", "2"] + extra,
                   mayCreate: ["out/"])
    }

    static var corpora: [BadInput] {
        [
            BadInput(name: "corpus: invalid UTF-8", expect: ["bad.txt", "byte 12"]) { ws in
                try probe(ws, corpus: try ws.write("c/bad.txt", Data("It is a trut".utf8) + Data([0xC0, 0xAF]) + Data(" universally".utf8)))
            },
            BadInput(name: "corpus: empty file", expect: ["empty.txt"]) { ws in
                try probe(ws, corpus: try ws.write("c/empty.txt", Data()))
            },
            BadInput(name: "corpus: empty directory", expect: ["emptydir"]) { ws in
                try FileManager.default.createDirectory(atPath: ws.path("emptydir"), withIntermediateDirectories: true)
                return try probe(ws, corpus: ws.path("emptydir"))
            },
            BadInput(name: "corpus: jsonl line is not JSON", expect: ["docs.jsonl:2"]) { ws in
                try probe(ws, corpus: try ws.write("docs.jsonl", "{\"text\": \"fine\"}\n{\"text\": \"broken\n"))
            },
            BadInput(name: "corpus: jsonl without the text field", expect: ["docs.jsonl:1", "body"]) { ws in
                try probe(ws, corpus: try ws.write("docs.jsonl", "{\"text\": \"fine\"}\n"), ["--text-field", "body"])
            },
            BadInput(name: "corpus: path does not exist", expect: ["nowhere.txt"]) { ws in
                try probe(ws, corpus: ws.path("nowhere.txt"))
            },
        ]
    }

    // MARK: Code files and .npy (`cluster CODES --k 2 --out o.json`)

    static func cluster(_ ws: Workspace, _ path: String, k: String = "2", out: String? = nil) -> Invocation {
        Invocation(["cluster", path, "--k", k, "--out", out ?? ws.path("o.json")])
    }

    /// A .npy file with the given header dictionary and payload.
    static func npy(_ dict: String, payload: Data = Data()) -> Data {
        var h = Array(dict.utf8)
        while (10 + h.count + 1) % 64 != 0 { h.append(0x20) }
        h.append(0x0A)
        var d = Data([0x93] + Array("NUMPY".utf8) + [1, 0])
        withUnsafeBytes(of: UInt16(h.count).littleEndian) { d.append(contentsOf: $0) }
        return d + Data(h) + payload
    }

    static func codeFile(rows: Int, bits: Int) throws -> Data {
        let header = CodeFile.Header(bits: bits, rows: rows, provenance: "{}")
        return header.encode() + Data(count: rows * header.strideBytes)
    }

    static var codes: [BadInput] {
        [
            BadInput(name: "npy: bad magic", expect: ["bad.npy"]) { ws in cluster(ws, try ws.write("bad.npy", "NOTNUMPYATALL")) },
            BadInput(name: "npy: fortran order", expect: ["f.npy", "ortran"]) { ws in
                cluster(ws, try ws.write("f.npy", npy("{'descr': '|u1', 'fortran_order': True, 'shape': (4, 2), }", payload: Data(count: 8))))
            },
            BadInput(name: "npy: shape overflows", expect: ["big.npy"]) { ws in
                cluster(ws, try ws.write("big.npy", npy("{'descr': '|u1', 'fortran_order': False, 'shape': (4294967296, 4294967296), }")))
            },
            BadInput(name: "npy: data shorter than shape", expect: ["short.npy"]) { ws in
                cluster(ws, try ws.write("short.npy", npy("{'descr': '|u1', 'fortran_order': False, 'shape': (100, 4), }", payload: Data(count: 40))))
            },
            BadInput(name: "npy: header truncated", expect: ["cut.npy"]) { ws in
                cluster(ws, try ws.write("cut.npy", npy("{'descr': '|u1', 'fortran_order': False, 'shape': (4, 2), }").prefix(30)))
            },
            BadInput(name: "npy: header is not a dictionary", expect: ["junk.npy"]) { ws in
                cluster(ws, try ws.write("junk.npy", npy("[1, 2, 3]")))
            },
            BadInput(name: "npy: float64 codes", expect: ["f8.npy"]) { ws in
                cluster(ws, try ws.write("f8.npy", npy("{'descr': '<f8', 'fortran_order': False, 'shape': (4, 2), }", payload: Data(count: 64))))
            },
            BadInput(name: "npy: three dimensions", expect: ["3d.npy"]) { ws in
                cluster(ws, try ws.write("3d.npy", npy("{'descr': '|u1', 'fortran_order': False, 'shape': (2, 2, 2), }", payload: Data(count: 8))))
            },
            BadInput(name: "codes: truncated code file", expect: ["cut.plcodes"]) { ws in
                cluster(ws, try ws.write("cut.plcodes", try codeFile(rows: 10, bits: 100).prefix(64 + 64 * 3)))
            },
            BadInput(name: "codes: bad magic", expect: ["bad.plcodes"]) { ws in
                var d = try codeFile(rows: 4, bits: 100)
                d[0] = UInt8(ascii: "X")
                return cluster(ws, try ws.write("bad.plcodes", d))
            },
            BadInput(name: "codes: future version", expect: ["v9.plcodes", "version 9"]) { ws in
                var d = try codeFile(rows: 4, bits: 100)
                d[8] = 9
                return cluster(ws, try ws.write("v9.plcodes", d))
            },
            BadInput(name: "codes: row count overflows", expect: ["huge.plcodes"]) { ws in
                var d = try codeFile(rows: 4, bits: 100)
                for i in 32..<40 { d[i] = 0xFF }
                d[39] = 0x7F
                return cluster(ws, try ws.write("huge.plcodes", d))
            },
            BadInput(name: "codes: zero rows", expect: ["zero.plcodes"]) { ws in
                cluster(ws, try ws.write("zero.plcodes", try codeFile(rows: 0, bits: 100)))
            },
            BadInput(name: "cluster: k = 0", expect: ["--k", "0"]) { ws in
                cluster(ws, try ws.write("c.plcodes", try codeFile(rows: 4, bits: 100)), k: "0")
            },
            BadInput(name: "cluster: k > N", expect: ["--k 5", "4"]) { ws in
                cluster(ws, try ws.write("c.plcodes", try codeFile(rows: 4, bits: 100)), k: "5")
            },
            BadInput(name: "hdbscan: min_cluster_size < 2", expect: ["--min-cluster-size", "at least 2", "1"]) { ws in
                Invocation(["cluster", try ws.write("c.plcodes", try codeFile(rows: 4, bits: 100)), "--method", "hdbscan",
                            "--min-cluster-size", "1", "--out", ws.path("o.json")])
            },
            BadInput(name: "hdbscan: min_cluster_size > N", expect: ["--min-cluster-size 5", "<= 4"]) { ws in
                Invocation(["cluster", try ws.write("c.plcodes", try codeFile(rows: 4, bits: 100)), "--method", "hdbscan",
                            "--min-cluster-size", "5", "--out", ws.path("o.json")])
            },
            BadInput(name: "hdbscan: empty codes", expect: ["e.npy", "0 rows"]) { ws in
                Invocation(["cluster", try ws.write("e.npy", npy("{'descr': '|u1', 'fortran_order': False, 'shape': (0, 4), }")),
                            "--method", "hdbscan", "--out", ws.path("o.json")])
            },
            BadInput(name: "hdbscan: codes of different widths", expect: ["w2.plcodes", "200 bits", "100"]) { ws in
                Invocation(["cluster", try ws.write("w1.plcodes", try codeFile(rows: 4, bits: 100)),
                            try ws.write("w2.plcodes", try codeFile(rows: 4, bits: 200)), "--method", "hdbscan",
                            "--min-cluster-size", "2", "--out", ws.path("o.json")])
            },
            BadInput(name: "hdbscan: --k given", expect: ["--k", "hdbscan"]) { ws in
                Invocation(["cluster", try ws.write("c.plcodes", try codeFile(rows: 4, bits: 100)), "--method", "hdbscan",
                            "--k", "2", "--out", ws.path("o.json")])
            },
            BadInput(name: "cluster: output directory missing", expect: ["nodir/o.json"]) { ws in
                cluster(ws, try ws.write("c.plcodes", try codeFile(rows: 4, bits: 100)), out: ws.path("nodir/o.json"))
            },
            BadInput(name: "cluster: output directory unwritable", expect: ["/proc/polytope-robust.json"]) { ws in
                cluster(ws, try ws.write("c.plcodes", try codeFile(rows: 4, bits: 100)), out: "/proc/polytope-robust.json")
            },
            BadInput(name: "cluster: output parent is a file", expect: ["afile/o.json"]) { ws in
                try ws.write("afile", "x")
                return cluster(ws, try ws.write("c.plcodes", try codeFile(rows: 4, bits: 100)), out: ws.path("afile/o.json"))
            },
        ]
    }
}

extension BadInput {
    /// The same case with another command builder.
    func with(_ make: @escaping (Workspace) throws -> Invocation) -> BadInput {
        BadInput(name: name, expect: expect, make: make)
    }
}
