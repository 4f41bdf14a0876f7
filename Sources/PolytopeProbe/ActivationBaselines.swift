import Foundation
import PolytopeClustering
import PolytopeCodes
import PolytopeModel

/// The comparisons the polytope lens paper draws (Black et al. 2022, §4): k-medoids on the raw
/// MLP activations (cosine and Euclidean distance), and the "directions" view, where a
/// neuron's group is its top-activating tokens.
///
/// Distances are quantized to UInt16 so the same k-medoids code (and memory accounting)
/// serves them: cosine distance in [0, 2] at steps of 1/32767, Euclidean distance at steps of
/// (2 * largest norm) / 65535.
enum ActivationBaselines {
    /// Row-major [n, d] float32 activations from a probe's `activations-layerL.f32`.
    static func load(_ url: URL, rows n: Int, width d: Int) throws -> [Float] {
        let data = try Data(contentsOf: url)
        guard data.count >= n * d * 4 else {
            throw ProbeError.corruptState("\(url.path) holds \(data.count / max(1, d * 4)) rows, expected \(n)")
        }
        return data.withUnsafeBytes { Array($0.bindMemory(to: Float.self).prefix(n * d)) }
    }

    enum Metric: String { case cosine, euclidean }

    /// All-pairs quantized distances. - Complexity: O(n² d) in blocked sgemms, O(n²) memory (UInt16).
    static func distanceMatrix(_ acts: [Float], rows n: Int, width d: Int, metric: Metric) -> HammingMatrix {
        var x = acts
        var norms = [Float](repeating: 0, count: n)
        for i in 0..<n {
            var s: Float = 0
            for c in 0..<d { s += x[i * d + c] * x[i * d + c] }
            norms[i] = s
        }
        if metric == .cosine {
            for i in 0..<n {
                let inv = norms[i] > 0 ? 1 / norms[i].squareRoot() : 0
                for c in 0..<d { x[i * d + c] *= inv }
            }
        }
        let maxNorm = norms.max().map { $0.squareRoot() } ?? 0
        let scale: Float = metric == .cosine ? 32767 : (maxNorm > 0 ? 65535 / (2 * maxNorm) : 0)
        var out = HammingMatrix(count: n)
        let block = 512
        var gram = [Float](repeating: 0, count: block * n)
        x.withUnsafeBufferPointer { xp in
            var start = 0
            while start < n {
                let rows = min(block, n - start)
                gram.withUnsafeMutableBufferPointer { g in
                    BLAS.gemm(transB: true, m: rows, n: n, k: d, a: xp.baseAddress! + start * d, lda: d,
                              b: xp.baseAddress!, ldb: d, c: g.baseAddress!, ldc: n)
                }
                for r in 0..<rows {
                    let i = start + r
                    for j in 0..<n {
                        let g = gram[r * n + j]
                        let dist: Float = metric == .cosine ? max(0, 1 - g) : max(0, norms[i] + norms[j] - 2 * g).squareRoot()
                        out.values[i * n + j] = i == j ? 0 : UInt16(min(65535, (dist * scale).rounded()))
                    }
                }
                start += rows
            }
        }
        return out
    }

    /// Each live neuron's top `m` activating rows (a neuron whose top activations are all <= 0 is skipped).
    static func neuronGroups(_ acts: [Float], rows n: Int, width d: Int, size m: Int) -> [[Int]] {
        var groups: [[Int]] = []
        var column = [(Float, Int)](repeating: (0, 0), count: n)
        for j in 0..<d {
            for i in 0..<n { column[i] = (acts[i * d + j], i) }
            column.sort { $0.0 > $1.0 || ($0.0 == $1.0 && $0.1 < $1.1) }
            let top = column.prefix(m).filter { $0.0 > 0 }.map(\.1)
            if top.count >= 2 { groups.append(top) }
        }
        return groups
    }
}
