import PolytopeModel

/// Loads the plugins named on the command line and in $POLYTOPE_PLUGIN_PATH.
enum PluginSupport {
    static func load(_ paths: [String], into registry: LayerRegistry) throws {
        if !paths.isEmpty { throw ModelError.badInput("plugin loading is being wired (PluginLoader)") }
    }
}
