import CPolytopePlugin
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What a loaded runtime plugin provides.
public struct PluginInfo: Sendable, Equatable, CustomStringConvertible {
    /// The library's absolute path, symlinks resolved: the `provider` of its kinds.
    public let path: String
    /// The table's `plugin_name` (the file name when the plugin gives none).
    public let name: String
    public let abiVersion: UInt32
    /// Its kinds as `name@version`, in table order.
    public let kinds: [String]

    public init(path: String, name: String, abiVersion: UInt32, kinds: [String]) {
        self.path = path
        self.name = name
        self.abiVersion = abiVersion
        self.kinds = kinds
    }

    public var description: String {
        "\(name) (\(path), ABI \(abiVersion)): \(kinds.isEmpty ? "no kinds" : kinds.joined(separator: ", "))"
    }
}

/// Loads runtime layer-kind plugins: shared libraries that export
/// `polytope_plugin_entry` (`POLYTOPE_PLUGIN_ENTRY_SYMBOL`) returning a `PolytopePluginTable`
/// (the C ABI in `Sources/CPolytopePlugin/include/polytope_plugin.h`, see `docs/plugins.md`).
///
/// The table is checked completely before any kind is registered, so a refused plugin leaves
/// the registry as it was. Libraries stay loaded for the life of the process (never
/// `dlclose`d): built layers hold the plugin's function pointers and state.
public enum PluginLoader {
    /// The environment variable `loadFromEnvironment` reads: a colon-separated list of libraries.
    public static let environmentVariable = "POLYTOPE_PLUGIN_PATH"
    /// The ABI version this build speaks (`POLYTOPE_PLUGIN_ABI_VERSION`).
    public static let abiVersion = UInt32(POLYTOPE_PLUGIN_ABI_VERSION)
    /// The ABI versions this build loads: version 1 libraries keep loading.
    public static let supportedABIVersions: [UInt32] = [1, 2]
    /// Larger kind counts and knot counts are taken as a corrupt table.
    public static let maxKinds = 4096
    public static let maxKnots = 4096

    /// Opens the library at `path` (`dlopen`, `RTLD_NOW | RTLD_LOCAL`), checks its table and
    /// registers every kind it provides, with the library's path as provider.
    ///
    /// Loading the same file again into the same registry registers nothing new and returns
    /// its info; a kind (name and version) that a different provider already registered
    /// (a built-in or another plugin) is refused, naming both.
    ///
    /// - Throws: `ModelError.plugin(path:reason:)` with a one-line reason.
    @discardableResult
    public static func load(path: String, into registry: LayerRegistry) throws -> PluginInfo {
        let resolved = try resolve(path)
        let (version, tablePointer) = try openTable(resolved)
        let pluginName: String
        let kinds: [LayerKind]
        if version == 1 {
            guard PluginMemory.readable(tablePointer, MemoryLayout<PolytopePluginTableV1>.size) else {
                throw ModelError.plugin(path: resolved, reason: "its plugin table lies in unreadable memory")
            }
            let table = tablePointer.assumingMemoryBound(to: PolytopePluginTableV1.self).pointee
            pluginName = PluginMemory.string(table.plugin_name).flatMap { $0.isEmpty ? nil : $0 } ?? (resolved as NSString).lastPathComponent
            kinds = try PluginTableCheck.kinds(of: table, path: resolved)
                .map { PluginKindAdapter.layerKind($0, provider: resolved, pluginName: pluginName) }
        } else {
            let checked = try PluginTableCheckV2.table(tablePointer, path: resolved)
            pluginName = checked.name ?? (resolved as NSString).lastPathComponent
            kinds = checked.kinds.map { PluginKindAdapterV2.layerKind($0, provider: resolved, pluginName: pluginName) }
        }

        var fresh: [LayerKind] = []
        for layerKind in kinds {
            let k = layerKind
            if let old = registry.kind(k.name, version: k.version) {
                if old.provider == resolved { continue }  // this very library, loaded before
                throw ModelError.plugin(path: resolved, reason:
                    "kind '\(k.name)' version \(k.version) is already provided by \(old.provider); refusing to load it a second time from this library")
            }
            fresh.append(layerKind)
        }
        for k in fresh { try registry.register(k) }
        let info = PluginInfo(path: resolved, name: pluginName, abiVersion: version,
                              kinds: kinds.map(\.id))
        LoadedPlugins.shared.record(info)
        return info
    }

    /// Loads every library named in `POLYTOPE_PLUGIN_PATH` (colon-separated; empty entries
    /// are ignored), in order. Stops at the first refused library.
    @discardableResult
    public static func loadFromEnvironment(into registry: LayerRegistry,
                                           environment: [String: String] = ProcessInfo.processInfo.environment) throws -> [PluginInfo] {
        guard let list = environment[environmentVariable] else { return [] }
        return try list.split(separator: ":", omittingEmptySubsequences: true)
            .map { try load(path: String($0), into: registry) }
    }

    /// Every plugin loaded so far in this process (into any registry), in load order.
    public static var loaded: [PluginInfo] { LoadedPlugins.shared.all }

    /// The absolute path of an existing regular file, symlinks resolved.
    private static func resolve(_ path: String) throws -> String {
        guard !path.isEmpty else { throw ModelError.plugin(path: "\"\"", reason: "empty library path") }
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
            throw ModelError.plugin(path: path, reason: "no such file")
        }
        guard !isDir.boolValue else { throw ModelError.plugin(path: path, reason: "is a directory, not a shared library") }
        guard let r = realpath(path, nil) else {
            throw ModelError.plugin(path: path, reason: "cannot resolve path: \(String(cString: strerror(errno)))")
        }
        defer { free(r) }
        return String(cString: r)
    }

    /// dlopen + dlsym + entry call (with the host table) + ABI version check; nothing else in
    /// the table is read.
    private static func openTable(_ path: String) throws -> (UInt32, UnsafeRawPointer) {
        _ = dlerror()  // clear any stale error
        guard let handle = dlopen(path, RTLD_NOW | RTLD_LOCAL) else {
            throw ModelError.plugin(path: path, reason: "cannot be loaded as a shared library: \(lastDLError())")
        }
        // The handle is deliberately never closed (see the type's documentation).
        _ = dlerror()
        guard let symbol = dlsym(handle, POLYTOPE_PLUGIN_ENTRY_SYMBOL) else {
            throw ModelError.plugin(path: path, reason:
                "has no entry symbol '\(POLYTOPE_PLUGIN_ENTRY_SYMBOL)' (not a PolytopeLens plugin, or the function is not exported with C linkage: use POLYTOPE_PLUGIN_ENTRY)")
        }
        // Version 1 entries take no argument; passing one is harmless in the C calling convention.
        let entry = unsafeBitCast(symbol, to: PolytopePluginEntryFn.self)
        guard let tablePointer = entry(PluginHost.table) else {
            throw ModelError.plugin(path: path, reason: "\(POLYTOPE_PLUGIN_ENTRY_SYMBOL)() returned NULL instead of a plugin table")
        }
        guard PluginMemory.readable(tablePointer, 4) else {
            throw ModelError.plugin(path: path, reason: "\(POLYTOPE_PLUGIN_ENTRY_SYMBOL)() returned a pointer to unreadable memory")
        }
        // Only abi_version may be read before it is known to match: later fields may differ.
        let version = UnsafeRawPointer(tablePointer).load(as: UInt32.self)
        guard supportedABIVersions.contains(version) else {
            throw ModelError.plugin(path: path, reason:
                "was built for plugin ABI version \(version); this build of PolytopeLens supports ABI versions \(supportedABIVersions.map(String.init).joined(separator: " and ")) (rebuild the plugin against this polytope_plugin.h)")
        }
        return (version, UnsafeRawPointer(tablePointer))
    }

    private static func lastDLError() -> String {
        guard let e = dlerror() else { return "unknown dlopen error" }
        return String(cString: e)
    }
}

/// Process-wide list of loaded plugins (for `inspect`-style listings).
private final class LoadedPlugins: @unchecked Sendable {
    static let shared = LoadedPlugins()
    private var infos: [PluginInfo] = []
    private let lock = NSLock()

    func record(_ info: PluginInfo) {
        lock.lock()
        defer { lock.unlock() }
        if !infos.contains(info) { infos.append(info) }
    }

    var all: [PluginInfo] {
        lock.lock()
        defer { lock.unlock() }
        return infos
    }
}
