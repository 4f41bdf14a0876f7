import Foundation
import PolytopeIO
import XCTest

/// `.npy` reading against files written by NumPy (tools/make_npy_fixtures.py), writing
/// round trips, and the refusals.
final class NPYTests: XCTestCase {
    func testReadsEveryDTypeNumPyWrote() throws {
        for (name, dtype) in [("float16", NPYDType.float16), ("float32", .float32), ("float64", .float64),
                              ("uint8", .uint8), ("uint16", .uint16), ("int32", .int32), ("int64", .int64)] {
            let a = try NPYArray.read(from: Fixtures.url("npy/\(name).npy"))
            XCTAssertEqual(a.dtype, dtype, name)
            XCTAssertEqual(a.shape, [2, 3], name)
            switch dtype {
            case .float16, .float32, .float64: XCTAssertEqual(try a.floats(), [0, 1, 2, 3, 4, 5], name)
            default: XCTAssertEqual(try a.int64s(), [0, 1, 2, 3, 4, 5], name)
            }
        }
        let b = try NPYArray.read(from: Fixtures.url("npy/bool.npy"))
        XCTAssertEqual(b.dtype, .bool)
        XCTAssertEqual(try b.bools(), [false, true, false, true, false, true])
    }

    func testVersion2AndScalar() throws {
        let a = try NPYArray.read(from: Fixtures.url("npy/v2.npy"))
        XCTAssertEqual(a.shape, [2, 3])
        XCTAssertEqual(try a.floats(), [0, 1, 2, 3, 4, 5])
        let s = try NPYArray.read(from: Fixtures.url("npy/scalar.npy"))
        XCTAssertEqual(s.shape, [])
        XCTAssertEqual(try s.doubles(), [2.5])
    }

    func testRefusesFortranAndBigEndian() {
        let f = Fixtures.url("npy/fortran.npy")
        XCTAssertThrowsError(try NPYArray.read(from: f)) { error in
            XCTAssertEqual(error as? NPYError, .fortranOrder(path: f.path))
            XCTAssertTrue("\(error)".contains("fortran.npy"))
        }
        let b = Fixtures.url("npy/bigendian.npy")
        XCTAssertThrowsError(try NPYArray.read(from: b)) { error in
            XCTAssertEqual(error as? NPYError, .unsupportedDType(path: b.path, descr: ">f4"))
        }
    }

    func testWriteRoundTripsEveryDType() throws {
        let dir = try Fixtures.tempDir()
        let arrays = [
            NPYArray(float32: [1.5, -2, 3e7], shape: [3]),
            NPYArray(float64: [1, 2, 3, 4], shape: [2, 2]),
            NPYArray(uint8: [0, 255, 7], shape: [1, 3]),
            NPYArray(bool: [true, false], shape: [2]),
            NPYArray(uint16: [0, 65535], shape: [2, 1]),
            NPYArray(int32: [-1, 1], shape: [2]),
            NPYArray(int64: [Int64.min, Int64.max], shape: [2]),
            NPYArray(float32: [], shape: [0, 5]),
        ]
        for (i, a) in arrays.enumerated() {
            let url = dir.appendingPathComponent("a\(i).npy")
            try a.write(to: url)
            let data = try Data(contentsOf: url)
            let header = try NPYHeader.decode(data, path: url.path)
            XCTAssertEqual(header.dataOffset % 64, 0, "data must start on a 64-byte boundary")
            XCTAssertEqual(try NPYArray.read(from: url), a)
        }
        // Files written by us byte-match NumPy's own (same header text and padding).
        let numpy = try Data(contentsOf: Fixtures.url("npy/float32.npy"))
        XCTAssertEqual(NPYArray(float32: [0, 1, 2, 3, 4, 5], shape: [2, 3]).encoded(), numpy)
    }

    func testMalformedFilesAreTypedErrors() throws {
        let dir = try Fixtures.tempDir()
        func check(_ bytes: Data, _ expected: (NPYError) -> Bool, _ label: String) throws {
            let url = dir.appendingPathComponent("\(label).npy")
            try bytes.write(to: url)
            XCTAssertThrowsError(try NPYArray.read(from: url), label) { error in
                guard let e = error as? NPYError else { return XCTFail("\(label): \(error)") }
                XCTAssertTrue(expected(e), "\(label): \(e)")
                XCTAssertTrue(e.description.contains(url.path), label)
            }
        }
        let good = NPYArray(float32: [1, 2, 3, 4], shape: [2, 2]).encoded()
        try check(Data("hello".utf8), { if case .notNPY = $0 { return true }; return false }, "magic")
        try check(good.dropLast(3), { if case .sizeMismatch(_, 16, 13) = $0 { return true }; return false }, "short")
        try check(good + Data([0]), { if case .sizeMismatch(_, 16, 17) = $0 { return true }; return false }, "long")
        var badLen = good
        badLen[8] = 0xFF; badLen[9] = 0xFF
        try check(badLen, { if case .badHeader = $0 { return true }; return false }, "headerlen")
        var huge = Data(NPYHeader(dtype: .float32, shape: [Int.max / 2, 4]).encode())
        huge.append(Data(count: 8))
        try check(huge, { if case .shapeOverflow = $0 { return true }; return false }, "overflow")
        var v9 = good
        v9[6] = 9
        try check(v9, { if case .unsupportedVersion(_, 9, 0) = $0 { return true }; return false }, "version")
        let missing = dir.appendingPathComponent("nope.npy")
        XCTAssertThrowsError(try NPYArray.read(from: missing)) { error in
            XCTAssertTrue("\(error)".contains("nope.npy"))
        }
    }

    func testAtomicWriteFailsCleanlyInUnwritableDirectory() throws {
        let url = URL(fileURLWithPath: "/nonexistent-dir-\(UUID().uuidString)/x.npy")
        XCTAssertThrowsError(try AtomicFile.write(Data([1, 2, 3]), to: url)) { error in
            guard case .cannotCreate(let path, _)? = error as? FileWriteError else { return XCTFail("\(error)") }
            XCTAssertEqual(path, url.path)
        }
        // Replacing an existing file leaves only the new content and no temporary siblings.
        let dir = try Fixtures.tempDir()
        let target = dir.appendingPathComponent("out.bin")
        try AtomicFile.write(Data([1]), to: target)
        try AtomicFile.write(Data([2, 3]), to: target)
        XCTAssertEqual(try Data(contentsOf: target), Data([2, 3]))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), ["out.bin"])
    }

    func testAtomicWriteReportsDiskFull() throws {
        // /dev/full fails every write with ENOSPC; a directory we cannot rename into is not needed:
        // writing to a temp file on a full device is simulated by writeAll on /dev/full.
        guard FileManager.default.fileExists(atPath: "/dev/full") else { throw XCTSkip("no /dev/full") }
        let f = try AppendableFile(url: URL(fileURLWithPath: "/dev/full"), create: false)
        XCTAssertThrowsError(try f.append(Data([1, 2, 3]))) { error in
            guard case .writeFailed(let path, let reason)? = error as? FileWriteError else { return XCTFail("\(error)") }
            XCTAssertEqual(path, "/dev/full")
            XCTAssertTrue(reason.lowercased().contains("space"), reason)
        }
    }
}
