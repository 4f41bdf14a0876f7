import ArgumentParser
import Foundation
import PolytopeCodes
import PolytopeIO
import PolytopeProbe

/// `polytope assign`: one shard of a code file labelled with its nearest medoids, or the shards joined.
struct AssignCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "assign",
        abstract: "Label a shard of a code file with the nearest of the medoids from polytope cluster --sample, or join the shards' labels.",
        discussion: """
        Shard I of N takes rows [I·R/N, (I+1)·R/N) of the R codes and writes \
        OUT/assign-I-of-N.npy (int32 [rows, 2]: medoid index, Hamming distance; ties go to the \
        lower medoid index) and OUT/assign-I-of-N.json. With --join, checks that OUT holds every \
        shard once for these medoids, and writes the labels of all codes (int32 .npy) and prints \
        the loss: the labels and loss of polytope cluster --method clara --samples 1 \
        --sample-size M for the same seed. The probe's report takes them with \
        `polytope probe ... --assignments DIR` (DIR/medoids-layerL.json, DIR/layerL/).

        Examples:
          polytope assign out/probe/codes-layer1.plcodes --medoids out/c/medoids-layer1.json --shard 3/8 --out out/c/layer1
          polytope assign --join out/c/layer1 --medoids out/c/medoids-layer1.json --labels labels-layer1.npy
        """)

    @Argument(help: "The code file the medoids were drawn from (not needed with --join).")
    var codes: String?

    @Option(help: ArgumentHelp("Medoids file written by polytope cluster --sample.", valueName: "FILE"))
    var medoids: String

    @Option(help: ArgumentHelp("Shard I of N (0-based), /N (I from $SLURM_ARRAY_TASK_ID or $JOB_COMPLETION_INDEX) or auto.", valueName: "I/N"))
    var shard: String?

    @Option(help: ArgumentHelp("Folder for the shard's assignment files (created).", valueName: "DIR"))
    var out: String?

    @Option(help: ArgumentHelp("Join the assignment shards in DIR instead of assigning.", valueName: "DIR"))
    var join: String?

    @Option(help: ArgumentHelp("With --join: write all labels here as int32 .npy.", valueName: "PATH"))
    var labels: String?

    @Option(help: "Threads for distance computation (default: all CPUs).")
    var threads: Int = cpuCount

    func validate() throws {
        if join != nil {
            guard codes == nil, shard == nil, out == nil else { throw ValidationError("--join takes only --medoids and --labels") }
        } else {
            guard codes != nil, shard != nil, out != nil else { throw ValidationError("assign needs CODES, --shard I/N and --out DIR (or --join DIR)") }
            guard labels == nil else { throw ValidationError("--labels goes with --join") }
        }
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1") }
    }

    func run() throws {
        let set = try MedoidSet.read(URL(fileURLWithPath: medoids))
        if let join {
            let result = try ScaleClustering.join(dir: URL(fileURLWithPath: join), medoids: set)
            if let labels {
                try NPYArray(int32: result.labels.map { Int32($0) }, shape: [result.labels.count]).write(to: URL(fileURLWithPath: labels))
            }
            print("joined \(result.labels.count) labels, k = \(set.k), loss \(result.loss)")
            return
        }
        let dir = URL(fileURLWithPath: out!)
        do { try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true) } catch {
            throw ValidationError("cannot create \(dir.path): \((error as NSError).localizedDescription)")
        }
        let part = try ScaleClustering.assign(codes: URL(fileURLWithPath: codes!), medoids: set, shard: try ProbeShard.parse(shard!),
                                              threads: threads, into: dir)
        print("assigned rows \(part.firstRow)..<\(part.endRow) of \(part.rows) to \(set.k) medoids, loss \(part.loss)")
    }
}
