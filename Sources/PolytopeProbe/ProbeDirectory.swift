import Foundation
import PolytopeCodes
import PolytopeReport

/// A probe's output directory: every file name, and typed readers of what is in it. The only
/// place that knows the layout; `Probe.run` writes it, geometry and `stats` read it.
///
///     probe-state.json        ProbeState: settings fingerprint, committed rows (resumption)
///     codes-layerL.plcodes    the codes, appended batch by batch (docs/code-format.md)
///     activations-layerL.f32  float32 activation rows (only with baselines)
///     tokens.bin              one TokenRecord per recorded row
///     codes-layerL.npy        the codes as packed uint8 rows (NumPy)
///     labels-layerL.npy       each row's cluster (int32)
///     clusters.json           ProbeReportData: clusters, members, measures
///     summary.json            ProbeSummary: what ran, on what, how long
///     report.html             the self-contained report
public struct ProbeDirectory: Sendable {
    public let url: URL

    public init(_ url: URL) { self.url = url }
    public init(path: String) { self.url = URL(fileURLWithPath: path) }

    public var path: String { url.path }
    public static let stateFileName = "probe-state.json"
    public var stateURL: URL { url.appendingPathComponent(Self.stateFileName) }
    public var tokensURL: URL { url.appendingPathComponent("tokens.bin") }
    public var clustersURL: URL { url.appendingPathComponent("clusters.json") }
    public var summaryURL: URL { url.appendingPathComponent("summary.json") }
    public var reportURL: URL { url.appendingPathComponent("report.html") }
    public func codesURL(layer: Int) -> URL { url.appendingPathComponent("codes-layer\(layer).plcodes") }
    public func codesNPYURL(layer: Int) -> URL { url.appendingPathComponent("codes-layer\(layer).npy") }
    public func labelsURL(layer: Int) -> URL { url.appendingPathComponent("labels-layer\(layer).npy") }
    public func activationsURL(layer: Int) -> URL { url.appendingPathComponent("activations-layer\(layer).f32") }

    /// The committed state, or nil when no probe has started here.
    public func state() throws -> ProbeState? {
        guard FileManager.default.fileExists(atPath: stateURL.path) else { return nil }
        do { return try JSONDecoder().decode(ProbeState.self, from: Data(contentsOf: stateURL)) } catch {
            throw ProbeError.corruptState("\(stateURL.path) is unreadable (\(error))")
        }
    }

    /// summary.json of a finished probe.
    public func summary() throws -> ProbeSummary {
        try decode(ProbeSummary.self, at: summaryURL, what: "summary.json (is it the output of a finished `polytope probe`?)")
    }

    /// clusters.json of a finished probe.
    public func clusters() throws -> ProbeReportData {
        try decode(ProbeReportData.self, at: clustersURL, what: "clusters.json (is it the output of a finished `polytope probe`?)")
    }

    /// Every recorded token, in row order.
    public func records() throws -> [TokenRecord] {
        guard FileManager.default.fileExists(atPath: tokensURL.path) else {
            throw ProbeError.notAProbe(path: path, missing: "tokens.bin (is it a `polytope probe` output directory?)")
        }
        return try TokenTable.read(tokensURL)
    }

    /// The committed codes of a layer.
    public func codes(layer: Int) throws -> CodeMatrix {
        guard FileManager.default.fileExists(atPath: codesURL(layer: layer).path) else {
            throw ProbeError.notAProbe(path: path, missing: "codes-layer\(layer).plcodes (no codes of layer \(layer) were recorded here)")
        }
        return try CodeFile.read(from: codesURL(layer: layer)).codes
    }

    private func decode<T: Decodable>(_ type: T.Type, at file: URL, what: String) throws -> T {
        guard let data = FileManager.default.contents(atPath: file.path) else {
            throw ProbeError.notAProbe(path: path, missing: what)
        }
        do { return try JSONDecoder().decode(T.self, from: data) } catch {
            throw ProbeError.corruptState("\(file.path) is unreadable (\(error))")
        }
    }
}
