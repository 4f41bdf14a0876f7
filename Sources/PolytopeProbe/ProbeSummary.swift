/// `summary.json`: what ran, on what, how long, and with which kernels and modes.
public struct ProbeSummary: Codable, Sendable {
    public var model: String
    public var modelPath: String
    public var architecture: String
    public var layers: [Int]
    public var bits: [Int]
    public var corpus: [String]
    public var documents: Int
    public var windows: Int
    public var tokensSeen: Int
    public var tokensRecorded: Int
    public var sampling: String
    public var k: Int
    public var method: String
    public var initialization: String
    public var seed: UInt64
    public var hammingKernel: String
    public var blasCore: String
    public var threads: Int
    public var collectionSeconds: Double
    public var analysisSeconds: Double
    public var totalSeconds: Double
    public var resumedFromRows: Int?
    public var layerTimings: [LayerTiming]
    /// The forward pass's GEMM kernel (`GEMMKernel.description`) and precision; collection
    /// throughput = tokens through the model / collection seconds. Absent in older summaries.
    public var gemmKernel: String?
    public var precision: String?
    public var collectionTokensPerSecond: Double?
    /// The model file's SHA-256 and the plugin libraries (path, SHA-256) behind its kinds.
    public var identity: RunIdentity?

    public init(model: String, modelPath: String, architecture: String, layers: [Int], bits: [Int], corpus: [String],
                documents: Int, windows: Int, tokensSeen: Int, tokensRecorded: Int, sampling: String, k: Int, method: String,
                initialization: String, seed: UInt64, hammingKernel: String, blasCore: String, threads: Int,
                collectionSeconds: Double, analysisSeconds: Double, totalSeconds: Double, resumedFromRows: Int?,
                layerTimings: [LayerTiming]) {
        self.model = model
        self.modelPath = modelPath
        self.architecture = architecture
        self.layers = layers
        self.bits = bits
        self.corpus = corpus
        self.documents = documents
        self.windows = windows
        self.tokensSeen = tokensSeen
        self.tokensRecorded = tokensRecorded
        self.sampling = sampling
        self.k = k
        self.method = method
        self.initialization = initialization
        self.seed = seed
        self.hammingKernel = hammingKernel
        self.blasCore = blasCore
        self.threads = threads
        self.collectionSeconds = collectionSeconds
        self.analysisSeconds = analysisSeconds
        self.totalSeconds = totalSeconds
        self.resumedFromRows = resumedFromRows
        self.layerTimings = layerTimings
    }

    enum CodingKeys: String, CodingKey {
        case model, architecture, layers, bits, corpus, documents, windows, sampling, k, method, initialization, seed, threads
        case modelPath = "model_path", tokensSeen = "tokens_seen", tokensRecorded = "tokens_recorded"
        case hammingKernel = "hamming_kernel", blasCore = "blas_core", collectionSeconds = "collection_seconds"
        case analysisSeconds = "analysis_seconds", totalSeconds = "total_seconds", resumedFromRows = "resumed_from_rows"
        case layerTimings = "layer_timings"
        case gemmKernel = "gemm_kernel", precision, collectionTokensPerSecond = "collection_tokens_per_second"
        case identity
    }
}
