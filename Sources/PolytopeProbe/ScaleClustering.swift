import Foundation
import PolytopeClustering
import PolytopeCodes
import PolytopeIO

/// `medoids-layerL.json` (`polytope cluster --sample M`): CLARA's medoids from one sample of a
/// code file, with their codes, so each shard can be assigned on its own (`polytope assign`).
public struct MedoidSet: Codable, Equatable, Sendable {
    public var format = "polytope-medoids-1"
    /// The code file sampled, its committed rows and width, and its provenance.
    public var codes: String
    public var rows: Int
    public var bits: Int
    public var provenance: String
    public var k: Int
    public var seed: UInt64
    public var sampleSize: Int
    public var initialization: String
    public var maxIterations: Int
    /// Medoids as rows of the code file, and their codes as hex of the packed bytes (np.packbits order).
    public var medoidRows: [Int]
    public var medoidCodes: [String]
    public var iterations: Int
    public var swaps: Int

    enum CodingKeys: String, CodingKey {
        case format, codes, rows, bits, provenance, k, seed, initialization, iterations, swaps
        case sampleSize = "sample_size", maxIterations = "max_iterations", medoidRows = "medoid_rows", medoidCodes = "medoid_codes"
    }

    public static func read(_ url: URL) throws -> MedoidSet {
        let m: MedoidSet
        do { m = try JSONDecoder().decode(MedoidSet.self, from: Data(contentsOf: url)) } catch {
            throw ProbeError.badArgument("\(url.path) is not a medoids file from polytope cluster --sample (\(error))")
        }
        guard m.format == "polytope-medoids-1", m.k == m.medoidRows.count, m.k == m.medoidCodes.count, m.k >= 1,
              m.medoidCodes.allSatisfy({ $0.count == 2 * ((m.bits + 7) / 8) }) else {
            throw ProbeError.badArgument("\(url.path): inconsistent medoids file (k, rows and codes disagree)")
        }
        return m
    }

    public func write(_ url: URL) throws {
        let enc = JSONEncoder()
        enc.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(try enc.encode(self), to: url)
    }

    /// The medoids' codes.
    public func codeMatrix() throws -> CodeMatrix {
        var bytes: [UInt8] = []
        for hex in medoidCodes {
            var it = hex.utf8.makeIterator()
            while let a = it.next(), let b = it.next() {
                guard let hi = MedoidSet.nibble(a), let lo = MedoidSet.nibble(b) else {
                    throw ProbeError.badArgument("medoid code '\(hex.prefix(16))...' is not hexadecimal")
                }
                bytes.append(hi << 4 | lo)
            }
        }
        return try bytes.withUnsafeBytes { try CodeMatrix(bits: bits, packedBytes: $0, rows: k) }
    }

    static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case 48...57: return c - 48
        case 97...102: return c - 87
        case 65...70: return c - 55
        default: return nil
        }
    }
}

/// `assign-I-of-N.json` beside `assign-I-of-N.npy` (int32 [rows, 2]: label, Hamming distance to
/// the medoid): one shard of `polytope assign`.
public struct AssignmentPart: Codable, Equatable, Sendable {
    public var index: Int
    public var count: Int
    public var firstRow: Int
    public var endRow: Int
    public var rows: Int
    public var loss: Int
    public var medoidRows: [Int]

    enum CodingKeys: String, CodingKey {
        case index, count, rows, loss
        case firstRow = "first_row", endRow = "end_row", medoidRows = "medoid_rows"
    }

    static func name(_ index: Int, _ count: Int) -> String { "assign-\(index)-of-\(count)" }
}

/// CLARA split over machines (Kaufman & Rousseeuw 1990, ch. 3; FasterPAM on the sample,
/// Schubert & Rousseeuw 2021): `sample` clusters one sample of the codes (reading only its
/// rows), `assign` labels any contiguous slice of rows with its nearest medoid, `join` checks the
/// slices cover every row once and concatenates them. The result equals
/// `CLARA.run(samples: 1, sampleSize: M)` on all codes for the same seed: same sample, same
/// FasterPAM, same tie rule.
public enum ScaleClustering {
    /// - Complexity: M reads, O(M^2 bits/64) for the sample's matrix (2 M^2 bytes), FasterPAM on M.
    public static func sample(codes url: URL, k: Int, sampleSize: Int?, seed: UInt64, initialization: KMedoidsInit,
                              maxIterations: Int = 100, threads: Int) throws -> MedoidSet {
        let header = try CodeFile.header(of: url)
        let n = header.rows
        guard k >= 1, k <= n else { throw ProbeError.badArgument("--k \(k) is larger than the number of codes (\(n)) in \(url.path)") }
        let first = CLARA.firstSample(n: n, k: k, sampleSize: sampleSize, seed: seed)
        let rows = first.rows
        var rng = first.rng
        let sampleCodes = try CodeFile.readRows(from: url, rows: rows)
        let sub = PrecomputedDissimilarity(codes: sampleCodes, threads: threads)
        let r = CLARA.cluster(sample: rows, sub, k: k, initialization: initialization, rng: &rng, maxIterations: maxIterations,
                              threads: threads)
        let position = Dictionary(uniqueKeysWithValues: rows.enumerated().map { ($1, $0) })
        let hex = r.medoids.map { m in sampleCodes.packedRow(position[m]!).map { String(format: "%02x", $0) }.joined() }
        return MedoidSet(codes: url.path, rows: n, bits: header.bits, provenance: header.provenance, k: k, seed: seed,
                         sampleSize: CLARA.size(n: n, k: k, sampleSize: sampleSize), initialization: initialization.rawValue,
                         maxIterations: maxIterations, medoidRows: r.medoids, medoidCodes: hex, iterations: r.iterations, swaps: r.swaps)
    }

    /// Rows of shard `index` of `count`: [index·N/count, (index+1)·N/count).
    public static func rowRange(rows n: Int, shard: ProbeShard) -> Range<Int> {
        (shard.index * n / shard.count)..<((shard.index + 1) * n / shard.count)
    }

    /// Labels shard `shard` of the code file's rows; writes `assign-I-of-N.npy` and `.json` into `dir`.
    /// - Complexity: O(rows k bits/64), reading the slice in blocks.
    @discardableResult
    public static func assign(codes url: URL, medoids: MedoidSet, shard: ProbeShard, threads: Int, into dir: URL,
                              blockRows: Int = 1 << 16) throws -> AssignmentPart {
        let header = try CodeFile.header(of: url)
        guard header.rows == medoids.rows, header.bits == medoids.bits, header.provenance == medoids.provenance else {
            throw ProbeError.badArgument("\(url.path) (\(header.rows) rows of \(header.bits) bits) is not the code file the medoids were drawn from (\(medoids.codes): \(medoids.rows) rows of \(medoids.bits) bits)")
        }
        let centres = try medoids.codeMatrix()
        let range = rowRange(rows: header.rows, shard: shard)
        var pairs: [Int32] = []
        pairs.reserveCapacity(2 * range.count)
        var loss = 0
        var start = range.lowerBound
        while start < range.upperBound {
            let block = try CodeFile.readRows(from: url, range: start..<min(range.upperBound, start + blockRows))
            let a = NearestMedoid.assign(block, medoids: centres, threads: threads)
            for (l, d) in zip(a.labels, a.distances) { pairs += [l, Int32(d)] }
            loss += a.loss
            start += blockRows
        }
        let part = AssignmentPart(index: shard.index, count: shard.count, firstRow: range.lowerBound, endRow: range.upperBound,
                                  rows: header.rows, loss: loss, medoidRows: medoids.medoidRows)
        let name = AssignmentPart.name(shard.index, shard.count)
        try NPYArray(int32: pairs, shape: [range.count, 2]).write(to: dir.appendingPathComponent("\(name).npy"))
        let enc = JSONEncoder()
        enc.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(try enc.encode(part), to: dir.appendingPathComponent("\(name).json"))
        return part
    }

    /// Joins the assignment parts in `dir` for `medoids`: checks that one complete set of parts
    /// covers every row once, and returns the clustering (labels, loss) as CLARA reports it.
    public static func join(dir: URL, medoids: MedoidSet) throws -> KMedoidsResult {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? [])
            .filter { $0.hasPrefix("assign-") && $0.hasSuffix(".json") }
        var parts: [AssignmentPart] = []
        for name in names {
            do { parts.append(try JSONDecoder().decode(AssignmentPart.self, from: Data(contentsOf: dir.appendingPathComponent(name)))) } catch {
                throw ProbeError.badArgument("\(dir.appendingPathComponent(name).path) is unreadable (\(error))")
            }
        }
        guard let count = parts.first?.count else {
            throw ProbeError.badArgument("\(dir.path) holds no assignments (assign-I-of-N.json from polytope assign)")
        }
        var problems: [String] = []
        if let other = parts.first(where: { $0.count != count }) { problems.append("parts of \(count) and of \(other.count) shards are mixed") }
        let present = Set(parts.map(\.index))
        let missing = (0..<count).filter { !present.contains($0) }
        if !missing.isEmpty { problems.append("missing assignment shard\(missing.count > 1 ? "s" : "") \(missing.map(String.init).joined(separator: ", ")) of \(count)") }
        if parts.contains(where: { $0.medoidRows != medoids.medoidRows || $0.rows != medoids.rows }) {
            problems.append("some parts were assigned to other medoids (rerun polytope assign after polytope cluster --sample)")
        }
        guard problems.isEmpty else { throw ProbeError.badArgument("\(dir.path): " + problems.joined(separator: "; ")) }
        parts.sort { $0.index < $1.index }
        var labels: [Int] = []
        labels.reserveCapacity(medoids.rows)
        var loss = 0
        for p in parts {
            guard p.firstRow == labels.count else {
                throw ProbeError.badArgument("\(dir.path): assignment shard \(p.index) starts at row \(p.firstRow), expected \(labels.count)")
            }
            let url = dir.appendingPathComponent("\(AssignmentPart.name(p.index, p.count)).npy")
            let values = try NPYArray.read(from: url).int32s()
            guard values.count == 2 * (p.endRow - p.firstRow) else {
                throw ProbeError.badArgument("\(url.path) holds \(values.count / 2) rows, its part says \(p.endRow - p.firstRow)")
            }
            var partLoss = 0
            for r in 0..<(values.count / 2) {
                let l = Int(values[2 * r])
                guard l >= 0, l < medoids.k else { throw ProbeError.badArgument("\(url.path): label \(l) outside 0..<\(medoids.k)") }
                labels.append(l)
                partLoss += Int(values[2 * r + 1])
            }
            guard partLoss == p.loss else { throw ProbeError.badArgument("\(url.path): distances sum to \(partLoss), its part says \(p.loss) (corrupted)") }
            loss += partLoss
        }
        guard labels.count == medoids.rows else {
            throw ProbeError.badArgument("\(dir.path): the parts cover \(labels.count) of \(medoids.rows) rows")
        }
        return KMedoidsResult(medoids: medoids.medoidRows, labels: labels, loss: loss, iterations: medoids.iterations, swaps: medoids.swaps,
                              method: .clara, initialization: KMedoidsInit(rawValue: medoids.initialization) ?? .build, mode: .clara,
                              samples: 1, sampleSize: medoids.sampleSize)
    }
}
