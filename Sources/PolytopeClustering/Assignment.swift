/// Nearest and second-nearest medoid of every object, with a cache of the medoids' distance
/// rows (k x N `UInt16`) so that re-assigning an object costs O(k) lookups in every mode.
///
/// "No second medoid" (k = 1) is the distance `Assignment.far`, larger than any Hamming
/// distance; FasterPAM's deltas stay exact with it (the terms cancel).
struct Assignment {
    static let far: Int32 = 1 << 20

    let n: Int
    private(set) var k: Int
    var medoids: [Int]
    /// medoidRows[c * n + o] = d(medoids[c], o)
    var medoidRows: [UInt16]
    var nearest: [Int32]
    var second: [Int32]
    var dNearest: [Int32]
    var dSecond: [Int32]

    /// Computes the medoids' rows and assigns every object. O(k) rows + O(N k).
    init<D: Dissimilarity>(_ d: D, medoids: [Int]) {
        n = d.count
        k = medoids.count
        self.medoids = medoids
        medoidRows = [UInt16](repeating: 0, count: k * n)
        nearest = [Int32](repeating: 0, count: n)
        second = [Int32](repeating: -1, count: n)
        dNearest = [Int32](repeating: 0, count: n)
        dSecond = [Int32](repeating: Self.far, count: n)
        let n = self.n
        medoidRows.withUnsafeMutableBufferPointer { rows in
            for (c, m) in medoids.enumerated() {
                let slot = UnsafeMutableBufferPointer(rebasing: rows[(c * n)..<((c + 1) * n)])
                d.withRow(m, scratch: slot) { row in
                    if row.baseAddress != UnsafePointer(slot.baseAddress) { _ = slot.initialize(from: row) }
                }
            }
        }
        for o in 0..<n { reassign(o) }
    }

    /// Recomputes nearest and second for `o` from the cache. O(k).
    mutating func reassign(_ o: Int) {
        var n1: Int32 = -1, n2: Int32 = -1
        var d1 = Self.far, d2 = Self.far
        for c in 0..<k {
            let dc = Int32(medoidRows[c * n + o])
            if dc < d1 {
                n2 = n1; d2 = d1
                n1 = Int32(c); d1 = dc
            } else if dc < d2 {
                n2 = Int32(c); d2 = dc
            }
        }
        nearest[o] = n1; dNearest[o] = d1
        second[o] = n2; dSecond[o] = d2
    }

    /// Replaces medoid slot `slot` by object `x` whose distance row is `row`, updating every
    /// object's nearest/second. O(N) plus O(k) for objects that lost their nearest or second.
    mutating func swap(slot: Int, to x: Int, row: UnsafeBufferPointer<UInt16>) {
        medoids[slot] = x
        medoidRows.withUnsafeMutableBufferPointer { rows in
            _ = UnsafeMutableBufferPointer(rebasing: rows[(slot * n)..<((slot + 1) * n)]).initialize(from: row)
        }
        let s = Int32(slot)
        for o in 0..<n {
            if nearest[o] == s || second[o] == s {
                reassign(o)
                continue
            }
            let dx = Int32(row[o])
            if dx < dNearest[o] {
                second[o] = nearest[o]; dSecond[o] = dNearest[o]
                nearest[o] = s; dNearest[o] = dx
            } else if dx < dSecond[o] {
                second[o] = s; dSecond[o] = dx
            }
        }
    }

    /// Sum of distances to the nearest medoid.
    var loss: Int { dNearest.reduce(0) { $0 + Int($1) } }

    var labels: [Int] { nearest.map(Int.init) }
}

/// Loss and labels of a medoid set, computed from scratch (for checks and CLARA). O(k N).
public func assign<D: Dissimilarity>(_ d: D, medoids: [Int]) -> (labels: [Int], loss: Int) {
    let a = Assignment(d, medoids: medoids)
    return (a.labels, a.loss)
}
