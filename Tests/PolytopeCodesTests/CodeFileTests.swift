import Foundation
@testable import PolytopeCodes
import XCTest

/// The code file: round trip, batched appends, and recovery from a partly written batch.
final class CodeFileTests: XCTestCase {
    func randomCodes(rows: Int, bits: Int, seed: UInt64) throws -> CodeMatrix {
        var rng = TestRNG(seed: seed)
        return try CodeMatrix(bools: (0..<(rows * bits)).map { _ in rng.next() & 1 == 1 }, rows: rows, bits: bits)
    }

    func testWriteReadRoundTrip() throws {
        let dir = try Fixtures.tempDir()
        let url = dir.appendingPathComponent("c.plcodes")
        let codes = try randomCodes(rows: 13, bits: 1000, seed: 1)
        let prov = #"{"model":"test","layer":3}"#
        try CodeFile.write(codes, provenance: prov, to: url)
        let back = try CodeFile.read(from: url)
        XCTAssertEqual(back.codes, codes)
        XCTAssertEqual(back.header.provenance, prov)
        XCTAssertEqual(back.header.bits, 1000)
        XCTAssertEqual(try CodeMatrix.load(from: url), codes)
        // Header layout as documented in docs/code-format.md.
        let data = try Data(contentsOf: url)
        XCTAssertEqual(Array(data.prefix(8)), Array("PLCODES".utf8) + [0])
        XCTAssertEqual(data.count, 128 + 13 * 128)
    }

    func testBatchedAppendAndResume() throws {
        let dir = try Fixtures.tempDir()
        let url = dir.appendingPathComponent("s.plcodes")
        let all = try randomCodes(rows: 10, bits: 77, seed: 2)
        let w = try CodeFileWriter.create(at: url, bits: 77, provenance: "{}")
        try w.append(all.subset([0, 1, 2]))
        try w.append(all.subset([3, 4]))
        try w.close()
        XCTAssertEqual(try CodeFile.read(from: url).codes, all.subset([0, 1, 2, 3, 4]))
        let w2 = try CodeFileWriter.resume(at: url)
        XCTAssertEqual(w2.rows, 5)
        XCTAssertEqual(w2.truncatedBytes, 0)
        try w2.append(all.subset(Array(5..<10)))
        XCTAssertEqual(try CodeFile.read(from: url).codes, all)
        XCTAssertThrowsError(try w2.append(try CodeMatrix(bits: 78, rows: 1)))
    }

    func testPartialLastBatchIsIgnoredThenTruncated() throws {
        let dir = try Fixtures.tempDir()
        let url = dir.appendingPathComponent("p.plcodes")
        let all = try randomCodes(rows: 6, bits: 600, seed: 3)
        let w = try CodeFileWriter.create(at: url, bits: 600)
        try w.append(all.subset([0, 1]))
        // A crash mid-batch: 1.5 rows of the next batch on disk, row count not updated.
        try w.appendUncommitted(all.subset([2, 3]), bytes: 128 + 64)
        try w.close()
        XCTAssertEqual(try CodeFile.read(from: url).codes, all.subset([0, 1]), "readers see committed rows only")
        let w2 = try CodeFileWriter.resume(at: url)
        XCTAssertEqual(w2.rows, 2)
        XCTAssertEqual(w2.truncatedBytes, 192)
        try w2.append(all.subset([2, 3, 4, 5]))
        XCTAssertEqual(try CodeFile.read(from: url).codes, all)
    }

    func testCorruptAndForeignFiles() throws {
        let dir = try Fixtures.tempDir()
        let url = dir.appendingPathComponent("x.plcodes")
        try CodeFile.write(try randomCodes(rows: 4, bits: 64, seed: 4), to: url)
        var data = try Data(contentsOf: url)
        data = data.prefix(64 + 64 + 64 * 3)  // header claims 4 rows, 3 present
        try data.write(to: url)
        XCTAssertThrowsError(try CodeFile.read(from: url)) { error in
            guard case .corrupt(let path, _)? = error as? CodeError else { return XCTFail("\(error)") }
            XCTAssertEqual(path, url.path)
        }
        XCTAssertThrowsError(try CodeFileWriter.resume(at: url))
        let text = dir.appendingPathComponent("t.txt")
        try Data("hello world".utf8).write(to: text)
        XCTAssertThrowsError(try CodeMatrix.load(from: text)) { error in
            XCTAssertEqual(error as? CodeError, .notCodeFile(path: text.path))
        }
        let empty = dir.appendingPathComponent("e.npy")
        try Data().write(to: empty)
        XCTAssertThrowsError(try CodeMatrix.load(from: empty)) { error in
            XCTAssertEqual(error as? CodeError, .empty(path: empty.path))
        }
    }
}

/// SplitMix64 for test data (independent of the library's generator).
struct TestRNG {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
}

/// A code file written by Python from the spec (tools/make_npy_fixtures.py), with an
/// uncommitted half row at the end.
final class CodeFileSpecTests: XCTestCase {
    func testReadsTheFileWrittenFromTheSpec() throws {
        let contents = try CodeFile.read(from: Fixtures.url("npy/codes.plcodes"))
        XCTAssertEqual(contents.header.bits, 77)
        XCTAssertEqual(contents.header.rows, 7)
        XCTAssertTrue(contents.header.provenance.contains("make_npy_fixtures"))
        XCTAssertEqual(contents.codes, try CodeMatrix.readNPY(from: Fixtures.url("npy/bool_codes.npy")))
        // Resume on a copy drops the 32-byte uncommitted tail.
        let dir = try Fixtures.tempDir()
        let copy = dir.appendingPathComponent("c.plcodes")
        try FileManager.default.copyItem(at: Fixtures.url("npy/codes.plcodes"), to: copy)
        let w = try CodeFileWriter.resume(at: copy)
        XCTAssertEqual(w.truncatedBytes, 32)
        XCTAssertEqual(w.rows, 7)
    }
}
