import Foundation
import PolytopeModel
import PolytopeTestSupport
import XCTest

/// Test plugins: the example plugin built by `swift build`, and small libraries compiled from
/// C source at test time with the system C compiler.
enum PluginFixtures {
    static let libraryName = "libPolytopeLeakyReLU.so"
    static let abiInclude = Fixtures.repoRoot.appendingPathComponent("Sources/CPolytopePlugin/include").path

    struct Missing: Error, CustomStringConvertible { let description: String }

    /// The example plugin, built by SwiftPM into the same build folder as the test bundle.
    static func examplePlugin() throws -> String {
        if let path = BuildProducts.find(libraryName) { return path }
        let message = BuildProducts.missing(libraryName)
        XCTFail(message)
        throw Missing(description: message)
    }

    /// A registry with the built-in kinds and the example plugin.
    static func registryWithExample() throws -> LayerRegistry {
        let r = LayerRegistry.builtins()
        try PluginLoader.load(path: try examplePlugin(), into: r)
        return r
    }

    /// `cc` on PATH, or nil.
    static let cc: String? = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/cc" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }()

    /// Compiles `source` into `lib<name>.so` in a fresh temporary folder; skips the test when
    /// there is no C compiler.
    static func compile(_ name: String, _ source: String) throws -> String {
        guard let cc else { throw XCTSkip("no `cc` on PATH: cannot build test plugins") }
        let dir = Fixtures.tempDir("plugin-\(name)")
        let src = dir.appendingPathComponent("\(name).c")
        let lib = dir.appendingPathComponent("lib\(name).so").path
        try source.write(to: src, atomically: true, encoding: .utf8)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: cc)
        p.arguments = ["-shared", "-fPIC", "-I", abiInclude, src.path, "-o", lib]
        let errPipe = Pipe()
        p.standardError = errPipe
        try p.run()
        let errText = String(decoding: errPipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { throw Missing(description: "cc failed for \(name).c:\n\(errText)") }
        return lib
    }

    /// Stub functions and a knot every ABI version 1 test plugin can use, then the given tables.
    static let prelude = """
        #define POLYTOPE_PLUGIN_USE_ABI_V1
        #include "polytope_plugin.h"
        #include <stdio.h>
        #include <stdlib.h>
        static int ok_create(const PolytopeNodeDesc *n, void **s, int64_t *w, char *e, size_t l) {
            (void)e; (void)l; *s = NULL; *w = n->input_width; return 0;
        }
        static int copy_forward(void *s, const float *in, int64_t rows, float *out, char *e, size_t l) {
            (void)s; (void)e; (void)l; (void)rows; (void)in; (void)out; return 0;
        }
        static void no_destroy(void *s) { (void)s; }
        static const float knot0[1] = {0.0f};
        static const float knots_bad[2] = {1.0f, 0.5f};
        static const float knots_inf[1] = {__builtin_inff()};
        #define GOOD(NAME) { NAME, 1, 0, 0, NULL, ok_create, copy_forward, no_destroy }
        #define ENTRY(COUNT, KINDS) \\
            static const PolytopePluginTable table = { POLYTOPE_PLUGIN_ABI_VERSION, COUNT, KINDS, "test plugin" }; \\
            const PolytopePluginTable *polytope_plugin_entry(void) { return &table; }

        """

    /// A plugin whose table is `kinds` (C initialisers, using the prelude's helpers).
    static func plugin(_ name: String, kinds: [String]) throws -> String {
        let body = "static const PolytopeKind kinds[] = {\n    " + kinds.joined(separator: ",\n    ") + "\n};\nENTRY(\(kinds.count), kinds)\n"
        return try compile(name, prelude + body)
    }
}

/// Builds small model descriptions in memory.
enum SpecBuilder {
    static func f32(_ values: [Float]) -> Data {
        var d = Data(capacity: values.count * 4)
        for v in values { withUnsafeBytes(of: v.bitPattern.littleEndian) { d.append(contentsOf: $0) } }
        return d
    }

    static func tensor(_ name: String, _ shape: [Int], _ values: [Float]) -> TensorSpec {
        TensorSpec(name: name, dtype: .f32, shape: shape, storage: .inline(f32(values)))
    }

    /// Deterministic pseudo-random values in [-1, 1) (a linear congruential generator).
    static func values(_ count: Int, seed: UInt64) -> [Float] {
        var s = seed &* 6364136223846793005 &+ 1442695040888963407
        return (0..<count).map { _ in
            s = s &* 6364136223846793005 &+ 1442695040888963407
            return Float(Int((s >> 40) % 2000) - 1000) / 1000
        }
    }

    /// Writes `spec` to a temporary file and returns its path.
    static func write(_ spec: ModelSpec) throws -> String {
        let path = Fixtures.tempDir("plugin-model").appendingPathComponent("model.pb").path
        try ModelFile.write(spec, to: path)
        return path
    }
}
