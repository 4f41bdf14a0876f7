import Foundation
import PolytopeCodes
import PolytopeIO
import XCTest

/// Codes from pre-activations, `.npy` import/export against numpy's packbits
/// (tools/make_npy_fixtures.py), and row operations.
final class CodeMatrixTests: XCTestCase {
    func testCodesFromPreActivationsMatchNumpyPackbits() throws {
        let pre = try NPYArray.read(from: Fixtures.url("npy/preact.npy"))
        let (n, units) = (pre.shape[0], pre.shape[1])
        let values = try pre.floats()
        let codes = try CodeMatrix(preActivations: values, rows: n, units: units)
        XCTAssertEqual(codes.bits, 77)
        let expected = try NPYArray.read(from: Fixtures.url("npy/codes_from_preact.npy"))
        XCTAssertEqual(codes.npyArray(), expected)
        // And against a naive loop: bit = value > 0 (exactly 0 is below the knot).
        for r in 0..<n { for u in 0..<units { XCTAssertEqual(codes[r, u], values[r * units + u] > 0) } }
        XCTAssertFalse(codes[0, 0], "a pre-activation of exactly 0 is not above the knot")
    }

    func testMultipleKnotsGiveOneBitPerKnot() throws {
        let values: [Float] = [-2, 0.5, 3, -0.5]
        let knots: [Float] = [-1, 0, 1]
        let codes = try CodeMatrix(preActivations: values, rows: 2, units: 2, knots: knots)
        XCTAssertEqual(codes.bits, 6)
        for r in 0..<2 {
            for u in 0..<2 { for (t, k) in knots.enumerated() { XCTAssertEqual(codes[r, u * 3 + t], values[r * 2 + u] > k) } }
        }
    }

    /// Per-unit knots (JumpReLU thresholds): unit u's bits compare against its own knots; with
    /// every unit given the same knots the codes equal the shared-knot codes.
    func testPerUnitKnots() throws {
        let values: [Float] = [0.2, 0.2, 0.2, -1, 0.6, 2]
        let unitKnots: [Float] = [0.1, 0.5, 0.3, 0.9, 1.5, 3]
        let codes = try CodeMatrix(preActivations: values, rows: 2, units: 3, unitKnots: unitKnots, knotsPerUnit: 2)
        XCTAssertEqual(codes.bits, 6)
        let expected: [[Bool]] = [[true, false, false, false, false, false], [false, false, true, false, true, false]]
        for r in 0..<2 { for b in 0..<6 { XCTAssertEqual(codes[r, b], expected[r][b], "row \(r) bit \(b)") } }
        let shared: [Float] = [-1, 0, 1]
        let same = try CodeMatrix(preActivations: values, rows: 2, units: 3, unitKnots: Array((0..<3).flatMap { _ in shared }), knotsPerUnit: 3)
        XCTAssertEqual(same, try CodeMatrix(preActivations: values, rows: 2, units: 3, knots: shared))
        XCTAssertThrowsError(try CodeMatrix(preActivations: values, rows: 2, units: 3, unitKnots: [0, 1], knotsPerUnit: 1))
    }

    func testPackedAndBoolNPYInputAgree() throws {
        let packed = try CodeMatrix.readNPY(from: Fixtures.url("npy/packed_codes.npy"), bits: 77)
        let bools = try CodeMatrix.readNPY(from: Fixtures.url("npy/bool_codes.npy"))
        XCTAssertEqual(packed, bools)
        let raw = try NPYArray.read(from: Fixtures.url("npy/bool_codes.npy")).bools()
        for r in 0..<7 { for b in 0..<77 { XCTAssertEqual(bools[r, b], raw[r * 77 + b]) } }
        // Export gives numpy's packbits bytes back.
        XCTAssertEqual(bools.npyArray(), try NPYArray.read(from: Fixtures.url("npy/packed_codes.npy")))
        // Loading a packed file without the width gives 8 * bytes bits, the same distances.
        let wide = try CodeMatrix.load(from: Fixtures.url("npy/packed_codes.npy"))
        XCTAssertEqual(wide.bits, 80)
        for i in 0..<7 { for j in 0..<7 { XCTAssertEqual(wide.distance(i, j), packed.distance(i, j)) } }
    }

    func testRejectsArraysThatAreNotCodes() throws {
        let url = Fixtures.url("npy/float32.npy")
        XCTAssertThrowsError(try CodeMatrix.readNPY(from: url)) { error in
            XCTAssertTrue("\(error)".contains("float32.npy"), "\(error)")
        }
        XCTAssertThrowsError(try CodeMatrix(bits: 0))
        XCTAssertThrowsError(try CodeMatrix(bits: 70000))
    }

    func testPaddingIsZeroAndRowsAreAligned() throws {
        var codes = try CodeMatrix(bits: 65, rows: 3)
        XCTAssertEqual(codes.wordsPerRow, 8)
        for b in 0..<65 { codes[1, b] = true }
        XCTAssertEqual(codes.popcounts(), [0, 65, 0])
        codes.withUnsafeWords { w in
            XCTAssertEqual(Int(bitPattern: w.baseAddress!) % 64, 0)
            for k in 2..<8 { XCTAssertEqual(w[8 + k], 0) }
        }
        // Bits past the width in packed input are cleared, so distances stay within the width.
        let bytes: [UInt8] = [0xFF, 0xFF]
        let c = try bytes.withUnsafeBytes { try CodeMatrix(bits: 9, packedBytes: $0, rows: 1) }
        XCTAssertEqual(c.popcounts(), [9])
    }

    func testAppendSubsetAndCopyOnWrite() throws {
        var a = try CodeMatrix(bools: [true, false, false, true], rows: 2, bits: 2)
        let b = try CodeMatrix(bools: [true, true], rows: 1, bits: 2)
        let before = a
        try a.append(contentsOf: b)
        XCTAssertEqual(a.rows, 3)
        XCTAssertEqual(before.rows, 2)
        XCTAssertEqual(a.subset([2, 0]), try CodeMatrix(bools: [true, true, true, false], rows: 2, bits: 2))
        var c = a
        c[0, 1] = true
        XCTAssertFalse(a[0, 1])
        XCTAssertThrowsError(try a.append(contentsOf: try CodeMatrix(bits: 3, rows: 1))) { error in
            XCTAssertEqual(error as? CodeError, .widthMismatch(expected: 2, found: 3, context: "append"))
        }
    }

    /// Joined codes equal the joined boolean rows, at widths that cross byte and word edges.
    func testJoiningColumnsMatchesJoinedBools() throws {
        var rng = SystemRandomNumberGenerator()
        let rows = 7, widths = [3, 61, 600]
        let bools = widths.map { w in (0..<(rows * w)).map { _ in Bool.random(using: &rng) } }
        let parts = try zip(bools, widths).map { try CodeMatrix(bools: $0, rows: rows, bits: $1) }
        var joined: [Bool] = []
        for r in 0..<rows { for (b, w) in zip(bools, widths) { joined += b[(r * w)..<((r + 1) * w)] } }
        XCTAssertEqual(try CodeMatrix.joiningColumns(parts), try CodeMatrix(bools: joined, rows: rows, bits: widths.reduce(0, +)))
        XCTAssertThrowsError(try CodeMatrix.joiningColumns([parts[0], parts[1].subset([0])]))
        XCTAssertThrowsError(try CodeMatrix.joiningColumns([]))
    }
}
