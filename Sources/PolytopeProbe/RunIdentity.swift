import Foundation
import PolytopeIO
import PolytopeModel

/// What a probe's numbers came from beyond its settings: the model file's SHA-256 and, for
/// every plugin library providing a kind the model uses, its path and SHA-256. Recorded in
/// `probe-state.json` (as fingerprint entries, so a resume with another model file or another
/// build of a plugin is refused showing both values) and in `summary.json`.
public struct RunIdentity: Codable, Equatable, Sendable {
    public struct Plugin: Codable, Equatable, Sendable {
        public var path: String
        public var sha256: String
        /// The kinds of the model it provides, as `name@version`.
        public var kinds: [String]
    }

    public var modelSHA256: String
    public var plugins: [Plugin]

    enum CodingKeys: String, CodingKey {
        case modelSHA256 = "model_sha256", plugins
    }

    /// Fingerprint keys (absent in states written before they existed: then not compared).
    public static let modelKey = "model_sha256"
    public static let pluginsKey = "plugins"

    /// Hashes the model file and the plugin libraries behind `model`'s kinds.
    /// - Complexity: reads the model file and each such library once.
    public init(model: Model, modelPath: String) throws {
        modelSHA256 = try SHA256.file(modelPath)
        var byLibrary: [String: [String]] = [:]
        for k in model.kinds where k.provider != "built-in" {
            if !(byLibrary[k.provider]?.contains(k.id) ?? false) { byLibrary[k.provider, default: []].append(k.id) }
        }
        plugins = try byLibrary.keys.sorted().map { Plugin(path: $0, sha256: try SHA256.file($0), kinds: byLibrary[$0]!) }
    }

    /// The entries added to a probe's fingerprint.
    public var fingerprintEntries: [String: String] {
        [Self.modelKey: modelSHA256,
         Self.pluginsKey: plugins.isEmpty ? "none" : plugins.map { "\($0.path) sha256:\($0.sha256)" }.joined(separator: ", ")]
    }
}
