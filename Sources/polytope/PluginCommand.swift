import ArgumentParser
import Foundation
import PolytopeBuiltins
import PolytopeModel

struct PluginCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plugin",
        abstract: "Work with runtime layer-kind plugins.",
        discussion: """
        Example:
          polytope plugin check .build/debug/libPolytopeHardTanh.so
        """,
        subcommands: [PluginCheckCommand.self])
}

struct PluginCheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check every kind of a plugin library: finite, deterministic, thread-safe, knots where the slope changes, schema refusals.",
        discussion: """
        Loads the library (a malformed table is refused as by every command), then for each kind \
        builds nodes from its schema at several widths and row counts with seeded random inputs \
        and checks: outputs finite; two runs bit-identical; forwards from several threads at once \
        equal to serial ones; for activations, a slope change at every declared knot and nowhere \
        else; and that nodes breaking the schema are refused. One line per kind (ok / FAIL); \
        exits 1 when any kind fails.

        Example:
          polytope plugin check .build/debug/libPolytopeHardTanh.so
          polytope plugin check --threads 8 ./libmy_kinds.so
        """)

    @Argument(help: ArgumentHelp("The plugin library.", valueName: "LIB.so"))
    var library: String

    @Option(help: "Threads for the concurrent-forward check.")
    var threads = 4

    @Option(help: "Seed of the random inputs and parameters.")
    var seed: UInt64 = 1

    func validate() throws {
        guard threads >= 2 else { throw ValidationError("--threads must be at least 2") }
    }

    func run() throws {
        var options = PluginCheck.Options()
        options.threads = threads
        options.seed = seed
        let reports = try PluginCheck.run(path: library, registry: LayerRegistry.builtins(), options: options)
        for r in reports { print(r) }
        if reports.isEmpty { print("the library provides no kinds") }
        let failed = reports.filter { !$0.ok }.count
        if failed > 0 {
            FileHandle.standardError.write(Data("Error: \(failed) of \(reports.count) kinds of \(library) failed the check\n".utf8))
            throw ExitCode(1)
        }
    }
}
