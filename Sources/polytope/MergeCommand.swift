import ArgumentParser
import Foundation
import PolytopeProbe

/// `polytope merge`: joins probe shards into one probe directory.
struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Join the shards of a probe (polytope probe --shard I/N) into one probe directory.",
        discussion: """
        Checks that every shard 0..N-1 is there once, complete, and made with the same model, \
        corpus and settings, then writes DIR/codes-layerL.plcodes, DIR/tokens.bin (and \
        activations with --baselines) and DIR/probe-state.json: byte for byte what a single \
        `polytope probe` of the same settings writes (the state's seconds_collecting is the \
        shards' sum). Refuses with one line listing missing, incomplete or mismatched shards. \
        Then `polytope probe` with the same settings and --out DIR clusters and reports (the \
        collection is found complete), or cluster --sample / assign work at scale.

        Example:
          polytope merge out/shards/0 out/shards/1 out/shards/2 --out out/probe
          polytope merge out/shards/* --out out/probe
        """)

    @Argument(help: ArgumentHelp("Shard directories (each written by polytope probe --shard).", valueName: "SHARD_DIR"))
    var shards: [String]

    @Option(help: ArgumentHelp("Output probe directory (created; must not be a shard directory).", valueName: "DIR"))
    var out: String

    @Flag(help: "No status line.")
    var quiet = false

    func run() throws {
        let started = Date()
        let result = try ShardMerge.merge(shards.map { URL(fileURLWithPath: $0) }, into: URL(fileURLWithPath: out))
        if !quiet {
            print(String(format: "merged %d shards: %d tokens recorded of %d seen, %d windows, layers %@ -> %@ (%.2f s)",
                         result.shards, result.rows, result.tokensSeen, result.windows,
                         result.layers.map(String.init).joined(separator: ","), out, Date().timeIntervalSince(started)))
        }
    }
}
