import PolytopeModel

/// Loads the plugins named on the command line and in $POLYTOPE_PLUGIN_PATH (environment first).
enum PluginSupport {
    static func load(_ paths: [String], into registry: LayerRegistry) throws {
        _ = try PluginLoader.loadFromEnvironment(into: registry)
        for p in paths { _ = try PluginLoader.load(path: p, into: registry) }
    }
}
