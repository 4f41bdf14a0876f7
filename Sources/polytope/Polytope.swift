import ArgumentParser
import Foundation

@main
struct Polytope: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "polytope",
        abstract: "Look at transformer MLP layers through the polytope lens.",
        discussion: """
        Every command that loads a model takes --model MODEL.pb (default: models/gpt2-relu.pb) and \
        --plugin PATH.so (repeatable; may also come before the command name).
        """,
        subcommands: [
            ProbeCommand.self, MergeCommand.self, AssignCommand.self, ImportCommand.self, RunCommand.self, InspectCommand.self, ClusterCommand.self, BenchCommand.self,
            TokenizeCommand.self, BenchTokenizerCommand.self, PathsCommand.self, ScaleCommand.self, StatsCommand.self, LinearizeCommand.self,
            PluginCommand.self, ModelCommand.self,
        ])

    /// `polytope --plugin A.so run ...` is accepted as `polytope run --plugin A.so ...`.
    static func main() {
        var args = Array(CommandLine.arguments.dropFirst())
        var moved: [String] = []
        while args.count >= 2, args[0] == "--plugin" {
            moved += [args[0], args[1]]
            args.removeFirst(2)
        }
        if !moved.isEmpty, !args.isEmpty { args.insert(contentsOf: moved, at: 1) }
        do {
            var command = try parseAsRoot(args)
            try command.run()
        } catch {
            exitWithOneLine(error, args: args)
        }
    }

    /// Help and version go through ArgumentParser; every failure is one line on stderr,
    /// `Error: <what and where>`, with a pointer to `--help` for command-line mistakes, and
    /// ArgumentParser's exit status (64 for usage errors, 1 otherwise).
    static func exitWithOneLine(_ error: Error, args: [String]) -> Never {
        let code = exitCode(for: error)
        if code == .success { exit(withError: error) }
        var text = message(for: error).split(whereSeparator: \.isNewline).joined(separator: " ")
        guard !text.isEmpty else { Foundation.exit(code.rawValue) }  // `throw ExitCode(n)`: no message
        if code == .validationFailure {
            var command = "polytope"
            if let a = args.first, configuration.subcommands.contains(where: { $0._commandName == a }) { command += " " + a }
            text += " (see '\(command) --help')"
        }
        FileHandle.standardError.write(Data("Error: \(text)\n".utf8))
        Foundation.exit(code.rawValue)
    }
}
