import Foundation
@testable import PolytopeProbe
import PolytopeReport

/// Synthetic probe results for the report tests: two layers, a few clusters, hostile text.
enum ReportSamples {
    static let hostile = "</script><img src=x onerror=alert(1)>\"'&amp;"
    static let hostileSource = "corpora/<evil>\"name'.txt"

    static func occurrence(_ text: String, left: String, right: String, distance: Int?, document: Int = 0,
                           source: String = "corpora/austen/emma.txt", byte: Int = 100) -> TokenOccurrence {
        TokenOccurrence(document: document, source: source, byteStart: byte, byteEnd: byte + text.utf8.count,
                        window: byte / 512, position: byte % 512, tokenID: text.utf8.reduce(0) { ($0 * 31 + Int($1)) % 50_257 },
                        text: text, left: left, right: right, distance: distance)
    }

    static func cluster(id: Int, medoid: TokenOccurrence, members: [TokenOccurrence], size: Int,
                        topTokens: [TokenCount], coherence: Double, histogram: [Int], binWidth: Int = 2) -> ClusterSummary {
        let distances = members.compactMap(\.distance)
        return ClusterSummary(
            id: id, size: size, medoidRow: id * 17, medoid: medoid, members: members,
            meanDistance: distances.isEmpty ? 0 : Double(distances.reduce(0, +)) / Double(distances.count),
            maxDistance: distances.max() ?? 0, topTokens: topTokens, coherence: coherence,
            tokenEntropy: 1 - coherence, previousTokenEntropy: 2 * (1 - coherence) + 0.5,
            distanceHistogram: histogram, histogramBinWidth: binWidth)
    }

    static func measures(_ count: Int) -> [ClusteringMeasures] {
        let names = ["polytope (hamming)", "activations (cosine)", "activations (euclidean)", "neurons (top-activating)"]
        return (0..<count).map { i in
            ClusteringMeasures(method: names[i % names.count], clusters: 8, meanTokenEntropy: 1.2 + 0.4 * Double(i),
                               meanPreviousTokenEntropy: 3.1 - 0.2 * Double(i), singleTokenFraction: 0.5 - 0.1 * Double(i))
        }
    }

    /// Two layers: layer 0 with three clusters (one with hostile text and whitespace tokens),
    /// layer 3 with two clusters; four measures for layer 0, two for layer 3.
    static func small() -> ProbeReportData {
        let longLeft = String(repeating: "she said that ", count: 12) + "the 👨‍👩‍👧 family of"
        let c0 = cluster(
            id: 0,
            medoid: occurrence(" times", left: "It was the best of", right: ", it was the worst of times", distance: 0),
            members: [
                occurrence(" times", left: "It was the best of", right: ", it was the worst of times", distance: 0),
                occurrence(" times", left: "happy\nin former", right: " and\tnow", distance: 3, byte: 900),
                occurrence(" time", left: longLeft, right: String(repeating: " and so on", count: 20), distance: 7, byte: 4000),
            ],
            size: 40, topTokens: [TokenCount(text: " times", count: 30), TokenCount(text: " time", count: 10)],
            coherence: 0.75, histogram: [1, 0, 5, 9, 2])
        let c1 = cluster(
            id: 1,
            medoid: occurrence(hostile, left: "before <b>bold</b> & ", right: hostile, distance: 0, source: hostileSource),
            members: [occurrence("\n", left: "end of line", right: "Next line", distance: 4),
                      occurrence(" ", left: "two  spaces", right: "x", distance: 5)],
            size: 3, topTokens: [TokenCount(text: hostile, count: 1), TokenCount(text: "\n", count: 1), TokenCount(text: " ", count: 1)],
            coherence: 0.34, histogram: [1, 0, 2])
        let manyMembers = (0..<14).map { i in
            occurrence(" Emma", left: "said Mr. Knightley to", right: ", who smiled \(i)", distance: i, byte: 100 * i)
        }
        let c2 = cluster(id: 2, medoid: manyMembers[0], members: manyMembers, size: 120,
                         topTokens: [TokenCount(text: " Emma", count: 120)], coherence: 1, histogram: [4, 10, 30, 50, 20, 6])
        let l0 = LayerClusters(layer: 0, hook: "blocks.0.mlp.hook_pre", bits: 3072, tokens: 163, k: 3, loss: 1234.5,
                               iterations: 4, method: "fasterpam", mode: "matrix", silhouette: 0.21,
                               clusters: [c0, c1, c2], measures: measures(4))
        let d0 = cluster(id: 0, medoid: occurrence(" the", left: "in", right: " house", distance: 0),
                         members: [occurrence(" the", left: "of", right: " garden", distance: 12)], size: 2,
                         topTokens: [TokenCount(text: " the", count: 2)], coherence: 1, histogram: [1, 0, 0, 0, 0, 0, 1])
        let d1 = cluster(id: 1, medoid: occurrence(".", left: "the end", right: " The", distance: 0),
                         members: [], size: 1, topTokens: [TokenCount(text: ".", count: 1)], coherence: 1, histogram: [1])
        let l3 = LayerClusters(layer: 3, hook: "blocks.3.mlp.hook_pre", bits: 3072, tokens: 3, k: 2, loss: 12,
                               iterations: 1, method: "fasterpam", mode: "matrix", silhouette: nil,
                               clusters: [d0, d1], measures: measures(2))
        return ProbeReportData(model: "gpt2-relu <tiny> & \"friends\"", corpus: ["corpora/austen", hostileSource],
                               documents: 6, tokensSeen: 812_345, tokensRecorded: 166, layers: [l0, l3],
                               createdAt: "2026-11-25T15:00:00Z")
    }

    /// A large report: `layers` layers of `clusters` clusters with `members` members each.
    static func large(layers: Int = 2, clusters: Int = 100, members: Int = 20) -> ProbeReportData {
        let words = [" the", " of", " and", " Emma", " Mr", ".", ",", " she", "\n", " said"]
        let built = (0..<layers).map { l in
            let cs = (0..<clusters).map { c in
                let ms = (0..<members).map { m in
                    occurrence(words[(c + m) % words.count], left: "context \(l) \(c) \(m) " + String(repeating: "a b ", count: 30),
                               right: " after \(m) " + String(repeating: "c d ", count: 30), distance: m, byte: 10 * m)
                }
                return cluster(id: c, medoid: ms[0], members: ms, size: members * 3,
                               topTokens: [TokenCount(text: words[c % words.count], count: members)],
                               coherence: Double(c % 10) / 10, histogram: (0..<12).map { ($0 * 7 + c) % 9 })
            }
            return LayerClusters(layer: l, hook: "blocks.\(l).mlp.hook_pre", bits: 3072, tokens: clusters * members * 3,
                                 k: clusters, loss: 1, iterations: 3, method: "fasterpam", mode: "matrix",
                                 silhouette: 0.1, clusters: cs, measures: measures(4))
        }
        return ProbeReportData(model: "large", corpus: ["c"], documents: 1, tokensSeen: 1, tokensRecorded: 1,
                               layers: built, createdAt: "")
    }
}

/// Checks that an HTML/SVG document's elements nest properly: every opened element is closed
/// in order, void elements (`<meta>`, `<col>`, ...) and self-closed ones (`<line/>`) excepted.
/// The bodies of `<script>` and `<style>` are skipped as raw text. Returns the first problem.
enum TagBalance {
    static let voidElements: Set<String> = ["meta", "col", "br", "img", "input", "hr", "link", "wbr", "source"]

    static func problem(in text: String) -> String? {
        let s = Array(text.utf8)
        var stack: [String] = []
        var i = 0
        func lower(_ a: ArraySlice<UInt8>) -> String { String(decoding: a, as: UTF8.self).lowercased() }
        while i < s.count {
            guard s[i] == UInt8(ascii: "<") else { i += 1; continue }
            if s[i...].starts(with: Array("<!--".utf8)) {
                guard let end = find(s, Array("-->".utf8), from: i) else { return "unclosed comment" }
                i = end + 3
                continue
            }
            if s[i...].starts(with: Array("<!".utf8)) || s[i...].starts(with: Array("<?".utf8)) {
                guard let end = s[i...].firstIndex(of: UInt8(ascii: ">")) else { return "unclosed declaration" }
                i = end + 1
                continue
            }
            guard let end = s[i...].firstIndex(of: UInt8(ascii: ">")) else { return "unclosed tag at byte \(i)" }
            let closing = s[i + 1] == UInt8(ascii: "/")
            var j = i + (closing ? 2 : 1)
            let nameStart = j
            while j < end, s[j] != UInt8(ascii: " "), s[j] != UInt8(ascii: "/"), s[j] != UInt8(ascii: "\n") { j += 1 }
            let name = lower(s[nameStart..<j])
            if name.isEmpty { return "empty tag name at byte \(i)" }
            let selfClosed = s[end - 1] == UInt8(ascii: "/")
            if closing {
                guard let top = stack.popLast() else { return "</\(name)> with nothing open" }
                if top != name { return "</\(name)> closes <\(top)>" }
            } else if !selfClosed && !voidElements.contains(name) {
                if name == "script" || name == "style" {
                    guard let close = find(s, Array("</\(name)>".utf8), from: end) else { return "unclosed <\(name)>" }
                    i = close + name.utf8.count + 3
                    continue
                }
                stack.append(name)
            }
            i = end + 1
        }
        return stack.isEmpty ? nil : "unclosed: \(stack.joined(separator: " > "))"
    }

    static func find(_ s: [UInt8], _ needle: [UInt8], from: Int) -> Int? {
        guard needle.count <= s.count else { return nil }
        var i = from
        while i + needle.count <= s.count {
            if s[i] == needle[0], s[i..<(i + needle.count)].elementsEqual(needle) { return i }
            i += 1
        }
        return nil
    }
}

extension String {
    /// Number of non-overlapping occurrences of `needle`.
    func occurrences(of needle: String) -> Int {
        components(separatedBy: needle).count - 1
    }

    /// The values of every `name="..."` attribute, in order.
    func attributeValues(_ name: String) -> [String] {
        var out: [String] = []
        let marker = " \(name)=\""
        var rest = self[...]
        while let r = rest.range(of: marker) {
            let after = rest[r.upperBound...]
            guard let q = after.firstIndex(of: "\"") else { break }
            out.append(String(after[..<q]))
            rest = after[after.index(after: q)...]
        }
        return out
    }

    /// The text between the first `start` at or after the first `anchor`, and the next `end`.
    func slice(after anchor: String, from start: String, to end: String) -> String? {
        guard let a = range(of: anchor), let s = self[a.lowerBound...].range(of: start),
              let e = self[s.upperBound...].range(of: end) else { return nil }
        return String(self[s.upperBound..<e.lowerBound])
    }
}
