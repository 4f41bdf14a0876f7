import Foundation
import PolytopeModel

/// Everything that decides which codes a probe records. Two runs with equal fingerprints
/// record identical codes, so one may continue the other.
public struct ProbeConfig: Sendable {
    public var modelPath: String
    public var corpusPaths: [String]
    public var corpusOptions = Corpus.Options()
    /// MLP layers whose codes are recorded (`blocks.L.mlp.hook_pre`).
    public var layers: [Int] = []
    /// Window length in tokens (markers included); nil = the model's context length.
    public var contextLength: Int?
    public var stride: Int?
    public var sampling: TokenSampling = .evenlySpaced(perWindow: 4, skip: 8)
    /// Windows per forward batch (fixed batches make resumed runs bit-identical).
    public var batchWindows = 8
    /// Parallel batches (each single-threaded BLAS); default: the number of cores.
    public var threads = ProcessInfo.processInfo.activeProcessorCount
    /// Stop after this many windows (nil: the whole corpus).
    public var maxWindows: Int?
    /// Also keep the recorded tokens' MLP activations (for baselines).
    public var keepActivations = false
    /// Record codes of NaN or infinite pre-activations instead of stopping at the first one.
    public var allowNonFinite = false
    /// Record only this shard's part of the corpus (`polytope merge` joins the shards).
    public var shard: ProbeShard?
    /// Arithmetic of the forward pass's matrix products; recorded in the fingerprint, so a
    /// run never resumes across precisions.
    public var precision: Precision = .fp32
    /// Gated MLPs: after the gate's bits, one more bit per unit, the sign of the up projection
    /// (`W_up x > 0`), so a code names the orthant of (gate, up). Recorded in the fingerprint.
    public var upSign = false

    public init(modelPath: String, corpusPaths: [String]) {
        self.modelPath = modelPath
        self.corpusPaths = corpusPaths
    }

    func fingerprint(corpus: Corpus, contextLength: Int) -> [String: String] {
        let a = try? FileManager.default.attributesOfItem(atPath: modelPath)
        let modelID = "\(URL(fileURLWithPath: modelPath).standardizedFileURL.path)|\((a?[.size] as? Int) ?? -1)|\((a?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0)"
        var fp = [
            "model": modelID,
            "corpus": corpus.fingerprint(),
            "layers": layers.map(String.init).joined(separator: ","),
            "context": "\(contextLength)",
            "stride": stride.map(String.init) ?? "window",
            "sampling": sampling.description,
            "batch_windows": "\(batchWindows)",
            "max_windows": maxWindows.map(String.init) ?? "all",
            "activations": "\(keepActivations)",
            ProbeConfig.precisionKey: precision.rawValue,
        ]
        if let shard { fp[ProbeConfig.shardKey] = shard.description }
        // Absent when off, so states written before the option existed still match.
        if upSign { fp[ProbeConfig.upSignKey] = "true" }
        return fp
    }

    /// The fingerprint entry of a shard (absent in a single run's fingerprint).
    public static let shardKey = "shard"
    /// The fingerprint entry of `upSign` (present only when on).
    public static let upSignKey = "up_sign"
    /// The fingerprint entry of the precision (states written before it existed were fp32).
    public static let precisionKey = "precision"
}
