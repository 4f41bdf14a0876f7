/// One cluster of the condensed tree, in Hamming distances, for plotting and reports.
public struct HDBSCANClusterNode: Codable, Sendable, Equatable {
    /// 0 is the root; children have larger ids than their parents.
    public var id: Int
    public var parent: Int?
    /// Distance at which the cluster separated from its parent (nil for the root: infinity).
    public var birthDistance: Int?
    /// Smallest distance at which any of its own points was still in it (its densest level).
    public var deathDistance: Int
    /// Codes in the cluster when it was born.
    public var size: Int
    /// nil when infinite (identical codes).
    public var stability: Double?
    /// The flat label when the cluster was selected.
    public var label: Int?

    public init(id: Int, parent: Int?, birthDistance: Int?, deathDistance: Int, size: Int, stability: Double?, label: Int?) {
        self.id = id
        self.parent = parent
        self.birthDistance = birthDistance
        self.deathDistance = deathDistance
        self.size = size
        self.stability = stability
        self.label = label
    }

    enum CodingKeys: String, CodingKey {
        case id, parent, size, stability, label
        case birthDistance = "birth_distance", deathDistance = "death_distance"
    }
}

extension HDBSCANResult {
    /// The condensed tree's clusters (root first, then in id order). O(rows).
    public func clusterTree() -> [HDBSCANClusterNode] {
        let t = tree, n = t.points
        guard t.clusterCount > 0, n > 1 else { return [] }
        var nodes = (0..<t.clusterCount).map {
            HDBSCANClusterNode(id: $0, parent: nil, birthDistance: nil, deathDistance: Int.max, size: $0 == 0 ? n : 0,
                               stability: nil, label: nil)
        }
        for i in 0..<t.rowCount {
            let p = t.parent[i] - n
            nodes[p].deathDistance = min(nodes[p].deathDistance, Int(t.distance[i]))
            if t.childSize[i] > 1 {
                let c = t.child[i] - n
                nodes[c].parent = p
                nodes[c].birthDistance = Int(t.distance[i])
                nodes[c].size = t.childSize[i]
            }
        }
        for c in nodes.indices {
            if nodes[c].deathDistance == Int.max { nodes[c].deathDistance = nodes[c].birthDistance ?? 0 }
            if c < stabilities.count, stabilities[c].isFinite { nodes[c].stability = stabilities[c] }
        }
        for (l, id) in selectedClusters.enumerated() { nodes[id - n].label = l }
        return nodes
    }
}
