import Foundation
import PolytopeBuiltins
import PolytopeModel
import XCTest

/// ABI version 2 across the boundary, with plugins compiled from C at test time: the schema
/// the host validates before `create`, what `create` receives (schema order, defaults, lists,
/// the host table), sequence information in `forward`, per-node knots, and table refusals
/// (struct sizes, kind magic, a kind_count beyond the array).
final class PluginABIv2Tests: XCTestCase {
    /// `probe_kind`: inputs a[d], b[d]; params w[d], opt[d]? ; attrs n:int (required),
    /// scale:float = 0.5, sizes:ints = [1, 2], gains:floats = [0.25], tags:strings = ["p", "q"],
    /// flag:bool = false. create() checks what it receives and fails with a message naming the
    /// first mismatch; forward() writes position + 100 * sequence + 10000 * length of each row.
    static let source = """
        #include "polytope_plugin.h"
        #include <string.h>
        #define CHECK(c, m) if (!(c)) return n->host->error(err, m)
        static int create(const PolytopeNodeDesc *n, PolytopeNodeOut *out, PolytopeError *err) {
            CHECK(n->struct_size == sizeof(PolytopeNodeDesc), "desc size");
            CHECK(n->host && n->host->abi_version == 2 && n->host->struct_size == sizeof(PolytopeHost) && n->host->host_version, "host table");
            CHECK(n->input_count == 2 && n->input_widths[0] == n->input_widths[1], "inputs");
            CHECK(n->param_count == 2 && !strcmp(n->params[0].role, "w") && n->params[0].data && n->params[0].rank == 1, "param w");
            CHECK(!strcmp(n->params[1].role, "opt") && n->params[1].data == NULL, "optional param absent: data NULL");
            CHECK(n->attr_count == 6, "six attrs, defaults filled");
            const PolytopeAttr *a = n->attrs;
            CHECK(!strcmp(a[0].name, "n") && a[0].type == POLYTOPE_ATTR_INT && a[0].i == 3, "attr n");
            CHECK(!strcmp(a[1].name, "scale") && a[1].type == POLYTOPE_ATTR_FLOAT && a[1].f == 0.5, "attr scale default");
            CHECK(a[2].type == POLYTOPE_ATTR_INTS && a[2].count == 3 && a[2].ints[2] == -7, "attr sizes (given)");
            CHECK(a[3].type == POLYTOPE_ATTR_FLOATS && a[3].count == 1 && a[3].floats[0] == 0.25, "attr gains default");
            CHECK(a[4].type == POLYTOPE_ATTR_STRINGS && a[4].count == 2 && !strcmp(a[4].strings[1], "q"), "attr tags default");
            CHECK(a[5].type == POLYTOPE_ATTR_BOOL && a[5].i == 1, "attr flag (given)");
            out->state = NULL;
            out->output_width = 2;
            return 0;
        }
        static int forward(const void *s, const PolytopeForwardArgs *a, PolytopeError *err) {
            (void)s; (void)err;
            for (int64_t r = 0; r < a->rows; r++) {
                int64_t seq = r / a->seq_len;
                a->output[r * 2] = (float)(a->positions[r] + 100 * seq + 10000 * a->lengths[seq]);
                a->output[r * 2 + 1] = a->inputs[0][r * a->input_widths[0]] + a->inputs[1][r * a->input_widths[1]];
            }
            return 0;
        }
        static void destroy(void *s) { (void)s; }
        static const PolytopeInputSpec inputs[] = {{"a", "d", 0}, {"b", "d", 0}};
        static const PolytopeParamSpec params[] = {{"w", "d", 0, 0}, {"opt", "d", 1, 0}};
        static const PolytopeAttrSpec attrs[] = {
            {"n", POLYTOPE_ATTR_INT, 0, 0}, {"scale", POLYTOPE_ATTR_FLOAT, "0.5", 0},
            {"sizes", POLYTOPE_ATTR_INTS, "[1, 2]", 0}, {"gains", POLYTOPE_ATTR_FLOATS, "[0.25]", 0},
            {"tags", POLYTOPE_ATTR_STRINGS, "[\\"p\\", \\"q\\"]", 0}, {"flag", POLYTOPE_ATTR_BOOL, "false", 0},
        };
        static const float knot0[1] = {0};
        static int bad_knots(const PolytopeNodeDesc *n, PolytopeNodeOut *out, PolytopeError *err) {
            (void)err; static const float k[2] = {1, 0};
            out->output_width = n->input_widths[0]; out->knot_count = 2; out->knots = k; return 0;
        }
        static int fails(const PolytopeNodeDesc *n, PolytopeNodeOut *out, PolytopeError *err) {
            (void)out; return polytope_errorf(n->host, err, "refused: width %lld", (long long)n->input_widths[0]);
        }
        static const PolytopeInputSpec one[] = {{"x", "d", 0}};
        #define KIND(NAME, FLAGS, NI, IN, NP, P, NA, A, NK, K, CREATE) \\
            { sizeof(PolytopeKind), POLYTOPE_KIND_MAGIC, NAME, 1, FLAGS, "doc", NI, IN, NP, P, NA, A, NK, K, CREATE, forward, destroy }
        static const PolytopeKind kinds[] = {
            KIND("probe_kind", POLYTOPE_KIND_POSITIONAL, 2, inputs, 2, params, 6, attrs, 0, 0, create),
            KIND("bad_knots", POLYTOPE_KIND_ACTIVATION, 1, one, 0, 0, 0, 0, 1, knot0, bad_knots),
            KIND("fails", 0, 1, one, 0, 0, 0, 0, 0, 0, fails),
        };
        static const PolytopePluginTable table = { POLYTOPE_PLUGIN_ABI_VERSION, sizeof(PolytopePluginTable), "v2 test", 3, kinds };
        POLYTOPE_PLUGIN_ENTRY { (void)host; return &table; }
        """

    static let d = 3

    func registry() throws -> (LayerRegistry, PluginInfo) {
        let r = LayerRegistry.builtins()
        return (r, try PluginLoader.load(path: try PluginFixtures.compile("abi2", Self.source), into: r))
    }

    /// embed -> a (linear d->d), then `node` reading embed and a.
    func spec(_ node: NodeSpec, extraTensors: [TensorSpec] = []) -> ModelSpec {
        var s = ModelSpec()
        s.tensors = [
            SpecBuilder.tensor("wte", [4, Self.d], SpecBuilder.values(4 * Self.d, seed: 1)),
            SpecBuilder.tensor("lin", [Self.d, Self.d], SpecBuilder.values(Self.d * Self.d, seed: 2)),
        ] + (node.params.values.contains("w") ? [SpecBuilder.tensor("w", [Self.d], [1, 2, 3])] : []) + extraTensors
        s.nodes = [
            NodeSpec(name: "embed", kind: "token_embedding", params: ["weight": "wte"]),
            NodeSpec(name: "a", kind: "linear", inputs: ["embed"], params: ["weight": "lin"]),
            node,
        ]
        return s
    }

    static let good = NodeSpec(name: "p", kind: "probe_kind", inputs: ["embed", "a"], params: ["w": "w"],
                               attrs: ["n": .int(3), "sizes": .ints([4, 5, -7]), "flag": .bool(true)])

    func testCreateGetsSchemaOrderDefaultsListsAndTheHost() throws {
        let (r, info) = try registry()
        XCTAssertEqual(info.abiVersion, 2)
        let schema = try XCTUnwrap(r.kind("probe_kind", version: 1)?.schema)
        XCTAssertEqual(schema.signature, #"a[d], b[d]; params w[d], opt[d]?; attrs n: int (required), scale: float = 0.5, sizes: int list = [1, 2], gains: float list = [0.25], tags: string list = ["p", "q"], flag: bool = false"#)
        let model = try Model.load(path: try SpecBuilder.write(spec(Self.good)), registry: r)
        // Two sequences, lengths 3 and 1, padded to 3: sequence information reaches forward().
        let out = try XCTUnwrap(try model.forward(ForwardContext(sequences: [[1, 2, 3], [0]]), capture: ["p", "embed", "a"]))
        let p = try XCTUnwrap(out["p"]), e = try XCTUnwrap(out["embed"]), a = try XCTUnwrap(out["a"])
        XCTAssertEqual((0..<6).map { p[$0, 0] }, [30000, 30001, 30002, 10100, 10101, 10102])
        for row in 0..<6 { XCTAssertEqual(p[row, 1], e[row, 0] + a[row, 0], accuracy: 1e-6, "both inputs reach forward()") }
    }

    func testTheHostValidatesNodesAgainstTheSchemaBeforeCreate() throws {
        let (r, _) = try registry()
        func refused(_ edit: (inout NodeSpec) -> Void, _ fragments: [String], extra: [TensorSpec] = [], line: UInt = #line) throws {
            var n = Self.good
            edit(&n)
            XCTAssertThrowsError(try Model.load(path: try SpecBuilder.write(spec(n, extraTensors: extra)), registry: r), line: line) { error in
                let text = "\(error)"
                for f in fragments { XCTAssertTrue(text.contains(f), "'\(f)' not in: \(text)", line: line) }
            }
        }
        try refused({ $0.attrs["colour"] = .string("red") }, ["node 'p'", "takes no attribute 'colour'", "n, scale, sizes"])
        try refused({ $0.attrs["n"] = nil }, ["node 'p'", "missing attribute 'n'"])
        try refused({ $0.attrs["scale"] = .string("big") }, ["node 'p'", "attribute 'scale'", "expected a float"])
        try refused({ $0.attrs["tags"] = .ints([1]) }, ["attribute 'tags'", "expected a string list"])
        try refused({ $0.params["w"] = nil }, ["node 'p'", "parameter 'w'"], extra: [SpecBuilder.tensor("w", [Self.d], [1, 2, 3])])
        try refused({ $0.params["bias"] = "w" }, ["takes no parameter 'bias'", "it takes: w, opt"])
        try refused({ $0.params["w"] = "w4" }, ["parameter 'w'", "[4]", "expected [d] with d=3"],
                    extra: [SpecBuilder.tensor("w4", [4], [1, 2, 3, 4])])
        try refused({ $0.inputs = ["embed"] }, ["kind 'probe_kind' takes 2 input(s), got 1"])
    }

    func testKnotsAndErrorsFromCreate() throws {
        let (r, info) = try registry()
        var n = NodeSpec(name: "k", kind: "bad_knots", inputs: ["a"])
        XCTAssertThrowsError(try Model.load(path: try SpecBuilder.write(spec(n)), registry: r)) { error in
            XCTAssertTrue("\(error)".contains("create() set knots: knots must be strictly ascending"), "\(error)")
        }
        n = NodeSpec(name: "f", kind: "fails", inputs: ["a"])
        XCTAssertThrowsError(try Model.load(path: try SpecBuilder.write(spec(n)), registry: r)) { error in
            XCTAssertEqual(error as? ModelError, .pluginKindFailed(node: "f", kind: "fails", library: info.path, message: "refused: width 3"))
            XCTAssertTrue("\(error)".contains(info.path), "create errors name the library: \(error)")
        }
    }

    /// A table whose kind_count exceeds its kinds array used to be followed into whatever
    /// memory came next (exit 139); now the first entry that is not a kind is refused.
    func testKindCountBeyondTheArrayIsRefused() throws {
        let v2 = try PluginFixtures.compile("overcount2", """
            #include "polytope_plugin.h"
            static int c(const PolytopeNodeDesc *n, PolytopeNodeOut *o, PolytopeError *e) { (void)e; o->output_width = n->input_widths[0]; return 0; }
            static int f(const void *s, const PolytopeForwardArgs *a, PolytopeError *e) { (void)s; (void)a; (void)e; return 0; }
            static void d(void *s) { (void)s; }
            static const PolytopeInputSpec in[] = {{"x", "d", 0}};
            static const PolytopeKind kinds[1] = {{ sizeof(PolytopeKind), POLYTOPE_KIND_MAGIC, "only", 1, 0, 0, 1, in, 0, 0, 0, 0, 0, 0, c, f, d }};
            static const PolytopePluginTable table = { POLYTOPE_PLUGIN_ABI_VERSION, sizeof(PolytopePluginTable), "over", 40, kinds };
            POLYTOPE_PLUGIN_ENTRY { (void)host; return &table; }
            """)
        assertRefused(v2, ["libovercount2.so", "kind #1", "kind_count 40 larger than the kinds array"])
        let v1big = try PluginFixtures.compile("overcount1b", PluginFixtures.prelude + """
            static const PolytopeKind kinds[1] = { GOOD("only") };
            ENTRY(4000, kinds)
            """)
        assertRefused(v1big, ["libovercount1b.so", "kind #1", "kind_count 4000 larger than the kinds array"])
    }

    func testStructSizesAndMagicAreChecked() throws {
        let cases: [(String, String, String)] = [
            ("tablesize", "{ POLYTOPE_PLUGIN_ABI_VERSION, 12, \"t\", 1, kinds }", "plugin table has struct_size 12"),
            ("kindsize", "{ POLYTOPE_PLUGIN_ABI_VERSION, sizeof(PolytopePluginTable), \"t\", 1, small }", "kind #0 has struct_size 64"),
            ("nomagic", "{ POLYTOPE_PLUGIN_ABI_VERSION, sizeof(PolytopePluginTable), \"t\", 1, nomagic }", "kind #0 does not start with POLYTOPE_KIND_MAGIC"),
            ("badshape", "{ POLYTOPE_PLUGIN_ABI_VERSION, sizeof(PolytopePluginTable), \"t\", 1, badshape }", "param 'w' shape \"d,\" is not"),
            ("baddefault", "{ POLYTOPE_PLUGIN_ABI_VERSION, sizeof(PolytopePluginTable), \"t\", 1, baddefault }", "attr 'eps' default fast is not a float"),
        ]
        for (name, table, message) in cases {
            let lib = try PluginFixtures.compile(name, """
                #include "polytope_plugin.h"
                static int c(const PolytopeNodeDesc *n, PolytopeNodeOut *o, PolytopeError *e) { (void)n; (void)o; (void)e; return 0; }
                static int f(const void *s, const PolytopeForwardArgs *a, PolytopeError *e) { (void)s; (void)a; (void)e; return 0; }
                static void d(void *s) { (void)s; }
                static const PolytopeInputSpec in[] = {{"x", "d", 0}};
                static const PolytopeParamSpec ps[] = {{"w", "d,", 0, 0}};
                static const PolytopeAttrSpec as[] = {{"eps", POLYTOPE_ATTR_FLOAT, "fast", 0}};
                static const PolytopeKind kinds[1] = {{ sizeof(PolytopeKind), POLYTOPE_KIND_MAGIC, "k", 1, 0, 0, 1, in, 0, 0, 0, 0, 0, 0, c, f, d }};
                static const PolytopeKind small[1] = {{ 64, POLYTOPE_KIND_MAGIC, "k", 1, 0, 0, 1, in, 0, 0, 0, 0, 0, 0, c, f, d }};
                static const PolytopeKind nomagic[1] = {{ sizeof(PolytopeKind), 0, "k", 1, 0, 0, 1, in, 0, 0, 0, 0, 0, 0, c, f, d }};
                static const PolytopeKind badshape[1] = {{ sizeof(PolytopeKind), POLYTOPE_KIND_MAGIC, "k", 1, 0, 0, 1, in, 1, ps, 0, 0, 0, 0, c, f, d }};
                static const PolytopeKind baddefault[1] = {{ sizeof(PolytopeKind), POLYTOPE_KIND_MAGIC, "k", 1, 0, 0, 1, in, 0, 0, 1, as, 0, 0, c, f, d }};
                static const PolytopePluginTable table = \(table);
                POLYTOPE_PLUGIN_ENTRY { (void)host; (void)small; (void)nomagic; (void)badshape; (void)baddefault; (void)kinds; return &table; }
                """)
            assertRefused(lib, ["lib\(name).so", message])
        }
    }

    /// The header is usable from C++: `extern "C"`, the export macro, aggregate tables, and a
    /// kind that logs through the host and fails through `polytope_errorf`.
    func testAPluginWrittenInCPlusPlusLoadsAndRuns() throws {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        guard let cxx = path.split(separator: ":").map({ "\($0)/c++" }).first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw XCTSkip("no c++ on PATH")
        }
        let dir = Fixtures.tempDir("plugin-cxx")
        let src = dir.appendingPathComponent("negate.cpp"), lib = dir.appendingPathComponent("libnegate.so").path
        try """
            #include "polytope_plugin.h"
            #include <vector>
            namespace {
            struct State { std::vector<float> unused; };
            int create(const PolytopeNodeDesc *n, PolytopeNodeOut *out, PolytopeError *err) {
                if (n->attrs[0].i < 0) return polytope_errorf(n->host, err, "scale %lld is negative", (long long)n->attrs[0].i);
                out->state = new State();
                out->output_width = n->input_widths[0];
                return 0;
            }
            int forward(const void *, const PolytopeForwardArgs *a, PolytopeError *) {
                for (int64_t i = 0; i < a->rows * a->output_width; i++) a->output[i] = -a->inputs[0][i];
                return 0;
            }
            void destroy(void *s) { delete static_cast<State *>(s); }
            const PolytopeInputSpec inputs[] = {{"x", "d", nullptr}};
            const PolytopeAttrSpec attrs[] = {{"scale", POLYTOPE_ATTR_INT, "1", nullptr}};
            const PolytopeKind kinds[] = {{ sizeof(PolytopeKind), POLYTOPE_KIND_MAGIC, "cxx_negate", 1, 0, "-x",
                1, inputs, 0, nullptr, 1, attrs, 0, nullptr, create, forward, destroy }};
            const PolytopePluginTable table = { POLYTOPE_PLUGIN_ABI_VERSION, sizeof(PolytopePluginTable), "C++ plugin", 1, kinds };
            }
            POLYTOPE_PLUGIN_ENTRY { host->log(POLYTOPE_LOG_INFO, "loaded"); return &table; }
            """.write(to: src, atomically: true, encoding: .utf8)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: cxx)
        p.arguments = ["-std=c++17", "-shared", "-fPIC", "-fvisibility=hidden", "-I", PluginFixtures.abiInclude, src.path, "-o", lib]
        try p.run()
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0, "c++ compiles the header")
        let r = LayerRegistry.builtins()
        let info = try PluginLoader.load(path: lib, into: r)
        XCTAssertEqual(info.kinds, ["cxx_negate@1"], "the entry is exported with C linkage despite -fvisibility=hidden")
        var n = NodeSpec(name: "neg", kind: "cxx_negate", inputs: ["a"])
        let m = try Model.load(path: try SpecBuilder.write(spec(n)), registry: r)
        let out = try m.forward(ForwardContext(sequences: [[1, 2]]), capture: ["a", "neg"])
        XCTAssertEqual(out["neg"]!.data, out["a"]!.data.map { -$0 })
        n.attrs["scale"] = .int(-2)
        XCTAssertThrowsError(try Model.load(path: try SpecBuilder.write(spec(n)), registry: r)) { e in
            XCTAssertEqual(e as? ModelError, .pluginKindFailed(node: "neg", kind: "cxx_negate", library: info.path, message: "scale -2 is negative"))
        }
    }

    func assertRefused(_ path: String, _ fragments: [String], file: StaticString = #filePath, line: UInt = #line) {
        let r = LayerRegistry.builtins()
        let before = r.loadedDescription
        XCTAssertThrowsError(try PluginLoader.load(path: path, into: r), file: file, line: line) { error in
            let text = "\(error)"
            XCTAssertFalse(text.contains("\n"), "one line: \(text)", file: file, line: line)
            for f in fragments { XCTAssertTrue(text.contains(f), "'\(f)' not in: \(text)", file: file, line: line) }
        }
        XCTAssertEqual(r.loadedDescription, before, file: file, line: line)
    }
}
