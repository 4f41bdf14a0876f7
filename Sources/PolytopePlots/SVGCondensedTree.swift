extension SVGPlot {
    /// HDBSCAN's condensed tree as a picture: each cluster a bar hanging from the Hamming distance
    /// where it split off (top) down to the distance where its last own code left it; bar widths
    /// share the parent's width in proportion to the clusters' sizes (the gap between siblings is
    /// the codes that fell out as noise on the way). Selected clusters are coloured and labelled,
    /// the rest grey; every bar has a tooltip with its numbers. O(clusters).
    public struct CondensedTree: Sendable {
        public struct Node: Sendable {
            public var id: Int
            public var parent: Int?
            /// nil for the root.
            public var birthDistance: Double?
            public var deathDistance: Double
            public var size: Int
            public var label: Int?
            public init(id: Int, parent: Int?, birthDistance: Double?, deathDistance: Double, size: Int, label: Int?) {
                self.id = id
                self.parent = parent
                self.birthDistance = birthDistance
                self.deathDistance = deathDistance
                self.size = size
                self.label = label
            }
        }

        public var title: String
        public var nodes: [Node]
        public var width: Double
        public var height: Double

        public init(title: String, nodes: [Node], width: Double = 760, height: Double = 300) {
            self.title = title
            self.nodes = nodes
            self.width = width
            self.height = height
        }

        public func document() -> String { SVGPlot.standalone(fragment()) }

        public func fragment() -> String {
            var w = SVGWriter(width: width, height: height, label: title)
            let left = 56.0, right = 12.0, top = 26.0, bottom = 30.0
            let plotW = width - left - right, plotH = height - top - bottom
            w.text(title, left, 16, weight: "600", fill: "#0f172a")
            guard let root = nodes.first(where: { $0.parent == nil }), nodes.count > 1 else {
                w.text("no clusters: every code is noise at this min_cluster_size", left + plotW / 2, top + plotH / 2,
                       anchor: .middle, fill: "#64748b")
                return w.finish()
            }
            let births = nodes.compactMap(\.birthDistance)
            let lo = nodes.map(\.deathDistance).min() ?? 0
            let hi = max(births.max() ?? 1, lo + 1)
            let ticks = AxisTicks(minimum: lo, maximum: hi * 1.08)
            func y(_ d: Double) -> Double { top + plotH * (ticks.upper - d) / max(1e-9, ticks.upper - ticks.lower) }
            for v in ticks.values {
                w.line(left, y(v), left + plotW, y(v), stroke: "#e2e8f0")
                w.text(AxisTicks.label(v, step: ticks.step), left - 6, y(v) + 4, anchor: .end, fill: "#64748b")
            }
            w.text("Hamming distance (bits)", 12, top + plotH / 2, anchor: .middle, fill: "#475569", rotate: -90)
            var children = [Int: [Node]]()
            for n in nodes { if let p = n.parent { children[p, default: []].append(n) } }
            // Horizontal spans, root over the full width; children share the parent's span by size.
            var span = [root.id: (left, left + plotW)]
            var order = [root]
            var i = 0
            while i < order.count {
                let p = order[i]
                i += 1
                guard let kids = children[p.id], let (x0, x1) = span[p.id] else { continue }
                let total = max(1, p.size)
                let used = Double(kids.reduce(0) { $0 + $1.size }) / Double(total)
                var x = x0 + (x1 - x0) * (1 - used) / 2
                for k in kids {
                    let kw = (x1 - x0) * Double(k.size) / Double(total)
                    span[k.id] = (x, x + kw)
                    x += kw
                    order.append(k)
                }
            }
            var colour = 0
            for n in order {
                guard let (x0, x1) = span[n.id] else { continue }
                let yTop = n.birthDistance.map(y) ?? top, yBottom = y(n.deathDistance)
                let barW = max(2, (x1 - x0) * 0.86), bx = (x0 + x1) / 2 - barW / 2
                let fill: String
                if n.label != nil {
                    fill = SVGPlot.palette[colour % SVGPlot.palette.count]
                    colour += 1
                } else {
                    fill = "#cbd5e1"
                }
                let birth = n.birthDistance.map { "born at distance \(Int($0))" } ?? "root"
                let name = n.label.map { "cluster \($0)" } ?? (n.parent == nil ? "all codes" : "condensed cluster \(n.id) (not selected)")
                w.rect(bx, yTop, barW, max(1, yBottom - yTop), fill: fill,
                       title: "\(name): \(n.size) codes, \(birth), last code left at \(Int(n.deathDistance))")
                if let kids = children[n.id], kids.count > 1, let a = span[kids.first!.id], let b = span[kids.last!.id] {
                    w.line((a.0 + a.1) / 2, yBottom, (b.0 + b.1) / 2, yBottom, stroke: "#475569")
                }
                if let l = n.label, barW >= 14 {
                    w.text(String(l), (x0 + x1) / 2, min(yBottom, yTop + 14) , anchor: .middle, size: 10, weight: "600", fill: "#0f172a")
                }
            }
            w.line(left, top + plotH, left + plotW, top + plotH, stroke: "#94a3b8")
            w.text("width: codes in the cluster; coloured: selected clusters (their labels); grey: merged or split further",
                   left, height - 8, fill: "#64748b")
            return w.finish()
        }
    }
}
