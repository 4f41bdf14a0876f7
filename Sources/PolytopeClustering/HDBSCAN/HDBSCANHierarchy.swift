/// The single-linkage hierarchy of the mutual-reachability MST (scipy's linkage layout: merge i
/// creates node N + i from `left[i]` and `right[i]` at distance `distance[i]`).
public struct SingleLinkage: Sendable, Equatable {
    public var left: [Int]
    public var right: [Int]
    public var distance: [Int32]
    public var size: [Int]
    public var count: Int { left.count + 1 }

    /// Sorts the MST edges by weight — a **stable** sort, so equal weights stay in Prim's order
    /// (our documented tie rule; scikit-learn's `np.argsort` is not guaranteed stable, see
    /// docs/clustering.md) — and merges with a union-find whose merged sets get the new labels
    /// N, N+1, ... (scikit-learn's `make_single_linkage`). O(N log N).
    public init(mst: [MSTEdge]) {
        let n = mst.count + 1
        let order = mst.indices.sorted { (mst[$0].weight, $0) < (mst[$1].weight, $1) }
        var parent = [Int](repeating: -1, count: 2 * n - 1)
        var sizes = [Int](repeating: 1, count: n) + [Int](repeating: 0, count: max(0, n - 1))
        left = []; right = []; distance = []; size = []
        left.reserveCapacity(n - 1); right.reserveCapacity(n - 1); distance.reserveCapacity(n - 1); size.reserveCapacity(n - 1)
        func find(_ x: Int) -> Int {
            var root = x
            while parent[root] != -1 { root = parent[root] }
            var p = x
            while p != root && parent[p] != root {
                let up = parent[p]
                parent[p] = root
                p = up
            }
            return root
        }
        var next = n
        for e in order.map({ mst[$0] }) {
            let a = find(e.current), b = find(e.next)
            left.append(a)
            right.append(b)
            distance.append(e.weight)
            size.append(sizes[a] + sizes[b])
            parent[a] = next
            parent[b] = next
            sizes[next] = sizes[a] + sizes[b]
            next += 1
        }
    }

    /// Nodes of the subtree under `root` in breadth-first order, left before right (scikit-learn's
    /// `bfs_from_hierarchy`; the order of the condensed tree's rows follows from it). O(subtree).
    func bfs(from root: Int) -> [Int] {
        var result = [root]
        var i = 0
        let n = count
        while i < result.count {
            let node = result[i]
            if node >= n {
                result.append(left[node - n])
                result.append(right[node - n])
            }
            i += 1
        }
        return result
    }
}

/// The condensed cluster tree (Campello et al. 2013, section 3.2; McInnes & Healy 2017): walking
/// down the single-linkage hierarchy, a split where both sides have at least `minClusterSize`
/// points creates two new clusters; otherwise the small side's points "fall out" of the cluster at
/// λ = 1 / distance. Rows are (parent cluster, child cluster or point, λ, child size), in
/// scikit-learn's `_condense_tree` order; the root cluster is N, new clusters N+1, N+2, ... in
/// order of creation, so children always have larger ids than their parents.
///
/// - Complexity: O(N) time and memory.
public struct CondensedTree: Sendable {
    public var parent: [Int] = []
    public var child: [Int] = []
    public var lambda: [Double] = []
    /// The distance of the split (λ = 1 / distance; distance 0 is λ = +inf).
    public var distance: [Int32] = []
    public var childSize: [Int] = []
    /// Number of points N (point ids 0..<N, cluster ids N...).
    public let points: Int
    /// Number of clusters including the root (ids N..<N + clusterCount).
    public private(set) var clusterCount = 1

    public var rowCount: Int { parent.count }
    public var root: Int { points }

    public init(_ h: SingleLinkage, minClusterSize: Int) {
        let n = h.count
        points = n
        guard n > 1 else { return }
        let rootNode = 2 * n - 2
        var relabel = [Int](repeating: 0, count: rootNode + 1)
        relabel[rootNode] = n
        var nextLabel = n + 1
        var ignore = [Bool](repeating: false, count: rootNode + 1)
        func size(_ node: Int) -> Int { node >= n ? h.size[node - n] : 1 }
        func add(_ p: Int, _ c: Int, _ d: Int32, _ s: Int) {
            parent.append(p)
            child.append(c)
            distance.append(d)
            lambda.append(d > 0 ? 1.0 / Double(d) : .infinity)
            childSize.append(s)
        }
        func fallOut(_ sub: Int, from p: Int, _ d: Int32) {
            for x in h.bfs(from: sub) {
                if x < n { add(p, x, d, 1) }
                ignore[x] = true
            }
        }
        for node in h.bfs(from: rootNode) {
            if node < n || ignore[node] { continue }
            let l = h.left[node - n], r = h.right[node - n], d = h.distance[node - n]
            let lc = size(l), rc = size(r), p = relabel[node]
            if lc >= minClusterSize && rc >= minClusterSize {
                relabel[l] = nextLabel; nextLabel += 1
                add(p, relabel[l], d, lc)
                relabel[r] = nextLabel; nextLabel += 1
                add(p, relabel[r], d, rc)
            } else if lc < minClusterSize && rc < minClusterSize {
                fallOut(l, from: p, d)
                fallOut(r, from: p, d)
            } else if lc < minClusterSize {
                relabel[r] = p
                fallOut(l, from: p, d)
            } else {
                relabel[l] = p
                fallOut(r, from: p, d)
            }
        }
        clusterCount = nextLabel - n
    }

    /// Stability of every cluster (index: id - N): Σ over its rows of (λ − λ_birth) · size
    /// (Campello et al. 2013, eq. 3), accumulated in row order as scikit-learn does. O(rows).
    public func stabilities() -> [Double] {
        var birth = [Double](repeating: 0, count: points + clusterCount)
        for i in 0..<rowCount { birth[child[i]] = lambda[i] }
        birth[root] = 0
        var s = [Double](repeating: 0, count: clusterCount)
        for i in 0..<rowCount { s[parent[i] - points] += (lambda[i] - birth[parent[i]]) * Double(childSize[i]) }
        return s
    }
}
