import Foundation

/// Where the embedded defaults live: `models/` and `corpora/` of the PolytopeLens checkout,
/// found from the working directory or from the executable's location (`.build/<config>/polytope`).
public enum DefaultPaths {
    public static let defaultModelName = "gpt2-relu.pb"

    /// The checkout's root: the first ancestor of the working directory or of the executable
    /// that holds `proto/polytope.proto`.
    public static func repositoryRoot() -> URL? {
        var starts = [URL(fileURLWithPath: FileManager.default.currentDirectoryPath)]
        let exe = URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath()
        starts.append(exe.deletingLastPathComponent())
        if let p = Bundle.main.executableURL { starts.append(p.deletingLastPathComponent()) }
        for start in starts {
            var dir = start.standardizedFileURL
            for _ in 0..<8 {
                if FileManager.default.fileExists(atPath: dir.appendingPathComponent("proto/polytope.proto").path) { return dir }
                let up = dir.deletingLastPathComponent()
                if up.path == dir.path { break }
                dir = up
            }
        }
        return nil
    }

    /// `$POLYTOPE_MODEL`, else `models/gpt2-relu.pb` of the checkout.
    public static func defaultModel() -> String? {
        if let env = ProcessInfo.processInfo.environment["POLYTOPE_MODEL"], !env.isEmpty { return env }
        return repositoryRoot()?.appendingPathComponent("models/\(defaultModelName)").path
    }

    /// `corpora/` of the checkout.
    public static func defaultCorpus() -> String? {
        repositoryRoot()?.appendingPathComponent("corpora").path
    }
}
