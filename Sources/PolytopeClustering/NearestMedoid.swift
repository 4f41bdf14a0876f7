import PolytopeCodes

/// Each code's nearest medoid by Hamming distance, given the medoids' codes: the assignment step
/// of CLARA (Kaufman & Rousseeuw 1990, ch. 3) run on any slice of the codes, so a machine can
/// label its shard without the rest. Ties go to the lowest medoid index, as in `assign`, so the
/// slices' labels and distances, concatenated, equal `assign(d, medoids:)` on all the codes.
///
/// - Complexity: O(N k bits / 64) distances, in blocks of rows (memory O(block k)).
public enum NearestMedoid {
    public static func assign(_ codes: CodeMatrix, medoids: CodeMatrix, threads: Int = 1,
                              blockRows: Int = 4096) -> (labels: [Int32], distances: [UInt16], loss: Int) {
        precondition(codes.bits == medoids.bits && medoids.rows >= 1)
        let n = codes.rows, k = medoids.rows
        var labels = [Int32](repeating: 0, count: n)
        var distances = [UInt16](repeating: 0, count: n)
        var loss = 0
        var start = 0
        while start < n {
            let rows = Array(start..<min(n, start + blockRows))
            let block = codes.subset(rows)
            let d = block.crossDistances(medoids, threads: threads)
            for (r, row) in rows.enumerated() {
                var best = 0, bestD = d[r * k]
                for c in 1..<max(1, k) where d[r * k + c] < bestD {
                    best = c
                    bestD = d[r * k + c]
                }
                labels[row] = Int32(best)
                distances[row] = bestD
                loss += Int(bestD)
            }
            start += blockRows
        }
        return (labels, distances, loss)
    }
}
