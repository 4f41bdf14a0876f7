import Foundation
import PolytopeModel

/// The safetensors weights of a checkpoint directory: one `model.safetensors`, or the shards
/// named by `model.safetensors.index.json` (`weight_map`: tensor name -> shard file). Every
/// shard is mapped once; a tensor is looked up by name in whichever shard holds it.
struct CheckpointWeights {
    let files: [SafetensorsFile]
    /// Tensor name -> (index into `files`, entry).
    let entries: [String: (file: Int, entry: SafetensorsFile.Entry)]
    /// What error messages call the weights (the single file or the index).
    let description: String

    var metadata: [String: String] { files.first?.metadata ?? [:] }

    func contains(_ key: String) -> Bool { entries[key] != nil }

    init(directory: String) throws {
        let single = (directory as NSString).appendingPathComponent("model.safetensors")
        let index = single + ".index.json"
        if FileManager.default.fileExists(atPath: single) {
            let f = try CheckpointWeights.open(single)
            files = [f]
            entries = f.entries.mapValues { (0, $0) }
            description = single
            return
        }
        guard let data = FileManager.default.contents(atPath: index) else {
            throw ImportError.missingFile(single + " (or model.safetensors.index.json; only safetensors checkpoints are supported: convert pytorch_model.bin with safetensors first)")
        }
        guard let obj = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any],
              let map = obj["weight_map"] as? [String: String] else {
            throw ImportError.badConfig(path: index, reason: "no \"weight_map\" object of tensor name -> file")
        }
        var opened: [String: Int] = [:], files: [SafetensorsFile] = []
        var entries: [String: (file: Int, entry: SafetensorsFile.Entry)] = [:]
        for (key, shard) in map.sorted(by: { $0.key < $1.key }) {
            guard !shard.contains("/"), !shard.hasPrefix(".") else {
                throw ImportError.badConfig(path: index, reason: "shard '\(shard)' of '\(key)' is not a file name in the checkpoint directory")
            }
            let i: Int
            if let j = opened[shard] { i = j } else {
                files.append(try CheckpointWeights.open((directory as NSString).appendingPathComponent(shard)))
                i = files.count - 1
                opened[shard] = i
            }
            guard let e = files[i].entries[key] else { throw ImportError.missingWeight(key: key, file: files[i].path) }
            entries[key] = (i, e)
        }
        self.files = files
        self.entries = entries
        description = index
    }

    private static func open(_ path: String) throws -> SafetensorsFile {
        guard FileManager.default.fileExists(atPath: path) else { throw ImportError.missingFile(path) }
        do { return try SafetensorsFile(path: path) } catch { throw ImportError.badConfig(path: path, reason: "\(error)") }
    }

    func bytes(_ key: String) -> UnsafeRawBufferPointer? {
        guard let (f, e) = entries[key] else { return nil }
        return files[f].bytes(e)
    }
}
