import Foundation
import PolytopeModel

/// Loads model files for the tools: reads, gives files written before anatomies existed the
/// anatomy inferred for them (`AnatomyInference`), validates and builds.
public enum ModelLoader {
    public static func load(path: String, registry: LayerRegistry) throws -> Model {
        var spec = try ModelFile.read(path: path)
        if spec.anatomy == nil { spec.anatomy = try AnatomyInference.infer(spec, path: path) }
        let dir = (path as NSString).deletingLastPathComponent
        return try Model(spec: spec, baseDirectory: dir.isEmpty ? "." : dir, registry: registry)
    }
}
