import Foundation
import PolytopeBuiltins
import PolytopeModel
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// What crosses the C ABI: params (widened to float32, with their shapes), scalar attributes
/// (sorted by name, lists left out), node identity; forward and create errors; destroy once
/// per built layer. The plugin under test checks what it receives and fails create otherwise.
final class PluginMarshalingTests: XCTestCase {
    static let source = """
        #define POLYTOPE_PLUGIN_USE_ABI_V1
        #include "polytope_plugin.h"
        #include <stdio.h>
        #include <stdlib.h>
        #include <string.h>
        static int creates = 0, destroys = 0;
        int affine_creates(void) { return creates; }
        int affine_destroys(void) { return destroys; }
        typedef struct { int64_t width; float *scale; float offset; } State;
        static int fail(char *e, size_t l, const char *m) { snprintf(e, l, "%s", m); return 1; }
        static int create(const PolytopeNodeDesc *n, void **s, int64_t *w, char *e, size_t l) {
            if (strcmp(n->name, "affine") || strcmp(n->kind, "affine_check") || n->kind_version != 1) return fail(e, l, "node identity");
            if (n->param_count != 1 || strcmp(n->params[0].role, "scale")) return fail(e, l, "expected one param 'scale'");
            const PolytopeParam *p = &n->params[0];
            if (p->rank != 2 || p->shape[0] != 1 || p->shape[1] != n->input_width) return fail(e, l, "scale must be [1, d]");
            if (n->attr_count != 4) { snprintf(e, l, "expected 4 scalar attrs, got %d", (int)n->attr_count); return 1; }
            const PolytopeAttr *a = n->attrs;
            if (strcmp(a[0].name, "flip") || a[0].type != POLYTOPE_ATTR_BOOL || a[0].i != 1) return fail(e, l, "attr flip");
            if (strcmp(a[1].name, "label") || a[1].type != POLYTOPE_ATTR_STRING || strcmp(a[1].s, "node label")) return fail(e, l, "attr label");
            if (strcmp(a[2].name, "offset") || a[2].type != POLYTOPE_ATTR_FLOAT) return fail(e, l, "attr offset");
            if (strcmp(a[3].name, "repeat") || a[3].type != POLYTOPE_ATTR_INT || a[3].i != -7) return fail(e, l, "attr repeat");
            State *st = malloc(sizeof *st);
            st->width = n->input_width;
            st->scale = malloc(sizeof(float) * (size_t)st->width);
            memcpy(st->scale, p->data, sizeof(float) * (size_t)st->width);
            st->offset = (float)a[2].f;
            *s = st;
            *w = n->input_width;
            creates++;
            return 0;
        }
        /* out = -(x * scale + offset): flip is true */
        static int forward(void *s, const float *in, int64_t rows, float *out, char *e, size_t l) {
            const State *st = s; (void)e; (void)l;
            for (int64_t r = 0; r < rows; r++)
                for (int64_t j = 0; j < st->width; j++)
                    out[r * st->width + j] = -(in[r * st->width + j] * st->scale[j] + st->offset);
            return 0;
        }
        static void destroy(void *s) { State *st = s; free(st->scale); free(st); destroys++; }
        static int ok_create(const PolytopeNodeDesc *n, void **s, int64_t *w, char *e, size_t l) {
            (void)e; (void)l; *s = NULL; *w = n->input_width; return 0;
        }
        static int zero_create(const PolytopeNodeDesc *n, void **s, int64_t *w, char *e, size_t l) {
            (void)n; (void)e; (void)l; *s = NULL; *w = 0; return 0;
        }
        static int wide_create(const PolytopeNodeDesc *n, void **s, int64_t *w, char *e, size_t l) {
            (void)e; (void)l; *s = NULL; *w = n->input_width + 1; return 0;
        }
        static int boom(void *s, const float *in, int64_t rows, float *out, char *e, size_t l) {
            (void)s; (void)in; (void)out; snprintf(e, l, "boom: %lld rows\\nsecond line", (long long)rows); return 3;
        }
        static int silent(void *s, const float *in, int64_t rows, float *out, char *e, size_t l) {
            (void)s; (void)in; (void)rows; (void)out; (void)e; (void)l; return 5;
        }
        static void no_destroy(void *s) { (void)s; }
        static const float knot0[1] = {0.0f};
        static const PolytopeKind kinds[] = {
            { "affine_check", 1, 0, 0, NULL, create, forward, destroy },
            { "fails_loudly", 1, 0, 0, NULL, ok_create, boom, no_destroy },
            { "fails_silently", 1, 0, 0, NULL, ok_create, silent, no_destroy },
            { "zero_width", 1, 0, 0, NULL, zero_create, boom, no_destroy },
            { "widening_act", 1, POLYTOPE_KIND_ACTIVATION, 1, knot0, wide_create, boom, no_destroy },
        };
        static const PolytopePluginTable table = { POLYTOPE_PLUGIN_ABI_VERSION, 5, kinds, NULL };
        const PolytopePluginTable *polytope_plugin_entry(void) { return &table; }
        """

    static let vocab = 3, d = 4
    static let scale: [Float] = [0.5, -1.5, 2, 0.25]  // exact in f16

    func registry() throws -> (LayerRegistry, PluginInfo) {
        let lib = try PluginFixtures.compile("affine", Self.source)
        let r = LayerRegistry.builtins()
        return (r, try PluginLoader.load(path: lib, into: r))
    }

    /// token_embedding -> one node of `kind` named `name`.
    func spec(kind: String, name: String = "affine") -> ModelSpec {
        var s = ModelSpec()
        var f16 = Data()
        for v in Self.scale { withUnsafeBytes(of: Float16(v).bitPattern.littleEndian) { f16.append(contentsOf: $0) } }
        s.tensors = [
            SpecBuilder.tensor("wte", [Self.vocab, Self.d], SpecBuilder.values(Self.vocab * Self.d, seed: 5)),
        ]
        if kind == "affine_check" { s.tensors.append(TensorSpec(name: "scale", dtype: .f16, shape: [1, Self.d], storage: .inline(f16))) }
        s.nodes = [
            NodeSpec(name: "embed", kind: "token_embedding", params: ["weight": "wte"]),
            NodeSpec(name: name, kind: kind, inputs: ["embed"], params: kind == "affine_check" ? ["scale": "scale"] : [:],
                     attrs: ["offset": .float(0.25), "flip": .bool(true), "repeat": .int(-7), "label": .string("node label"),
                            ]),
        ]
        return s
    }

    func testParamsAndAttrsCrossTheABI() throws {
        let (r, info) = try registry()
        XCTAssertEqual(info.name, "libaffine.so", "a NULL plugin_name falls back to the file name")
        let model = try Model.load(path: try SpecBuilder.write(spec(kind: "affine_check")), registry: r)
        let ids: [Int32] = [2, 0, 1, 1]
        let out = try XCTUnwrap(try model.forward(ForwardContext(sequences: [ids]), capture: ["affine"])["affine"])
        let wte = SpecBuilder.values(Self.vocab * Self.d, seed: 5)
        XCTAssertEqual(out.rows, ids.count)
        for (row, id) in ids.enumerated() {
            for j in 0..<Self.d {
                XCTAssertEqual(out[row, j], -(wte[Int(id) * Self.d + j] * Self.scale[j] + 0.25), accuracy: 1e-6)
            }
        }
        XCTAssertNil(try model.knots(hook: "affine"))
    }

    /// ABI version 1 has no list attributes: a list is refused naming the attribute and the
    /// way out (it used to be dropped silently, the plugin seeing one attribute fewer).
    func testListAttributesAreRefusedForVersion1Kinds() throws {
        let (r, info) = try registry()
        var s = spec(kind: "affine_check")
        s.nodes[1].attrs["sizes"] = .ints([1, 2])
        XCTAssertThrowsError(try Model.load(path: try SpecBuilder.write(s), registry: r)) { error in
            guard case ModelError.pluginKindFailed("affine", "affine_check", info.path, let message)? = error as? ModelError else {
                return XCTFail("expected pluginKindFailed, got \(error)")
            }
            XCTAssertTrue(message.contains("attribute 'sizes' is a int list") && message.contains("ABI version 2"), message)
        }
    }

    func testDestroyIsCalledOncePerBuiltLayer() throws {
        let (r, info) = try registry()
        let handle = try XCTUnwrap(dlopen(info.path, RTLD_NOW | RTLD_NOLOAD), "the loader keeps the library open")
        typealias Counter = @convention(c) () -> Int32
        let creates = unsafeBitCast(try XCTUnwrap(dlsym(handle, "affine_creates")), to: Counter.self)
        let destroys = unsafeBitCast(try XCTUnwrap(dlsym(handle, "affine_destroys")), to: Counter.self)
        let path = try SpecBuilder.write(spec(kind: "affine_check"))
        do {
            let a = try Model.load(path: path, registry: r)
            let b = try Model.load(path: path, registry: r)
            XCTAssertEqual(creates(), 2)
            XCTAssertEqual(destroys(), 0)
            _ = try a.forward(ForwardContext(sequences: [[1]]), capture: ["affine"])
            _ = try b.forward(ForwardContext(sequences: [[1]]), capture: ["affine"])
        }
        XCTAssertEqual(destroys(), 2)
    }

    func testForwardErrorsNameTheNode() throws {
        let (r, info) = try registry()
        let lib = info.path
        let loud = try Model.load(path: try SpecBuilder.write(spec(kind: "fails_loudly", name: "f")), registry: r)
        XCTAssertThrowsError(try loud.forward(ForwardContext(sequences: [[0, 1, 2]]), capture: ["f"])) { error in
            XCTAssertEqual(error as? ModelError, .pluginKindFailed(node: "f", kind: "fails_loudly", library: lib, message: "boom: 3 rows second line"))
        }
        let silent = try Model.load(path: try SpecBuilder.write(spec(kind: "fails_silently", name: "g")), registry: r)
        XCTAssertThrowsError(try silent.forward(ForwardContext(sequences: [[0]]), capture: ["g"])) { error in
            XCTAssertEqual(error as? ModelError, .pluginKindFailed(node: "g", kind: "fails_silently", library: lib,
                                                                   message: "forward failed with code 5 (the plugin gave no message)"))
        }
    }

    func testImpossibleOutputWidthsAreRefused() throws {
        let (r, info) = try registry()
        let lib = info.path
        XCTAssertThrowsError(try Model.load(path: try SpecBuilder.write(spec(kind: "zero_width", name: "z")), registry: r)) { error in
            XCTAssertEqual(error as? ModelError, .pluginKindFailed(node: "z", kind: "zero_width", library: lib,
                                                                   message: "create() reported output width 0, expected a positive width"))
        }
        XCTAssertThrowsError(try Model.load(path: try SpecBuilder.write(spec(kind: "widening_act", name: "w")), registry: r)) { error in
            guard case ModelError.pluginKindFailed("w", "widening_act", _, let message)? = error as? ModelError else {
                return XCTFail("expected pluginKindFailed, got \(error)")
            }
            XCTAssertTrue(message.contains("must keep the input width 4"), message)
        }
    }
}
