import CPolytopePlugin
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The host API table handed to every ABI v2 plugin (`PolytopeHost`): error messages for the
/// current call, log lines, and the versions. Allocated once, never freed.
enum PluginHost {
    /// The version string plugins can query.
    static let versionString = "PolytopeLens (plugin ABI \(POLYTOPE_PLUGIN_ABI_VERSION))"
    /// Bytes of each call's error buffer.
    static let errorCapacity = 1024

    static let table: UnsafeMutablePointer<PolytopeHost> = {
        let t = UnsafeMutablePointer<PolytopeHost>.allocate(capacity: 1)
        t.initialize(to: PolytopeHost(
            struct_size: UInt32(MemoryLayout<PolytopeHost>.size),
            abi_version: UInt32(POLYTOPE_PLUGIN_ABI_VERSION),
            host_version: UnsafePointer(strdup(versionString)),
            error: { err, message in
                guard let err else { return 1 }
                let buffer = UnsafeMutableRawPointer(err).assumingMemoryBound(to: CChar.self)
                if let message {
                    strncpy(buffer, message, PluginHost.errorCapacity - 1)
                    buffer[PluginHost.errorCapacity - 1] = 0
                }
                return 1
            },
            log: { level, message in
                guard let message else { return }
                let verbose = ProcessInfo.processInfo.environment["POLYTOPE_PLUGIN_LOG"] == "1"
                guard level >= Int32(POLYTOPE_LOG_WARNING) || verbose else { return }
                let tag = level >= Int32(POLYTOPE_LOG_WARNING) ? "warning" : "info"
                FileHandle.standardError.write(Data("polytope plugin \(tag): \(String(cString: message))\n".utf8))
            }))
        return t
    }()

    /// Runs `body` with a fresh, zeroed error buffer and returns its result and the message.
    static func withError<R>(_ body: (OpaquePointer) -> R) -> (R, [CChar]) {
        var buffer = [CChar](repeating: 0, count: errorCapacity)
        let r = buffer.withUnsafeMutableBufferPointer { body(OpaquePointer($0.baseAddress!)) }
        return (r, buffer)
    }
}
