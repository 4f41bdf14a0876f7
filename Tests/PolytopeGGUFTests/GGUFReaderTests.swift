import Foundation
import PolytopeGGUF
import PolytopeIO
import PolytopeTestSupport
import XCTest

/// The GGUF reader against files written by the `gguf` Python package and values it
/// dequantises itself (tools/make_gguf_fixtures.py).
final class GGUFReaderTests: XCTestCase {
    static let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/gguf")

    struct TypesInfo: Decodable {
        let shapes: [String: [Int]]
        let types: [String: String]
    }

    func testMetadataOfEveryValueType() throws {
        let f = try GGUFFile(path: Self.dir.appendingPathComponent("types.gguf").path)
        XCTAssertEqual(f.version, 3)
        let m = f.metadata
        XCTAssertEqual(m["general.architecture"], .string("test"))
        XCTAssertEqual(m["t.u8"], .uint(200))
        XCTAssertEqual(m["t.i8"], .int(-100))
        XCTAssertEqual(m["t.u16"], .uint(60000))
        XCTAssertEqual(m["t.i16"], .int(-30000))
        XCTAssertEqual(m["t.u32"], .uint(4_000_000_000))
        XCTAssertEqual(m["t.i32"], .int(-2_000_000_000))
        XCTAssertEqual(m["t.f32"], .float(0.5))
        XCTAssertEqual(m["t.bool"], .bool(true))
        XCTAssertEqual(m["t.string"], .string("caf\u{e9} \u{1F600}"))
        XCTAssertEqual(m["t.u64"], .uint(UInt64(1) << 63 + 5))
        XCTAssertEqual(m["t.i64"], .int(-(Int64(1) << 62)))
        XCTAssertEqual(m["t.f64"], .float(-1.25e-300))
        XCTAssertEqual(m["t.ints"]?.array?.compactMap { v -> Int64? in if case .int(let x) = v { return x }; return nil }, [1, -2, 3])
        XCTAssertEqual(m["t.strings"], .array([.string("a"), .string(""), .string("\u{e9}\u{e9}")]))
        XCTAssertEqual(m["t.floats"], .array([.float(0.25), .float(-8)]))
    }

    func testDequantisedTensorsEqualTheGGUFPackage() throws {
        let f = try GGUFFile(path: Self.dir.appendingPathComponent("types.gguf").path)
        let info = try JSONDecoder().decode(TypesInfo.self, from: Data(contentsOf: Self.dir.appendingPathComponent("types.json")))
        var checked = 0
        for (name, shape) in info.shapes {
            let t = try XCTUnwrap(f.tensor(named: name), name)
            XCTAssertEqual(t.shape, shape, name)
            XCTAssertEqual(t.type?.name, info.types[name], name)
            let want = try NPYArray.read(from: Self.dir.appendingPathComponent("types/\(name).npy")).floats()
            let got = try f.floats(name)
            XCTAssertEqual(got.count, want.count, name)
            for (a, b) in zip(got, want) { XCTAssertEqual(a, b, accuracy: 1e-6 * max(1, abs(b)), name) }
            checked += 1
        }
        XCTAssertEqual(checked, 7)
    }

    func testKQuantRefusedByName() throws {
        let f = try GGUFFile(path: Self.dir.appendingPathComponent("types.gguf").path)
        XCTAssertEqual(f.tensor(named: "q4_k")?.shape, [2, 256])
        XCTAssertThrowsError(try f.floats("q4_k")) { e in
            XCTAssertTrue("\(e)".contains("'q4_k' is Q4_K"), "\(e)")
            XCTAssertTrue("\(e)".contains("Q4_1"), "\(e)")
        }
    }

    func testTestWriterRoundTrips() throws {
        let f = try GGUFFile(path: Self.dir.appendingPathComponent("tiny-llama-q4_1.gguf").path)
        let g = try GGUFFile(data: GGUFTestWriter(copying: f).encode())
        XCTAssertEqual(g.keys, f.keys)
        for k in f.keys {
            // The writer widens scalars (u32 -> u64, f32 -> f64) but keeps every value.
            XCTAssertEqual(g.metadata[k]?.description, f.metadata[k]?.description, k)
        }
        XCTAssertEqual(g.tensors.map(\.name), f.tensors.map(\.name))
        for t in f.tensors { XCTAssertEqual(try g.floats(t.name), try f.floats(t.name), t.name) }
    }

    func testTruncationAtEveryHeaderByteIsOneError() throws {
        let bytes = try Data(contentsOf: Self.dir.appendingPathComponent("types.gguf"))
        let f = try GGUFFile(data: bytes)
        let headerEnd = f.tensors.map(\.offset).min()!
        for n in stride(from: 0, to: headerEnd, by: 7) {
            XCTAssertThrowsError(try GGUFFile(data: bytes.prefix(n), path: "cut.gguf"), "cut at \(n)") { e in
                XCTAssertTrue(e is GGUFError, "\(n): \(e)")
            }
        }
    }
}
