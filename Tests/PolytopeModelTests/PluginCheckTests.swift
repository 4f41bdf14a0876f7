import Foundation
import PolytopeBuiltins
import PolytopeModel
import PolytopeTestSupport
import XCTest

/// `polytope plugin check` catches broken kinds (compiled from C at test time) and passes the
/// example plugins.
final class PluginCheckTests: XCTestCase {
    /// One ABI v2 activation kind whose forward is `body` (C statements over x, y, n, s) and
    /// whose knots are `knots`.
    static func activation(_ name: String, knots: String, body: String) throws -> String {
        try PluginFixtures.compile(name, """
            #include "polytope_plugin.h"
            #include <math.h>
            static int counter = 0;
            static int c(const PolytopeNodeDesc *n, PolytopeNodeOut *o, PolytopeError *e) { (void)e; o->output_width = n->input_widths[0]; return 0; }
            static int f(const void *s, const PolytopeForwardArgs *a, PolytopeError *e) {
                (void)s; (void)e; const float *x = a->inputs[0]; float *y = a->output; int64_t n = a->rows * a->output_width;
                \(body)
                return 0;
            }
            static void d(void *s) { (void)s; }
            static const PolytopeInputSpec in[] = {{"x", "d", 0}};
            static const float knots[] = { \(knots) };
            static const PolytopeKind kinds[1] = {{ sizeof(PolytopeKind), POLYTOPE_KIND_MAGIC, "\(name)", 1, POLYTOPE_KIND_ACTIVATION, 0,
                1, in, 0, 0, 0, 0, sizeof knots / sizeof knots[0], knots, c, f, d }};
            static const PolytopePluginTable table = { POLYTOPE_PLUGIN_ABI_VERSION, sizeof(PolytopePluginTable), "check test", 1, kinds };
            POLYTOPE_PLUGIN_ENTRY { (void)host; (void)counter; return &table; }
            """)
    }

    func check(_ lib: String) throws -> PluginCheck.KindReport {
        let reports = try PluginCheck.run(path: lib, registry: LayerRegistry.builtins())
        XCTAssertEqual(reports.count, 1)
        return try XCTUnwrap(reports.first)
    }

    func testAGoodReLUPasses() throws {
        let r = try check(try Self.activation("good_relu", knots: "0", body: "for (int64_t i = 0; i < n; i++) y[i] = x[i] > 0 ? x[i] : 0;"))
        XCTAssertTrue(r.ok, "\(r)")
        XCTAssertTrue("\(r)".hasPrefix("ok    good_relu@1: 9 shapes finite and deterministic, 4 threads agree, knots [0.0] match"), "\(r)")
    }

    func testNaNOutputFails() throws {
        let r = try check(try Self.activation("nan_relu", knots: "0", body: "for (int64_t i = 0; i < n; i++) y[i] = x[i] > 2 ? NAN : (x[i] > 0 ? x[i] : 0);"))
        XCTAssertFalse(r.ok)
        XCTAssertTrue(r.failures.contains { $0.contains("output not finite") && $0.contains("nan") }, "\(r)")
    }

    func testNonDeterministicFails() throws {
        let r = try check(try Self.activation("flaky_relu", knots: "0",
                                              body: "counter++; for (int64_t i = 0; i < n; i++) y[i] = (x[i] > 0 ? x[i] : 0) + (counter % 2) * 1e-3f;"))
        XCTAssertFalse(r.ok)
        XCTAssertTrue(r.failures.contains { $0.contains("not deterministic") }, "\(r)")
    }

    func testWrongKnotFails() throws {
        let r = try check(try Self.activation("shifted_relu", knots: "0.5", body: "for (int64_t i = 0; i < n; i++) y[i] = x[i] > 0 ? x[i] : 0;"))
        XCTAssertFalse(r.ok)
        XCTAssertTrue(r.failures.contains { $0.contains("slope changes at x =") && $0.contains("not a declared knot") }, "\(r)")
        let missing = try check(try Self.activation("two_knot_relu", knots: "-1, 0", body: "for (int64_t i = 0; i < n; i++) y[i] = x[i] > 0 ? x[i] : 0;"))
        XCTAssertTrue(missing.failures.contains { $0.contains("declared knot -1.0 is not where the slope changes") }, "\(missing)")
    }

    func testMiscountedTableIsRefused() throws {
        let lib = try PluginFixtures.compile("check_overcount", """
            #include "polytope_plugin.h"
            static int c(const PolytopeNodeDesc *n, PolytopeNodeOut *o, PolytopeError *e) { (void)e; o->output_width = n->input_widths[0]; return 0; }
            static int f(const void *s, const PolytopeForwardArgs *a, PolytopeError *e) { (void)s; (void)a; (void)e; return 0; }
            static void d(void *s) { (void)s; }
            static const PolytopeInputSpec in[] = {{"x", "d", 0}};
            static const PolytopeKind kinds[1] = {{ sizeof(PolytopeKind), POLYTOPE_KIND_MAGIC, "k", 1, 0, 0, 1, in, 0, 0, 0, 0, 0, 0, c, f, d }};
            static const PolytopePluginTable table = { POLYTOPE_PLUGIN_ABI_VERSION, sizeof(PolytopePluginTable), "t", 2, kinds };
            POLYTOPE_PLUGIN_ENTRY { (void)host; return &table; }
            """)
        XCTAssertThrowsError(try PluginCheck.run(path: lib, registry: LayerRegistry.builtins())) { error in
            XCTAssertTrue("\(error)".contains("kind #1") && "\(error)".contains("larger than the kinds array"), "\(error)")
        }
    }

    func testTheExamplePluginsPass() throws {
        for name in ["SquaredReLU", "HardTanh", "RMSNorm", "SwiGLU", "JumpReLU", "LeakyReLU"] {
            let reports = try PluginCheck.run(path: try ExamplePluginTests.library(name), registry: LayerRegistry.builtins())
            XCTAssertFalse(reports.isEmpty)
            for r in reports { XCTAssertTrue(r.ok, "\(name): \(r)") }
        }
    }

    /// `inspect` describes built-in and plugin kinds with the same schema form, text and JSON.
    func testInspectShowsBuiltinAndPluginSchemasAlike() throws {
        guard let polytope = BuildProducts.find("polytope", executable: true) else { return XCTFail(BuildProducts.missing("polytope")) }
        let lib = try ExamplePluginTests.library("RMSNorm")
        func inspect(_ extra: [String]) throws -> String {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: polytope)
            p.arguments = ["inspect", "--model", ModelAuthoringTests.defaultModel, "--plugin", lib] + extra
            let out = Pipe()
            p.standardOutput = out
            try p.run()
            let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            p.waitUntilExit()
            XCTAssertEqual(p.terminationStatus, 0)
            return text
        }
        let text = try inspect([])
        XCTAssertTrue(text.contains("      takes: x[d]; params weight[d]; attrs eps: float = 1e-06"), "plugin kind: \(text)")
        XCTAssertTrue(text.contains("      takes: x[d]; params weight[d], bias[d]?; attrs eps: float = 1e-05"), "built-in layer_norm: \(text)")
        let json = try JSONSerialization.jsonObject(with: Data(try inspect(["--json"]).utf8)) as? [String: Any]
        let schemas = try XCTUnwrap(json?["schemas"] as? [String: Any])
        let plugin = try XCTUnwrap(schemas["example_rms_norm@1"] as? [String: Any])
        let builtin = try XCTUnwrap(schemas["layer_norm@1"] as? [String: Any])
        XCTAssertEqual((plugin["params"] as? [[String: Any]])?.first?["shape"] as? [String], ["d"])
        XCTAssertEqual((builtin["attrs"] as? [[String: Any]])?.first?["default"] as? String, "1e-05")
    }

    /// The command: one line per kind, exit 1 on a failing kind.
    func testCommandExitsNonZeroOnAFailingKind() throws {
        guard let polytope = BuildProducts.find("polytope", executable: true) else { return XCTFail(BuildProducts.missing("polytope")) }
        let bad = try Self.activation("cmd_nan", knots: "0", body: "for (int64_t i = 0; i < n; i++) y[i] = NAN;")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: polytope)
        p.arguments = ["plugin", "check", bad]
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let errText = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 1)
        XCTAssertTrue(text.hasPrefix("FAIL  cmd_nan@1: output not finite"), text)
        XCTAssertEqual(text.split(separator: "\n").count, 1, "one line per kind")
        XCTAssertTrue(errText.contains("1 of 1 kinds"), errText)
    }
}
