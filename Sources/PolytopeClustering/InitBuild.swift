/// PAM's BUILD: greedy initial medoids.
///
/// Kaufman & Rousseeuw, "Finding Groups in Data: An Introduction to Cluster Analysis"
/// (Wiley 1990), chapter 2 (PAM). The first medoid minimises the total distance to all
/// objects; each next one is the object whose addition lowers the loss the most.
///
/// - Complexity: O(k N^2) distance lookups (each candidate needs its full row every round);
///   memory O(N). Matrix-free, that is k N^2 Hamming distances: prefer LAB there.
public enum BuildInit {
    public static func medoids<D: Dissimilarity>(_ d: D, k: Int) -> [Int] {
        let n = d.count
        precondition(k >= 1 && k <= n)
        var dNearest = [Int32](repeating: Assignment.far, count: n)
        var isMedoid = [Bool](repeating: false, count: n)
        var medoids: [Int] = []
        var scratch = [UInt16](repeating: 0, count: n)
        for _ in 0..<k {
            var best = -1, bestGain = Int.min
            for x in 0..<n where !isMedoid[x] {
                // Gain of adding x: objects closer to x than to their current medoid.
                let gain: Int = scratch.withUnsafeMutableBufferPointer { sbuf in
                    d.withRow(x, scratch: sbuf) { row in
                        var g = 0
                        dNearest.withUnsafeBufferPointer { dn in
                            for o in 0..<n {
                                let v = dn[o] &- Int32(row[o])
                                if v > 0 { g &+= Int(v) }
                            }
                        }
                        return g
                    }
                }
                if gain > bestGain {
                    bestGain = gain
                    best = x
                }
            }
            medoids.append(best)
            isMedoid[best] = true
            scratch.withUnsafeMutableBufferPointer { sbuf in
                d.withRow(best, scratch: sbuf) { row in
                    for o in 0..<n where Int32(row[o]) < dNearest[o] { dNearest[o] = Int32(row[o]) }
                }
            }
        }
        return medoids
    }
}
