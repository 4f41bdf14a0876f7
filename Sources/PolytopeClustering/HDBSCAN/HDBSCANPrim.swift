import CKernels
import PolytopeCodes

/// One edge of the mutual-reachability minimum spanning tree, in Prim's order.
public struct MSTEdge: Sendable, Equatable {
    /// The node added to the tree just before `next` (scikit-learn's `current_node`).
    public var current: Int
    /// The node added by this step.
    public var next: Int
    /// Mutual-reachability distance max(core(a), core(b), d(a, b)) of the edge that added `next`.
    public var weight: Int32
}

/// Prim's algorithm on the complete mutual-reachability graph (McInnes & Healy 2017, section 2;
/// Campello et al. 2013, section 3), the graph's rows computed when needed and never stored.
///
/// The rule, identical to scikit-learn's `mst_from_mutual_reachability` (so ties resolve the same):
/// start at node 0; each step, the not-yet-added node with the smallest reach to the tree joins,
/// ties going to the **lowest index**; the step is recorded as (node added just before, node
/// added, its reach). These edges need not be the tree's true edges, but sorted by weight they give
/// the same single-linkage hierarchy (Müllner 2011, "Modern hierarchical, agglomerative clustering
/// algorithms", MST-linkage), and they are what scikit-learn's hierarchy is built from.
///
/// - Complexity: O(N^2) mutual-reachability evaluations, i.e. O(N^2 bits / 64) popcount work from
///   codes (each step one pass over the codes not yet in the tree, which are kept packed at the
///   front of a private copy), O(N) memory besides the codes.
public enum HDBSCANPrim {
    /// From a precomputed matrix and core distances.
    public static func mst(matrix m: HammingMatrix, core: [Int32]) -> [MSTEdge] {
        let n = m.count
        precondition(core.count == n)
        return m.values.withUnsafeBufferPointer { v in
            run(n: n, core: core) { c, perm, remaining, out in
                let row = v.baseAddress! + c * n
                for p in 0..<remaining { out[p] = row[perm[p]] }
            } swap: { _, _ in }
        }
    }

    /// From the codes: each step one `ck_hamming_one_to_many` over the codes not yet in the tree.
    public static func mst(codes: CodeMatrix, core: [Int32], threads: Int = cpuCount) -> [MSTEdge] {
        let n = codes.rows, w = codes.wordsPerRow
        precondition(core.count == n)
        let words = UnsafeMutableRawPointer.allocate(byteCount: max(1, n * w) * 8, alignment: 64)
            .bindMemory(to: UInt64.self, capacity: max(1, n * w))
        defer { words.deallocate() }
        codes.withUnsafeWords { src in words.update(from: src.baseAddress!, count: n * w) }
        let query = UnsafeMutablePointer<UInt64>.allocate(capacity: max(1, w))
        defer { query.deallocate() }
        return codes.withUnsafeWords { src in
            run(n: n, core: core) { c, _, remaining, out in
                query.update(from: src.baseAddress! + c * w, count: w)
                ck_hamming_one_to_many_mt(query, words, remaining, w, w, out, Int32(threads))
            } swap: { a, b in
                if a != b { swapRows(words + a * w, words + b * w, w) }
            }
        }
    }

    /// The shared loop. `perm[p]` is the node at position p; positions `0..<remaining` are the
    /// nodes not yet in the tree. `distances(c, perm, remaining, out)` writes d(c, perm[p]) to
    /// out[p]; `swap(a, b)` mirrors a swap of positions a and b in the caller's storage.
    static func run(n: Int, core: [Int32],
                    distances: (Int, UnsafePointer<Int>, Int, UnsafeMutablePointer<UInt16>) -> Void,
                    swap: (Int, Int) -> Void) -> [MSTEdge] {
        guard n > 1 else { return [] }
        var edges = [MSTEdge]()
        edges.reserveCapacity(n - 1)
        var perm = Array(0..<n)
        var reach = [Int32](repeating: Int32.max, count: n)
        var dist = [UInt16](repeating: 0, count: n)
        var remaining = n
        var current = 0
        func remove(_ p: Int) {
            let last = remaining - 1
            perm.swapAt(p, last)
            reach.swapAt(p, last)
            swap(p, last)
            remaining -= 1
        }
        remove(0)
        while remaining > 0 {
            let cc = core[current]
            perm.withUnsafeBufferPointer { pm in
                dist.withUnsafeMutableBufferPointer { d in distances(current, pm.baseAddress!, remaining, d.baseAddress!) }
            }
            var best = -1, bestReach = Int32.max, bestNode = Int.max
            perm.withUnsafeBufferPointer { pm in
                reach.withUnsafeMutableBufferPointer { r in
                    dist.withUnsafeBufferPointer { d in
                        core.withUnsafeBufferPointer { co in
                            for p in 0..<remaining {
                                let j = pm[p]
                                let mr = max(cc, co[j], Int32(d[p]))
                                let rj = min(r[p], mr)
                                r[p] = rj
                                if rj < bestReach || (rj == bestReach && j < bestNode) {
                                    best = p
                                    bestReach = rj
                                    bestNode = j
                                }
                            }
                        }
                    }
                }
            }
            edges.append(MSTEdge(current: current, next: bestNode, weight: bestReach))
            remove(best)
            current = bestNode
        }
        return edges
    }

    private static func swapRows(_ a: UnsafeMutablePointer<UInt64>, _ b: UnsafeMutablePointer<UInt64>, _ w: Int) {
        for i in 0..<w {
            let t = a[i]
            a[i] = b[i]
            b[i] = t
        }
    }
}
