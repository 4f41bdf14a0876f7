import Foundation
import CKernels
import PolytopeCodes
import XCTest

/// Every dispatch path this CPU has, against a naive bit-by-bit count, on widths that are and
/// are not multiples of 64 and 512.
final class HammingKernelTests: XCTestCase {
    override func tearDown() {
        HammingKernel.force(nil)
    }

    func naive(_ c: CodeMatrix, _ i: Int, _ j: Int) -> Int {
        (0..<c.bits).reduce(0) { $0 + (c[i, $1] != c[j, $1] ? 1 : 0) }
    }

    func naive(_ a: CodeMatrix, _ i: Int, _ b: CodeMatrix, _ j: Int) -> Int {
        (0..<a.bits).reduce(0) { $0 + (a[i, $1] != b[j, $1] ? 1 : 0) }
    }

    func random(rows: Int, bits: Int, seed: UInt64, density: UInt64 = 2) throws -> CodeMatrix {
        var rng = TestRNG(seed: seed)
        return try CodeMatrix(bools: (0..<(rows * bits)).map { _ in rng.next() % density == 0 }, rows: rows, bits: bits)
    }

    func testPortableIsAlwaysSupportedAndNamesAreReported() {
        XCTAssertTrue(HammingKernel.portable.isSupported)
        XCTAssertTrue(HammingKernel.supported.contains(HammingKernel.current))
        HammingKernel.force(.portable)
        XCTAssertEqual(HammingKernel.current, .portable)
        HammingKernel.force(nil)
        XCTAssertEqual(HammingKernel.current, HammingKernel.supported.last)
    }

    func testEveryPathMatchesNaiveCount() throws {
        let widths = [1, 7, 63, 64, 65, 130, 511, 512, 513, 1000, 1536, 3072]
        for (wi, bits) in widths.enumerated() {
            let rows = 67
            var rng = TestRNG(seed: UInt64(wi) + 10)
            let density: UInt64 = wi % 2 == 0 ? 2 : 5
            let raw = (0..<(rows * bits)).map { _ in rng.next() % density == 0 }
            let c = try CodeMatrix(bools: raw, rows: rows, bits: bits)
            // Naive bit-by-bit reference.
            var expected = [[Int]](repeating: [Int](repeating: 0, count: rows), count: rows)
            for i in 0..<rows {
                for j in 0..<rows {
                    var d = 0
                    for b in 0..<bits where raw[i * bits + b] != raw[j * bits + b] { d += 1 }
                    expected[i][j] = d
                }
            }
            for kernel in HammingKernel.supported {
                XCTAssertTrue(HammingKernel.force(kernel))
                for i in stride(from: 0, to: rows, by: 7) {
                    for j in 0..<rows { XCTAssertEqual(c.distance(i, j), expected[i][j], "\(kernel) bits \(bits)") }
                }
                // one against many (exercises the 4-row blocks and the remainder)
                for i in [0, 33, 66] { XCTAssertEqual(c.distances(from: i).map(Int.init), expected[i], "\(kernel) \(bits)") }
                XCTAssertEqual(c.distances(from: 5, threads: 2).map(Int.init), expected[5])
                // all pairs, 1 and 2 threads (67 rows: a partial second tile)
                for t in [1, 2] {
                    let m = c.allPairs(threads: t)
                    XCTAssertEqual(m.values.map(Int.init), expected.flatMap { $0 }, "\(kernel) bits \(bits) threads \(t)")
                }
                let q = c.subset([3, 1, 4])
                let x = q.crossDistances(c, threads: 2)
                for (a, i) in [3, 1, 4].enumerated() {
                    XCTAssertEqual(x[(a * rows)..<((a + 1) * rows)].map(Int.init), expected[i])
                }
            }
        }
    }

    func testAllOnesAgainstZerosAtTheWidthLimit() throws {
        var a = try CodeMatrix(bits: 65535, rows: 2)
        a = try CodeMatrix(bools: [Bool](repeating: true, count: 65535) + [Bool](repeating: false, count: 65535), rows: 2, bits: 65535)
        for kernel in HammingKernel.supported {
            HammingKernel.force(kernel)
            XCTAssertEqual(a.distance(0, 1), 65535, "\(kernel)")
            XCTAssertEqual(a.allPairs(threads: 1).values, [0, 65535, 65535, 0], "\(kernel)")
        }
    }

    func testLargerAllPairsWithManyTiles() throws {
        let c = try random(rows: 300, bits: 200, seed: 99)
        let m = c.allPairs(threads: 2)
        var rng = TestRNG(seed: 5)
        for _ in 0..<500 {
            let i = rng.below(300), j = rng.below(300)
            XCTAssertEqual(Int(m[i, j]), naive(c, i, j))
        }
        XCTAssertEqual(m, c.allPairs(threads: 1))
        // cross of two different matrices
        let d = try random(rows: 70, bits: 200, seed: 100)
        let x = d.crossDistances(c, threads: 2)
        for _ in 0..<300 {
            let i = rng.below(70), j = rng.below(300)
            XCTAssertEqual(Int(x[i * 300 + j]), naive(d, i, c, j))
        }
    }
}

/// The BUILD gain kernel on every path, against a plain loop.
final class GainKernelTests: XCTestCase {
    func testPositiveDifferenceSumOnEveryPath() {
        var rng = TestRNG(seed: 77)
        for n in [0, 1, 15, 16, 17, 31, 32, 33, 100, 1000, 70_000] {
            let dn = (0..<n).map { _ in UInt16(truncatingIfNeeded: rng.next()) | (rng.below(4) == 0 ? 0xFFFF : 0) }
            let row = (0..<n).map { _ in UInt16(truncatingIfNeeded: rng.next()) }
            let expected = zip(dn, row).reduce(UInt64(0)) { $0 + ($1.0 > $1.1 ? UInt64($1.0 - $1.1) : 0) }
            for kernel in HammingKernel.supported {
                HammingKernel.force(kernel)
                let got = dn.withUnsafeBufferPointer { a in row.withUnsafeBufferPointer { b in
                    ck_positive_difference_sum(a.baseAddress, b.baseAddress, n) } }
                XCTAssertEqual(got, expected, "n \(n) \(kernel)")
            }
        }
        // All-max against zeros over a long run: the 32-bit lanes must not overflow.
        let big = 2_100_000
        let ones = [UInt16](repeating: 0xFFFF, count: big), zeros = [UInt16](repeating: 0, count: big)
        for kernel in HammingKernel.supported {
            HammingKernel.force(kernel)
            XCTAssertEqual(ones.withUnsafeBufferPointer { a in zeros.withUnsafeBufferPointer { b in
                ck_positive_difference_sum(a.baseAddress, b.baseAddress, big) } }, UInt64(big) * 0xFFFF, "\(kernel)")
        }
        HammingKernel.force(nil)
    }
}
