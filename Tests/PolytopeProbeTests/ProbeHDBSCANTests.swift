import Foundation
import PolytopeClustering
import PolytopeCodes
import PolytopeIO
import PolytopeProbe
import PolytopeReport
import XCTest

/// `polytope probe --method hdbscan` end to end: labels (-1 noise) equal the library's HDBSCAN on
/// the probe's own codes, noise is its own group, the monosemanticity table compares HDBSCAN with
/// k-medoids on the same tokens, and the report draws the condensed tree.
final class ProbeHDBSCANTests: XCTestCase {
    func testProbeWithHDBSCAN() throws {
        let dir = ProbeFixtures.tempDir("probe-hdbscan")
        let model = try ProbeFixtures.tinyModel(in: dir)
        let corpus = try ProbeFixtures.smallCorpus(in: dir)
        let out = dir.appendingPathComponent("out")
        let (status, err) = try ProbeFixtures.run(["probe", "--model", model, "--corpus", corpus.path, "--layer", "1", "--k", "6",
                                                   "--method", "hdbscan", "--min-cluster-size", "4", "--min-samples", "2",
                                                   "--quiet", "--out", out.path])
        XCTAssertEqual(status, 0, err)
        let data = try JSONDecoder().decode(ProbeReportData.self, from: Data(contentsOf: out.appendingPathComponent("clusters.json")))
        let codes = try CodeFile.read(from: out.appendingPathComponent("codes-layer1.plcodes")).codes
        let labels = try NPYArray.read(from: out.appendingPathComponent("labels-layer1.npy")).int32s().map(Int.init)
        let expected = try HDBSCAN.cluster(codes, options: .init(minClusterSize: 4, minSamples: 2))
        XCTAssertEqual(labels, expected.labels)
        XCTAssertGreaterThan(expected.clusterCount, 1, "the fixture should have structure")
        XCTAssertGreaterThan(expected.noiseCount, 0, "and noise")

        let layer = try XCTUnwrap(data.layers.first)
        XCTAssertEqual(layer.method, "hdbscan")
        XCTAssertEqual(layer.k, expected.clusterCount)
        XCTAssertEqual(layer.noise, expected.noiseCount)
        // Clusters 0..<K, then the noise group (id -1); every token in exactly one group.
        XCTAssertEqual(layer.clusters.map(\.id), Array(0..<expected.clusterCount) + [-1])
        XCTAssertEqual(layer.clusters.map(\.size), expected.clusterSizes + [expected.noiseCount])
        XCTAssertEqual(Set(layer.clusters.last!.memberRows ?? []), Set((0..<labels.count).filter { labels[$0] < 0 }))
        for c in layer.clusters.dropLast() { XCTAssertTrue((c.memberRows ?? []).allSatisfy { labels[$0] == c.id }) }

        // HDBSCAN over its clustered tokens, k-medoids (k = 6) on all, k-medoids on the same clustered tokens.
        XCTAssertEqual(layer.measures.count, 3)
        XCTAssertEqual(layer.measures[0].clusters, expected.clusterCount)
        XCTAssertEqual(layer.measures[0].noiseFraction ?? -1, Double(expected.noiseCount) / Double(labels.count), accuracy: 1e-12)
        XCTAssertEqual(layer.measures[1].noiseFraction, 0)
        XCTAssertEqual(layer.measures[1].clusters, 6)
        XCTAssertEqual(layer.measures[2].clusters, expected.clusterCount)
        let records = try TokenTable.read(out.appendingPathComponent("tokens.bin"))
        let groups = (0..<expected.clusterCount).map { l in (0..<labels.count).filter { labels[$0] == l } }
        let direct = Monosemanticity.measures(method: "", groups: groups, tokenIDs: records.map(\.tokenID),
                                              previousIDs: records.map(\.previousTokenID))
        XCTAssertEqual(layer.measures[0].meanTokenEntropy, direct.meanTokenEntropy, accuracy: 1e-12)

        // The condensed tree: the root holds every token; selected clusters carry the labels.
        let tree = try XCTUnwrap(layer.condensedTree)
        XCTAssertEqual(tree.first?.size, labels.count)
        XCTAssertEqual(tree.compactMap(\.label).sorted(), Array(0..<expected.clusterCount))
        let html = try String(contentsOf: out.appendingPathComponent("report.html"), encoding: .utf8)
        XCTAssertTrue(html.contains("HDBSCAN condensed tree"))
        XCTAssertTrue(html.contains("condensed tree (\(expected.clusterCount) clusters)"))
        XCTAssertTrue(html.contains("Noise (HDBSCAN"))
        XCTAssertTrue(html.contains("left as noise"))
    }
}
