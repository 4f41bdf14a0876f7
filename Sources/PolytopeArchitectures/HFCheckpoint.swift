import Foundation
import PolytopeModel

/// A Hugging Face checkpoint directory: `config.json`, `model.safetensors` (or its shards),
/// tokenizer files.
struct HFCheckpoint {
    let directory: String
    let config: [String: Any]
    let configData: Data
    let weights: CheckpointWeights
    var weightsPath: String { weights.description }

    init(directory: String) throws {
        self.directory = directory
        let configPath = (directory as NSString).appendingPathComponent("config.json")
        guard let data = FileManager.default.contents(atPath: configPath) else { throw ImportError.missingFile(configPath) }
        guard let obj = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw ImportError.badConfig(path: configPath, reason: "not a JSON object")
        }
        config = obj
        configData = data
        weights = try CheckpointWeights(directory: directory)
    }

    /// `config.json` decoded as a family's typed config; a missing or mistyped setting is one
    /// error naming it.
    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        do { return try JSONDecoder().decode(T.self, from: configData) } catch let e as DecodingError {
            let reason: String
            switch e {
            case .keyNotFound(let k, let c): reason = "missing setting \((c.codingPath + [k]).map(\.stringValue).joined(separator: "."))"
            case .typeMismatch(_, let c), .valueNotFound(_, let c):
                reason = "setting \(c.codingPath.map(\.stringValue).joined(separator: ".")) has the wrong type (\(c.debugDescription))"
            case .dataCorrupted(let c): reason = "\(c.debugDescription)"
            @unknown default: reason = "\(e)"
            }
            throw ImportError.badConfig(path: configPath, reason: reason)
        }
    }

    var configPath: String { (directory as NSString).appendingPathComponent("config.json") }

    func file(_ name: String) -> String? {
        let p = (directory as NSString).appendingPathComponent(name)
        return FileManager.default.fileExists(atPath: p) ? p : nil
    }

    func int(_ keys: String..., default def: Int? = nil) throws -> Int {
        for k in keys { if let v = config[k] as? Int { return v } }
        if let def { return def }
        throw ImportError.badConfig(path: configPath, reason: "missing integer setting \(keys.joined(separator: " / "))")
    }

    func double(_ key: String, default def: Double) -> Double { (config[key] as? NSNumber)?.doubleValue ?? def }

    func string(_ key: String, default def: String? = nil) throws -> String {
        if let v = config[key] as? String { return v }
        if let def { return def }
        throw ImportError.badConfig(path: configPath, reason: "missing string setting \(key)")
    }

    /// Whether the weights hold `key`.
    func has(_ key: String) -> Bool { weights.contains(key) }

    /// The first of the candidate keys present in the weights (checkpoints differ in prefixes).
    func key(_ candidates: [String]) throws -> String {
        for c in candidates where weights.contains(c) { return c }
        throw ImportError.missingWeight(key: candidates[0], file: weightsPath)
    }
}
