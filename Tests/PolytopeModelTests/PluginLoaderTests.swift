import Foundation
import PolytopeBuiltins
import PolytopeModel
import XCTest

/// Libraries the loader must refuse, each with a one-line reason, and a refused library must
/// leave the registry as it was. The libraries are compiled from C source at test time.
final class PluginLoaderTests: XCTestCase {
    /// Loads `path` into a fresh built-in registry, expects `ModelError.plugin`, and checks
    /// that its message contains every fragment and nothing got registered.
    func assertRefused(_ path: String, _ fragments: [String], registry: LayerRegistry = .builtins(),
                       file: StaticString = #filePath, line: UInt = #line) {
        let before = registry.loadedDescription
        XCTAssertThrowsError(try PluginLoader.load(path: path, into: registry), file: file, line: line) { error in
            guard case ModelError.plugin(_, let reason)? = error as? ModelError else {
                return XCTFail("expected ModelError.plugin, got \(error)", file: file, line: line)
            }
            let text = "\(error)"
            XCTAssertFalse(reason.contains("\n"), "one line: \(reason)", file: file, line: line)
            for f in fragments { XCTAssertTrue(text.contains(f), "'\(f)' not in: \(text)", file: file, line: line) }
        }
        XCTAssertEqual(registry.loadedDescription, before, "a refused plugin registered something", file: file, line: line)
    }

    func testNonexistentPath() {
        assertRefused("/nonexistent/dir/libnope.so", ["plugin /nonexistent/dir/libnope.so", "no such file"])
    }

    func testFileThatIsNotASharedLibrary() throws {
        let path = Fixtures.tempDir("plugin-fake").appendingPathComponent("libfake.so")
        try "this is not an ELF file\n".write(to: path, atomically: true, encoding: .utf8)
        assertRefused(path.path, ["libfake.so", "cannot be loaded as a shared library"])
        assertRefused(Fixtures.tempDir("plugin-dir").path, ["is a directory"])
    }

    func testWrongABIVersion() throws {
        let lib = try PluginFixtures.compile("future", """
            #include "polytope_plugin.h"
            static const PolytopePluginTable table = { 3, 0, 0, 0, 0 };
            const PolytopePluginTable *polytope_plugin_entry(void) { return &table; }
            """)
        assertRefused(lib, ["libfuture.so", "built for plugin ABI version 3", "supports ABI versions 1 and 2"])
    }

    func testMissingEntrySymbol() throws {
        let lib = try PluginFixtures.compile("noentry", "int some_other_function(void) { return 42; }\n")
        assertRefused(lib, ["libnoentry.so", "no entry symbol 'polytope_plugin_entry'"])
    }

    func testEntryReturningNull() throws {
        let lib = try PluginFixtures.compile("nulltable", """
            #include "polytope_plugin.h"
            const PolytopePluginTable *polytope_plugin_entry(void) { return 0; }
            """)
        assertRefused(lib, ["polytope_plugin_entry() returned NULL"])
    }

    func testNullKindTableAndAbsurdCount() throws {
        let nullTable = try PluginFixtures.compile("nullkinds", """
            #define POLYTOPE_PLUGIN_USE_ABI_V1
            #include "polytope_plugin.h"
            static const PolytopePluginTable table = { POLYTOPE_PLUGIN_ABI_VERSION, 3, 0, "null kinds" };
            const PolytopePluginTable *polytope_plugin_entry(void) { return &table; }
            """)
        assertRefused(nullTable, ["declares 3 kinds but its kind table is NULL"])
        let huge = try PluginFixtures.compile("hugecount", PluginFixtures.prelude + """
            static const PolytopeKind kinds[1] = { GOOD("one") };
            ENTRY(5000, kinds)
            """)
        assertRefused(huge, ["declares 5000 kinds", "limit of 4096"])
    }

    func testNullFunctionPointersNameTheKind() throws {
        let cases: [(String, String, String)] = [
            ("nullcreate", #"{ "k", 1, 0, 0, NULL, NULL, copy_forward, no_destroy }"#, "kind #1 ('k') has a NULL create function"),
            ("nullforward", #"{ "k", 1, 0, 0, NULL, ok_create, NULL, no_destroy }"#, "kind #1 ('k') has a NULL forward function"),
            ("nulldestroy", #"{ "k", 1, 0, 0, NULL, ok_create, copy_forward, NULL }"#, "kind #1 ('k') has a NULL destroy function"),
            ("nullname", #"{ NULL, 1, 0, 0, NULL, ok_create, copy_forward, no_destroy }"#, "kind #1 has a NULL name"),
            ("emptyname", #"{ "", 1, 0, 0, NULL, ok_create, copy_forward, no_destroy }"#, "kind #1 has an empty name"),
            ("badflags", #"{ "k", 1, 4, 0, NULL, ok_create, copy_forward, no_destroy }"#, "kind #1 ('k') sets unknown flag bits 0x4"),
        ]
        for (name, kind, message) in cases {
            // Kind #0 is fine: nothing of the table may be registered when #1 is refused.
            let lib = try PluginFixtures.plugin(name, kinds: [#"GOOD("fine_kind_\#(name)")"#, kind])
            assertRefused(lib, ["lib\(name).so", message])
        }
    }

    func testActivationKnotsAreChecked() throws {
        let cases: [(String, String, String)] = [
            ("noknots", "0, NULL", "is an activation but has knot_count 0"),
            ("nullknots", "1, NULL", "knot_count 1 but knots is NULL"),
            ("descknots", "2, knots_bad", "strictly ascending"),
            ("infknot", "1, knots_inf", "must be finite"),
        ]
        for (name, knots, message) in cases {
            let lib = try PluginFixtures.plugin(name, kinds: [
                #"{ "act", 1, POLYTOPE_KIND_ACTIVATION, \#(knots), ok_create, copy_forward, no_destroy }"#])
            assertRefused(lib, ["kind #0 ('act')", message])
        }
    }

    func testDuplicateKinds() throws {
        let builtin = try PluginFixtures.plugin("dupbuiltin", kinds: [#"GOOD("relu")"#])
        assertRefused(builtin, ["libdupbuiltin.so", "kind 'relu' version 1 is already provided by built-in"])

        let twice = try PluginFixtures.plugin("duptable", kinds: [#"GOOD("same")"#, #"GOOD("same")"#])
        assertRefused(twice, ["kind #1 ('same') appears twice"])

        let a = try PluginFixtures.plugin("dupa", kinds: [#"GOOD("shared_kind")"#])
        let b = try PluginFixtures.plugin("dupb", kinds: [#"GOOD("other_kind")"#, #"GOOD("shared_kind")"#])
        let r = LayerRegistry.builtins()
        let first = try PluginLoader.load(path: a, into: r)
        assertRefused(b, ["libdupb.so", "kind 'shared_kind' version 1 is already provided by \(first.path)"], registry: r)
        XCTAssertNil(r.kind("other_kind", version: 1))
        XCTAssertEqual(r.kind("shared_kind", version: 1)?.provider, first.path)
    }

    func testAnotherVersionOfABuiltinNameIsAllowed() throws {
        let lib = try PluginFixtures.plugin("relu2", kinds: [#"{ "relu", 2, 0, 0, NULL, ok_create, copy_forward, no_destroy }"#])
        let r = LayerRegistry.builtins()
        let info = try PluginLoader.load(path: lib, into: r)
        XCTAssertEqual(info.kinds, ["relu@2"])
        XCTAssertEqual(info.name, "test plugin")
        XCTAssertEqual(r.kind("relu", version: 1)?.provider, "built-in")
        XCTAssertEqual(r.kind("relu", version: 2)?.provider, info.path)
    }
}
