import ArgumentParser
import Foundation
import PolytopeModel

/// `polytope bench forward`: forward-pass throughput on a batch of random token ids.
struct ForwardBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "forward",
        abstract: "Forward-pass throughput (tokens/s) on a batch of random ids (prints JSON).",
        discussion: """
        Runs the whole model (or up to --hook) on --batch sequences of --seq random ids, --iterations \
        times after one warm-up, on --threads threads, in --precision (fp32, or bf16 where the CPU \
        has AVX512-BF16). The JSON names the CPU and the GEMM kernel that ran. \
        bench/forward_bench.py runs PyTorch on the same checkpoint in the same command and prints the ratio.

        Example:
          polytope bench forward --model models/minilm.pb --batch 16 --seq 128 --threads 2 --precision bf16
        """)

    @OptionGroup var modelOptions: ModelOptions

    @Option(help: "Sequences per batch.")
    var batch = 16

    @Option(help: "Tokens per sequence.")
    var seq = 128

    @Option(help: "Timed iterations.")
    var iterations = 5

    @Option(help: "Threads for the pass (default: all CPUs).")
    var threads = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: "Matrix-product precision: fp32, bf16 or bf16-mixed (MLP input projections in fp32); bf16 needs AVX512-BF16.")
    var precision: Precision = .fp32

    @Option(help: "Stop at this hook (default: the last node).")
    var hook: String?

    @Option(help: "Seed of the random ids.")
    var seed: UInt64 = 0

    @Flag(help: "Also report the time spent per layer kind.")
    var profile = false

    func run() throws {
        let model = try modelOptions.load()
        let vocab = model.vocabularySize ?? 2
        var state = seed &+ 0x9E37_79B9_7F4A_7C15
        let ids: [Int32] = (0..<(batch * seq)).map { _ in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int32(truncatingIfNeeded: (state >> 33) % UInt64(vocab))
        }
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1") }
        if let why = precision.unsupportedReason { throw ValidationError(why) }
        let ctx = ForwardContext(batch: batch, seqLen: seq, tokenIDs: ids)
            .with(threading: Threading(threads: threads), precision: precision)
        let target = hook ?? model.spec.nodes.last!.name
        _ = try model.forward(ctx, capture: [target])
        var times: [Double] = [], cpu: [Double] = []
        let prof = profile ? ForwardProfile() : nil
        func processCPU() -> Double {
            var ts = timespec()
            clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
            return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
        }
        for _ in 0..<iterations {
            let t0 = DispatchTime.now().uptimeNanoseconds, c0 = processCPU()
            _ = try model.forward(ctx, capture: [target], profile: prof)
            times.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9)
            cpu.append(processCPU() - c0)
        }
        let best = times.min() ?? 0
        let median = times.sorted()[times.count / 2]
        var obj: [String: Any] = ForwardRuntime.report
        obj.merge([
            "model": model.spec.name, "batch": batch, "seq": seq, "threads": threads, "hook": target,
            "precision": precision.rawValue, "seconds_best": best, "seconds_median": median,
            "tokens_per_second": Double(batch * seq) / median,
            "cpu_seconds_median": cpu.sorted()[cpu.count / 2],
            "tokens_per_cpu_second": Double(batch * seq) / cpu.sorted()[cpu.count / 2],
        ]) { $1 }
        if let prof { obj["seconds_per_kind"] = prof.seconds.mapValues { $0 / Double(iterations) } }
        let data = try JSONSerialization.data(withJSONObject: obj, options: [.sortedKeys])
        print(String(decoding: data, as: UTF8.self))
    }
}

extension Precision: ExpressibleByArgument {}
