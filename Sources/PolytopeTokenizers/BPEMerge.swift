/// The byte-pair merge of one pre-token (Sennrich, Haddow & Birch 2016, "Neural Machine
/// Translation of Rare Words with Subword Units"; byte-level as in GPT-2, Radford et al. 2019).
///
/// Start from one part per byte; repeatedly join the adjacent pair whose merge has the lowest
/// rank, the leftmost of equal ranks, until no adjacent pair has a merge. This is the rule of
/// tiktoken's `byte_pair_merge` and of Hugging Face's BPE model; which pairs have a merge, and
/// their ranks, is the table's business (see `ByteLevelBPETokenizer`).
enum BPEMerge {
    /// Pieces up to this many bytes use the quadratic scan, longer ones the heap.
    static let quadraticLimit = 48

    /// Merges `count` bytes at `p`, appending the resulting ids to `out`.
    /// - Complexity: O(m²) pair-table lookups worst case for m ≤ `quadraticLimit`, else
    ///   O(m log m) (`mergeWithHeap`).
    @inline(__always)
    static func merge(_ p: UnsafePointer<UInt8>, count m: Int, byteToken: UnsafePointer<UInt32>,
                      lookup: PairRankTable.Lookup, into out: inout [UInt32]) {
        if m > quadraticLimit {
            mergeWithHeap(p, count: m, byteToken: byteToken, lookup: lookup, into: &out)
        } else {
            mergeQuadratic(p, count: m, byteToken: byteToken, lookup: lookup, into: &out)
        }
    }

    /// tiktoken's scan: keep the rank of each adjacent pair, find the minimum, join, update the
    /// two neighbouring ranks.
    /// - Complexity: O(m²).
    @inline(__always)
    static func mergeQuadratic(_ p: UnsafePointer<UInt8>, count m: Int, byteToken: UnsafePointer<UInt32>,
                               lookup: PairRankTable.Lookup, into out: inout [UInt32]) {
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: m) { ids in
            withUnsafeTemporaryAllocation(of: UInt64.self, capacity: m) { ranks in
                var n = m
                for k in 0..<n { ids[k] = byteToken[Int(p[k])] }
                for k in 0..<(n - 1) { ranks[k] = lookup(ids[k], ids[k + 1]) }
                while n > 1 {
                    var best = PairRankTable.absent
                    var at = -1
                    for k in 0..<(n - 1) where ranks[k] < best {
                        best = ranks[k]
                        at = k
                    }
                    if at < 0 { break }
                    ids[at] = UInt32(truncatingIfNeeded: best)
                    var t = at + 1
                    while t < n - 1 { ids[t] = ids[t + 1]; t += 1 }
                    t = at + 1
                    while t < n - 2 { ranks[t] = ranks[t + 1]; t += 1 }
                    n -= 1
                    ranks[at] = at + 1 < n ? lookup(ids[at], ids[at + 1]) : PairRankTable.absent
                    if at > 0 { ranks[at - 1] = lookup(ids[at - 1], ids[at]) }
                }
                for k in 0..<n { out.append(ids[k]) }
            }
        }
    }

    /// The same merge with a binary heap of candidate pairs keyed by (rank, position) and lazy
    /// deletion (a version stamp per part), for long pieces.
    /// - Complexity: O(m log m).
    static func mergeWithHeap(_ p: UnsafePointer<UInt8>, count m: Int, byteToken: UnsafePointer<UInt32>,
                              lookup: PairRankTable.Lookup, into out: inout [UInt32]) {
        var ids = (0..<m).map { byteToken[Int(p[$0])] }
        var next = (0..<m).map { $0 + 1 < m ? $0 + 1 : -1 }
        var prev = (0..<m).map { $0 - 1 }
        var version = [UInt32](repeating: 0, count: m)
        var alive = [Bool](repeating: true, count: m)
        var heap = CandidateHeap()
        func push(_ k: Int) {
            let j = next[k]
            guard j >= 0 else { return }
            let r = lookup(ids[k], ids[j])
            guard r != PairRankTable.absent else { return }
            heap.push(Candidate(packed: r, position: k, leftVersion: version[k], right: j, rightVersion: version[j]))
        }
        for k in 0..<(m - 1) { push(k) }
        while let c = heap.pop() {
            let k = c.position
            guard alive[k], next[k] == c.right, version[k] == c.leftVersion,
                  version[c.right] == c.rightVersion else { continue }
            let j = c.right
            ids[k] = UInt32(truncatingIfNeeded: c.packed)
            version[k] &+= 1
            alive[j] = false
            next[k] = next[j]
            if next[j] >= 0 { prev[next[j]] = k }
            if prev[k] >= 0 { push(prev[k]) }
            push(k)
        }
        var k = 0
        while k >= 0 {
            out.append(ids[k])
            k = next[k]
        }
    }

    struct Candidate {
        var packed: UInt64
        var position: Int
        var leftVersion: UInt32
        var right: Int
        var rightVersion: UInt32

        @inline(__always)
        static func before(_ a: Candidate, _ b: Candidate) -> Bool {
            a.packed != b.packed ? a.packed < b.packed : a.position < b.position
        }
    }

    /// A binary min-heap of candidates (Williams 1964).
    struct CandidateHeap {
        private var items: [Candidate] = []

        mutating func push(_ c: Candidate) {
            items.append(c)
            var i = items.count - 1
            while i > 0 {
                let parent = (i - 1) / 2
                if !Candidate.before(items[i], items[parent]) { break }
                items.swapAt(i, parent)
                i = parent
            }
        }

        mutating func pop() -> Candidate? {
            guard let top = items.first else { return nil }
            let last = items.removeLast()
            if !items.isEmpty {
                items[0] = last
                var i = 0
                while true {
                    let l = 2 * i + 1, r = l + 1
                    var m = i
                    if l < items.count && Candidate.before(items[l], items[m]) { m = l }
                    if r < items.count && Candidate.before(items[r], items[m]) { m = r }
                    if m == i { break }
                    items.swapAt(i, m)
                    i = m
                }
            }
            return top
        }
    }
}
