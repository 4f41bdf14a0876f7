import Foundation
import PolytopeModel
import XCTest

/// The model-file schema: the committed protoc-c code is what proto/polytope.proto generates,
/// and what `ModelFile.encode` writes is what libprotobuf-c reads back.
final class SchemaTests: XCTestCase {
    func testCommittedGeneratedCodeIsCurrent() throws {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        guard path.split(separator: ":").contains(where: { FileManager.default.isExecutableFile(atPath: "\($0)/protoc-c") }) else {
            throw XCTSkip("protoc-c is not installed (apt-get install protobuf-c-compiler)")
        }
        let out = Fixtures.tempDir("gen-proto")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/bash")
        p.arguments = [Fixtures.repoRoot.appendingPathComponent("scripts/gen-proto.sh").path, out.path]
        try p.run()
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0)
        for file in ["polytope.pb-c.c", "include/polytope.pb-c.h"] {
            let fresh = try Data(contentsOf: out.appendingPathComponent(file))
            let committed = try Data(contentsOf: Fixtures.repoRoot.appendingPathComponent("Sources/PolytopeSchema/\(file)"))
            XCTAssertEqual(fresh, committed, "Sources/PolytopeSchema/\(file) is stale: run scripts/gen-proto.sh")
        }
    }

    /// Every field the writer knows, through libprotobuf-c and back.
    func testWriterRoundTripsThroughLibprotobufC() throws {
        var spec = ModelSpec()
        spec.name = "round-trip ✓"
        spec.architecture = "test"
        spec.contextLength = 77
        spec.metadata = ["source": "here", "licence": "CC0", "empty": ""]
        var t = TokenizerSpec(kind: .wordPiece)
        t.vocabTXT = Data("[PAD]\n[UNK]\nhello\n".utf8)
        t.lowerCase = true
        t.specialTokens = ["[PAD]": 0, "[UNK]": 1]
        t.unkToken = "[UNK]"
        t.maxInputCharsPerWord = 100
        t.addSpecialTokens = true
        t.tokenizerJSON = Data("{}".utf8)
        spec.tokenizer = t
        spec.nodes = [
            NodeSpec(name: "a", kind: "token_embedding", kindVersion: 3, params: ["weight": "w"],
                     attrs: ["i": .int(-5), "zero": .int(0), "f": .float(-0.25), "s": .string(""), "b": .bool(false),
                             "is": .ints([1, -2, 1 << 40]), "fs": .floats([0.5, -1e-9]), "ss": .strings(["x", ""])],
                     aliases: ["alias.one", "alias.two"]),
            NodeSpec(name: "b", kind: "add", inputs: ["a", "a"]),
        ]
        spec.tensors = [
            TensorSpec(name: "w", dtype: .f16, shape: [2, 3], storage: .inline(Data(repeating: 0x3C, count: 12))),
            TensorSpec(name: "x", dtype: .bf16, shape: [0], storage: .inline(Data())),
            TensorSpec(name: "e", dtype: .f32, shape: [4], storage: .external(path: "w.safetensors", key: "k")),
        ]
        let decoded = try ModelFile.decode(ModelFile.encode(spec))
        XCTAssertEqual(decoded, spec)
    }

    func testUnknownFormatVersionIsRefused() throws {
        var spec = ModelSpec()
        spec.formatVersion = 2
        XCTAssertThrowsError(try ModelFile.decode(ModelFile.encode(spec), path: "m.pb")) { e in
            XCTAssertEqual(e as? ModelError, .unsupportedFormatVersion(path: "m.pb", found: 2, supported: 1))
        }
    }
}
