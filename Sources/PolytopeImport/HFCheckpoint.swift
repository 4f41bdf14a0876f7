import Foundation
import PolytopeModel

/// A Hugging Face checkpoint directory: `config.json`, `model.safetensors`, tokenizer files.
struct HFCheckpoint {
    let directory: String
    let config: [String: Any]
    let weights: SafetensorsFile
    let weightsPath: String

    init(directory: String) throws {
        self.directory = directory
        let configPath = (directory as NSString).appendingPathComponent("config.json")
        guard let data = FileManager.default.contents(atPath: configPath) else { throw ImportError.missingFile(configPath) }
        guard let obj = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw ImportError.badConfig(path: configPath, reason: "not a JSON object")
        }
        config = obj
        weightsPath = (directory as NSString).appendingPathComponent("model.safetensors")
        guard FileManager.default.fileExists(atPath: weightsPath) else {
            throw ImportError.missingFile(weightsPath + " (only safetensors checkpoints are supported; convert pytorch_model.bin with safetensors first)")
        }
        do { weights = try SafetensorsFile(path: weightsPath) } catch {
            throw ImportError.badConfig(path: weightsPath, reason: "\(error)")
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

    /// The first of the candidate keys present in the weights (checkpoints differ in prefixes).
    func key(_ candidates: [String]) throws -> String {
        for c in candidates where weights.entries[c] != nil { return c }
        throw ImportError.missingWeight(key: candidates[0], file: weightsPath)
    }
}
