import PolytopeCodes

/// The distance input every k-medoids algorithm here takes: a precomputed matrix, or codes
/// whose Hamming distances are computed on the fly (matrix-free).
public protocol Dissimilarity {
    /// Number of objects.
    var count: Int { get }
    /// How the distances are obtained (stated in results).
    var mode: DissimilarityMode { get }
    /// d(i, j).
    func distance(_ i: Int, _ j: Int) -> Int
    /// Calls `body` with d(i, o) for all o in `0..<count`. `scratch` (`count` entries) may be
    /// used to hold them; a precomputed matrix hands out its own row instead.
    func withRow<R>(_ i: Int, scratch: UnsafeMutableBufferPointer<UInt16>, _ body: (UnsafeBufferPointer<UInt16>) throws -> R) rethrows -> R
    /// Writes d(i, o) for all o into `out` (`count` entries) on the calling thread only; safe to
    /// call from several threads at once (used by FasterPAM's parallel candidate evaluation).
    func row(_ i: Int, into out: UnsafeMutableBufferPointer<UInt16>)
    /// Writes the rows of `indices` one after another into `out` (`indices.count * count`
    /// entries), using up to `threads` threads. Matrix-free this is one tiled cross-distance
    /// pass, reading each code once per 64 rows rather than once per row.
    func rows(_ indices: [Int], into out: UnsafeMutableBufferPointer<UInt16>, threads: Int)
    /// The dissimilarity restricted to `indices` (object `a` of the result is `indices[a]`),
    /// precomputed: used by CLARA and LAB-style sampling.
    func restricted(to indices: [Int]) -> PrecomputedDissimilarity
}

/// How distances are obtained.
public enum DissimilarityMode: String, Sendable, Codable, CustomStringConvertible {
    /// A dense N x N `UInt16` matrix in memory (2 N^2 bytes).
    case matrix
    /// Hamming distances computed from the codes when needed (memory O(N * bits)).
    case matrixFree = "matrix-free"
    /// CLARA: FasterPAM on samples with a matrix each, then all N assigned.
    case clara
    public var description: String { rawValue }
}

/// A precomputed dense matrix.
public final class PrecomputedDissimilarity: Dissimilarity {
    public let matrix: HammingMatrix
    public var count: Int { matrix.count }
    public var mode: DissimilarityMode { .matrix }

    public init(_ matrix: HammingMatrix) { self.matrix = matrix }

    /// All-pairs Hamming distances of `codes`. O(N^2 bits / 128) time, 2 N^2 bytes.
    public convenience init(codes: CodeMatrix, threads: Int = cpuCount) {
        self.init(codes.allPairs(threads: threads))
    }

    public func distance(_ i: Int, _ j: Int) -> Int { Int(matrix.values[i * matrix.count + j]) }

    public func withRow<R>(_ i: Int, scratch: UnsafeMutableBufferPointer<UInt16>, _ body: (UnsafeBufferPointer<UInt16>) throws -> R) rethrows -> R {
        try matrix.values.withUnsafeBufferPointer { all in
            try body(UnsafeBufferPointer(rebasing: all[(i * count)..<((i + 1) * count)]))
        }
    }

    public func row(_ i: Int, into out: UnsafeMutableBufferPointer<UInt16>) {
        matrix.values.withUnsafeBufferPointer { all in
            out.baseAddress!.update(from: all.baseAddress! + i * count, count: count)
        }
    }

    public func rows(_ indices: [Int], into out: UnsafeMutableBufferPointer<UInt16>, threads: Int) {
        for (a, i) in indices.enumerated() { row(i, into: UnsafeMutableBufferPointer(rebasing: out[(a * count)..<((a + 1) * count)])) }
    }

    public func restricted(to indices: [Int]) -> PrecomputedDissimilarity {
        let m = indices.count
        var values = [UInt16](repeating: 0, count: m * m)
        for (a, i) in indices.enumerated() { for (b, j) in indices.enumerated() { values[a * m + b] = matrix.values[i * count + j] } }
        return PrecomputedDissimilarity(HammingMatrix(count: m, values: values))
    }
}

/// Hamming distances computed from the codes on demand: a row costs O(N * bits / 64), split over
/// `threads` threads.
public final class CodeDissimilarity: Dissimilarity {
    public let codes: CodeMatrix
    public let threads: Int
    public var count: Int { codes.rows }
    public var mode: DissimilarityMode { .matrixFree }

    public init(codes: CodeMatrix, threads: Int = cpuCount) {
        self.codes = codes
        self.threads = max(1, threads)
    }

    public func distance(_ i: Int, _ j: Int) -> Int { codes.distance(i, j) }

    public func withRow<R>(_ i: Int, scratch: UnsafeMutableBufferPointer<UInt16>, _ body: (UnsafeBufferPointer<UInt16>) throws -> R) rethrows -> R {
        codes.distances(from: i, into: scratch, threads: threads)
        return try body(UnsafeBufferPointer(rebasing: scratch[0..<count]))
    }

    public func row(_ i: Int, into out: UnsafeMutableBufferPointer<UInt16>) {
        codes.distances(from: i, into: out, threads: 1)
    }

    public func rows(_ indices: [Int], into out: UnsafeMutableBufferPointer<UInt16>, threads: Int) {
        codes.subset(indices).crossDistances(codes, into: out, threads: threads)
    }

    public func restricted(to indices: [Int]) -> PrecomputedDissimilarity {
        PrecomputedDissimilarity(codes: codes.subset(indices), threads: threads)
    }
}
