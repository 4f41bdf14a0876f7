import Foundation

/// Files SwiftPM built for the tests: the `polytope` executable and the example plugin live in
/// the same build folder as the test bundle, whatever `--scratch-path` was used.
public enum BuildProducts {
    /// The first file named `name` in the test bundle's folder or one of its ancestors
    /// (a regular file; executable when asked), or nil.
    public static func find(_ name: String, executable: Bool = false) -> String? {
        var starts = [Bundle.main.bundlePath]
        if let exe = CommandLine.arguments.first {
            starts.append((URL(fileURLWithPath: exe).standardizedFileURL.path as NSString).deletingLastPathComponent)
        }
        for start in starts {
            var dir = URL(fileURLWithPath: start).standardizedFileURL
            while true {
                let candidate = dir.appendingPathComponent(name).path
                var isDir: ObjCBool = false
                if FileManager.default.fileExists(atPath: candidate, isDirectory: &isDir), !isDir.boolValue,
                   !executable || FileManager.default.isExecutableFile(atPath: candidate) {
                    return candidate
                }
                let up = dir.deletingLastPathComponent()
                if up.path == dir.path { break }
                dir = up
            }
        }
        return nil
    }

    /// The message for a product that was not built.
    public static func missing(_ name: String) -> String {
        "\(name) was not found beside the test bundle: run `swift build` (same --scratch-path) before `swift test`"
    }
}
