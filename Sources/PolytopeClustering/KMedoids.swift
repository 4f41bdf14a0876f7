import PolytopeCodes

/// The k-medoids front door: picks the distance mode from a memory budget, initialises, runs
/// the chosen method, and returns a `KMedoidsResult` that states what was done.
///
/// ```swift
/// let codes = try CodeMatrix.load(from: url)
/// let r = try KMedoids.cluster(codes, k: 20, options: .init(seed: 1))
/// print(r.medoids, r.loss, r.mode)
/// ```
public enum KMedoids {
    public struct Options: Sendable {
        public var method: KMedoidsMethod
        public var initialization: KMedoidsInit
        public var seed: UInt64
        /// Bytes allowed for distance storage (default `MemoryBudget.defaultBytes`, 4 GiB).
        public var memoryBudget: Int
        /// Force a mode (nil: chosen from the budget, see `chooseMode`).
        public var mode: DissimilarityMode?
        public var threads: Int
        public var maxIterations: Int
        /// CLARA: samples and sample size (nil: `CLARA.defaultSampleSize`).
        public var claraSamples: Int
        public var claraSampleSize: Int?
        /// Largest N that `chooseMode` sends to matrix-free FasterPAM (one sweep is N^2
        /// Hamming distances); larger N go to CLARA.
        public var matrixFreeLimit: Int

        public init(method: KMedoidsMethod = .fasterPAM, initialization: KMedoidsInit = .build, seed: UInt64 = 0,
                    memoryBudget: Int = MemoryBudget.defaultBytes, mode: DissimilarityMode? = nil,
                    threads: Int = cpuCount, maxIterations: Int = 100, claraSamples: Int = 5,
                    claraSampleSize: Int? = nil, matrixFreeLimit: Int = 100_000) {
            self.method = method
            self.initialization = initialization
            self.seed = seed
            self.memoryBudget = memoryBudget
            self.mode = mode
            self.threads = threads
            self.maxIterations = maxIterations
            self.claraSamples = claraSamples
            self.claraSampleSize = claraSampleSize
            self.matrixFreeLimit = matrixFreeLimit
        }
    }

    /// The mode for N codes: `matrix` when the 2 N^2-byte matrix fits the budget; else
    /// `matrix-free` for FasterPAM/alternate up to `matrixFreeLimit`; else `clara`.
    /// Method `clara` always gives `clara`.
    public static func chooseMode(count n: Int, options: Options) -> DissimilarityMode {
        if let m = options.mode { return m }
        if options.method == .clara { return .clara }
        if HammingMatrix.bytes(count: n) <= options.memoryBudget { return .matrix }
        return n <= options.matrixFreeLimit ? .matrixFree : .clara
    }

    /// Clusters codes by Hamming distance.
    /// - Throws: `ClusteringError.badK` unless 1 <= k <= N; `.overBudget` when a forced matrix
    ///   mode (or a CLARA sample matrix) does not fit the budget.
    public static func cluster(_ codes: CodeMatrix, k: Int, options: Options = Options()) throws -> KMedoidsResult {
        let n = codes.rows
        guard n > 0 else { throw ClusteringError.empty }
        guard k >= 1 && k <= n else { throw ClusteringError.badK(k: k, count: n) }
        let mode = chooseMode(count: n, options: options)
        switch mode {
        case .matrix:
            let need = HammingMatrix.bytes(count: n)
            guard need <= options.memoryBudget else {
                throw ClusteringError.overBudget(needed: need, budget: options.memoryBudget, what: "a \(n) x \(n) distance matrix")
            }
            return run(PrecomputedDissimilarity(codes: codes, threads: options.threads), k: k, options: options)
        case .matrixFree:
            return run(CodeDissimilarity(codes: codes, threads: options.threads), k: k, options: options)
        case .clara:
            let s = options.claraSampleSize ?? CLARA.defaultSampleSize(n: n, k: k)
            let need = HammingMatrix.bytes(count: s)
            guard need <= options.memoryBudget else {
                throw ClusteringError.overBudget(needed: need, budget: options.memoryBudget, what: "a CLARA sample of \(s)")
            }
            return CLARA.run(CodeDissimilarity(codes: codes, threads: options.threads), k: k, samples: options.claraSamples,
                             sampleSize: s, initialization: options.initialization, seed: options.seed,
                             maxIterations: options.maxIterations, threads: options.threads)
        }
    }

    /// Runs `options.method` on any dissimilarity (CLARA samples from it).
    public static func run<D: Dissimilarity>(_ d: D, k: Int, options: Options = Options()) -> KMedoidsResult {
        if options.method == .clara {
            return CLARA.run(d, k: k, samples: options.claraSamples, sampleSize: options.claraSampleSize,
                             initialization: options.initialization, seed: options.seed, maxIterations: options.maxIterations,
                             threads: options.threads)
        }
        var rng = SeededRandom(seed: options.seed)
        let start = initialMedoids(d, k: k, initialization: options.initialization, rng: &rng, threads: options.threads)
        switch options.method {
        case .alternate:
            return Alternate.run(d, initialMedoids: start, maxIterations: options.maxIterations, initialization: options.initialization)
        default:
            return FasterPAM.run(d, initialMedoids: start, maxIterations: options.maxIterations, initialization: options.initialization,
                                 threads: options.threads)
        }
    }

    /// Initial medoids by the chosen scheme.
    public static func initialMedoids<D: Dissimilarity>(_ d: D, k: Int, initialization: KMedoidsInit,
                                                        rng: inout SeededRandom, threads: Int = 1) -> [Int] {
        switch initialization {
        case .build: return BuildInit.medoids(d, k: k, threads: threads)
        case .kmeansPlusPlus: return KMedoidsPlusPlusInit.medoids(d, k: k, rng: &rng)
        case .lab: return LABInit.medoids(d, k: k, rng: &rng)
        case .random: return RandomInit.medoids(count: d.count, k: k, rng: &rng)
        }
    }
}
