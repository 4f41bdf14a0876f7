import ArgumentParser
import Foundation
import PolytopeTokenizers

/// `polytope bench-tokenizer`: single-thread encoding speed, as JSON (bench/tokenizer_bench.py
/// runs it beside tiktoken and Hugging Face tokenizers).
struct BenchTokenizerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-tokenizer",
        abstract: "Measure tokenizer encoding speed in MB/s on one thread (prints JSON).",
        discussion: """
        Encodes each INPUT_FILE whole (no [CLS]/[SEP]), --repeat times, on one thread. "cold_mb_per_s" is the first \
        pass of a freshly loaded tokenizer (empty merge cache), "mb_per_s" the best pass. MB = 10^6 bytes. \
        Build in release mode for meaningful numbers: swift build -c release.

        Example:
          polytope bench-tokenizer --tokenizer gpt2.tiktoken --repeat 5 corpora/austen/*.txt
        """)

    @Option(name: .long, parsing: .upToNextOption,
            help: ArgumentHelp("Tokenizer file(s): vocab.json merges.txt | tokenizer.json | NAME.tiktoken | vocab.txt.",
                               valueName: "FILE"))
    var tokenizer: [String] = []

    @Option(name: .long, help: "Passes over the input; the best is reported.")
    var `repeat`: Int = 5

    @Argument(help: ArgumentHelp("Text files to encode.", valueName: "INPUT_FILE"))
    var inputFiles: [String] = []

    mutating func validate() throws {
        guard (1...2).contains(tokenizer.count) else { throw ValidationError("give --tokenizer with one or two files") }
        guard !inputFiles.isEmpty else { throw ValidationError("give at least one INPUT_FILE") }
        guard self.repeat >= 1 else { throw ValidationError("--repeat must be at least 1") }
    }

    func run() throws {
        let inputs = try inputFiles.map { [UInt8](try Data(contentsOf: URL(fileURLWithPath: $0))) }
        let bytes = inputs.reduce(0) { $0 + $1.count }
        let loadStart = DispatchTime.now()
        let tok = try TokenizerFiles.load(paths: tokenizer)
        let loadSeconds = seconds(since: loadStart)
        var best = Double.infinity
        var cold = 0.0
        var tokens = 0
        for pass in 0..<self.repeat {
            let start = DispatchTime.now()
            var count = 0
            for input in inputs { count += try tok.encode(input, options: EncodeOptions(addSpecialTokens: false)).count }
            let s = seconds(since: start)
            if pass == 0 { cold = s }
            best = min(best, s)
            tokens = count
        }
        let report: [String: Any] = [
            "tokenizer": tokenizer.map { ($0 as NSString).lastPathComponent }.joined(separator: "+"),
            "bytes": bytes, "tokens": tokens, "load_seconds": loadSeconds,
            "seconds": best, "mb_per_s": Double(bytes) / best / 1e6,
            "cold_seconds": cold, "cold_mb_per_s": Double(bytes) / cold / 1e6,
        ]
        let data = try JSONSerialization.data(withJSONObject: report, options: [.sortedKeys])
        FileHandle.standardOutput.write(data + Data("\n".utf8))
    }

    private func seconds(since start: DispatchTime) -> Double {
        Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
    }
}
