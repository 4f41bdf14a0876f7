/// The k-medoids algorithms.
public enum KMedoidsMethod: String, Sendable, Codable, CaseIterable, CustomStringConvertible {
    /// FasterPAM with eager swaps (Schubert & Rousseeuw 2021).
    case fasterPAM = "fasterpam"
    /// Alternating / Voronoi iteration (Park & Jun 2009), for comparison.
    case alternate
    /// CLARA over FasterPAM (Kaufman & Rousseeuw 1990; Schubert & Rousseeuw 2021).
    case clara
    public var description: String { rawValue }
}

/// Initialisations.
public enum KMedoidsInit: String, Sendable, Codable, CaseIterable, CustomStringConvertible {
    /// PAM's greedy BUILD (Kaufman & Rousseeuw 1990). O(k N^2).
    case build
    /// k-medoids++ seeding (Arthur & Vassilvitskii 2007, with distance weights). O(k N).
    case kmeansPlusPlus = "kmeans++"
    /// Linear Approximative BUILD (Schubert & Rousseeuw 2021). O(k N).
    case lab
    /// k distinct objects drawn uniformly.
    case random
    public var description: String { rawValue }
}

/// What every k-medoids entry point returns.
public struct KMedoidsResult: Sendable, Equatable {
    /// Object indices of the medoids; cluster `c` is medoid `medoids[c]`.
    public var medoids: [Int]
    /// Cluster of each object (an index into `medoids`): its nearest medoid, ties to the lower index.
    public var labels: [Int]
    /// Total deviation: sum over objects of the distance to their medoid.
    public var loss: Int
    /// Passes over the data (FasterPAM: candidate sweeps; alternate: assign/update rounds;
    /// CLARA: summed over samples).
    public var iterations: Int
    /// Medoid swaps applied (alternate: medoid changes).
    public var swaps: Int
    public var method: KMedoidsMethod
    public var initialization: KMedoidsInit
    public var mode: DissimilarityMode
    /// CLARA: number of samples and the sample size; nil otherwise.
    public var samples: Int?
    public var sampleSize: Int?

    public init(medoids: [Int], labels: [Int], loss: Int, iterations: Int, swaps: Int, method: KMedoidsMethod,
                initialization: KMedoidsInit, mode: DissimilarityMode, samples: Int? = nil, sampleSize: Int? = nil) {
        self.medoids = medoids
        self.labels = labels
        self.loss = loss
        self.iterations = iterations
        self.swaps = swaps
        self.method = method
        self.initialization = initialization
        self.mode = mode
        self.samples = samples
        self.sampleSize = sampleSize
    }
}

/// Why clustering could not run.
public enum ClusteringError: Error, Equatable, CustomStringConvertible {
    case badK(k: Int, count: Int)
    case overBudget(needed: Int, budget: Int, what: String)
    case empty

    public var description: String {
        switch self {
        case let .badK(k, count): return "k = \(k) is out of range: need 1 <= k <= \(count) (the number of codes)"
        case let .overBudget(needed, budget, what):
            return "\(what) needs \(MemoryBudget.format(needed)) but the memory budget is \(MemoryBudget.format(budget)); raise --memory or choose another mode"
        case .empty: return "no objects to cluster"
        }
    }
}
