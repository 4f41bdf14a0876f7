import CKernels

/// Hamming distances between codes, computed by the CKernels popcount paths.
///
/// Padding bits are zero in every row, so distances over the padded words equal distances
/// over the `bits` real bits.
extension CodeMatrix {
    /// Hamming distance between rows `i` and `j`. O(bits / 64).
    public func distance(_ i: Int, _ j: Int) -> Int {
        precondition(i >= 0 && i < rows && j >= 0 && j < rows, "row index out of range")
        return withUnsafeWords { w in
            Int(ck_hamming(w.baseAddress! + i * wordsPerRow, w.baseAddress! + j * wordsPerRow, wordsPerRow))
        }
    }

    /// Distances from row `i` to every row, into `out` (`rows` entries). O(rows * bits / 64).
    public func distances(from i: Int, into out: UnsafeMutableBufferPointer<UInt16>, threads: Int = 1) {
        precondition(i >= 0 && i < rows && out.count >= rows)
        withUnsafeWords { w in
            ck_hamming_one_to_many_mt(w.baseAddress! + i * wordsPerRow, w.baseAddress!, rows, wordsPerRow, wordsPerRow,
                                      out.baseAddress!, Int32(threads))
        }
    }

    /// Distances from row `i` to every row.
    public func distances(from i: Int, threads: Int = 1) -> [UInt16] {
        [UInt16](unsafeUninitializedCapacity: rows) { buf, n in
            distances(from: i, into: buf, threads: threads)
            n = rows
        }
    }

    /// Distances from row `i` of `query` (same width) to every row of `self`.
    public func distances(fromRow i: Int, of query: CodeMatrix, into out: UnsafeMutableBufferPointer<UInt16>, threads: Int = 1) {
        precondition(query.bits == bits && i >= 0 && i < query.rows && out.count >= rows)
        query.withUnsafeWords { q in
            withUnsafeWords { w in
                ck_hamming_one_to_many_mt(q.baseAddress! + i * wordsPerRow, w.baseAddress!, rows, wordsPerRow, wordsPerRow,
                                          out.baseAddress!, Int32(threads))
            }
        }
    }

    /// The full symmetric N x N distance matrix. O(N^2 * bits / 128) work, tiled and split over
    /// `threads` threads; 2 N^2 bytes of memory.
    public func allPairs(threads: Int = cpuCount) -> HammingMatrix {
        var m = HammingMatrix(count: rows)
        m.values.withUnsafeMutableBufferPointer { out in
            withUnsafeWords { w in
                ck_hamming_all_pairs(w.baseAddress!, rows, wordsPerRow, wordsPerRow, out.baseAddress!, rows, Int32(threads))
            }
        }
        return m
    }

    /// Distances between every row of `self` (rows of the result) and every row of `other`
    /// (columns), row-major `[rows * other.rows]`. Tiled like `allPairs`.
    /// O(rows * other.rows * bits / 64).
    public func crossDistances(_ other: CodeMatrix, threads: Int = cpuCount) -> [UInt16] {
        let n = rows * other.rows
        return [UInt16](unsafeUninitializedCapacity: n) { out, count in
            crossDistances(other, into: out, threads: threads)
            count = n
        }
    }

    /// `crossDistances` into caller-owned memory (`rows * other.rows` entries).
    public func crossDistances(_ other: CodeMatrix, into out: UnsafeMutableBufferPointer<UInt16>, threads: Int = cpuCount) {
        precondition(other.bits == bits, "cross distances need equal widths")
        precondition(out.count >= rows * other.rows)
        withUnsafeWords { a in
            other.withUnsafeWords { b in
                ck_hamming_cross(a.baseAddress!, rows, b.baseAddress!, other.rows, wordsPerRow, wordsPerRow,
                                 out.baseAddress!, other.rows, Int32(threads))
            }
        }
    }
}

/// A dense symmetric N x N matrix of Hamming distances, row-major `UInt16`.
public struct HammingMatrix: Sendable, Equatable {
    public let count: Int
    public var values: [UInt16]

    /// A zero matrix.
    public init(count: Int) {
        self.count = count
        self.values = [UInt16](repeating: 0, count: count * count)
    }

    /// Wraps `count * count` row-major values.
    public init(count: Int, values: [UInt16]) {
        precondition(values.count == count * count, "\(values.count) values for a \(count) x \(count) matrix")
        self.count = count
        self.values = values
    }

    public subscript(i: Int, j: Int) -> UInt16 { values[i * count + j] }

    /// Bytes needed for an N x N matrix.
    public static func bytes(count: Int) -> Int { count * count * 2 }
}
