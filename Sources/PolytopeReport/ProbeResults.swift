import Foundation
import PolytopeClustering

/// One recorded token as a person reads it: where it is, what it is, and the text around it.
public struct TokenOccurrence: Codable, Sendable, Equatable {
    /// Index of the document in the corpus order, and its source (file, or file:line for .jsonl).
    public var document: Int
    public var source: String
    /// UTF-8 byte span [start, end) of the token in its document.
    public var byteStart: Int
    public var byteEnd: Int
    /// Position of the token inside its window (0-based), and the window's index.
    public var window: Int
    public var position: Int
    public var tokenID: Int
    /// The token's text as it appears in the document, and up to a few hundred bytes of text
    /// before and after it (cut at UTF-8 character boundaries).
    public var text: String
    public var left: String
    public var right: String
    /// Hamming distance to its cluster's medoid (0 for the medoid itself), when in a cluster.
    public var distance: Int?

    public init(document: Int, source: String, byteStart: Int, byteEnd: Int, window: Int, position: Int,
                tokenID: Int, text: String, left: String, right: String, distance: Int? = nil) {
        self.document = document
        self.source = source
        self.byteStart = byteStart
        self.byteEnd = byteEnd
        self.window = window
        self.position = position
        self.tokenID = tokenID
        self.text = text
        self.left = left
        self.right = right
        self.distance = distance
    }

    enum CodingKeys: String, CodingKey {
        case document, source, window, position, text, left, right, distance
        case byteStart = "byte_start", byteEnd = "byte_end", tokenID = "token_id"
    }
}

/// One cluster of one clustering, with what a reader needs to judge it.
public struct ClusterSummary: Codable, Sendable, Equatable {
    public var id: Int
    public var size: Int
    /// Row index (into the probe's recorded tokens) of the medoid.
    public var medoidRow: Int
    public var medoid: TokenOccurrence
    /// Up to `--members` members, nearest to the medoid first.
    public var members: [TokenOccurrence]
    public var meanDistance: Double
    public var maxDistance: Int
    /// Most frequent token texts among all members, with counts.
    public var topTokens: [TokenCount]
    /// Coherence: the share of members whose token is the most frequent token of the cluster.
    public var coherence: Double
    /// Entropy (bits) of token identity and of the preceding token among members.
    public var tokenEntropy: Double
    public var previousTokenEntropy: Double
    /// Histogram of Hamming distances to the medoid: `distanceHistogram[i]` members at distances in
    /// [i * histogramBinWidth, (i + 1) * histogramBinWidth).
    public var distanceHistogram: [Int]
    public var histogramBinWidth: Int
    /// Every member's row (index into tokens.bin and the code files), nearest to the medoid first.
    public var memberRows: [Int]? = nil


    public init(id: Int, size: Int, medoidRow: Int, medoid: TokenOccurrence, members: [TokenOccurrence], meanDistance: Double, maxDistance: Int, topTokens: [TokenCount], coherence: Double, tokenEntropy: Double, previousTokenEntropy: Double, distanceHistogram: [Int], histogramBinWidth: Int, memberRows: [Int]? = nil) {
        self.id = id
        self.size = size
        self.medoidRow = medoidRow
        self.medoid = medoid
        self.members = members
        self.meanDistance = meanDistance
        self.maxDistance = maxDistance
        self.topTokens = topTokens
        self.coherence = coherence
        self.tokenEntropy = tokenEntropy
        self.previousTokenEntropy = previousTokenEntropy
        self.distanceHistogram = distanceHistogram
        self.histogramBinWidth = histogramBinWidth
        self.memberRows = memberRows
    }
    enum CodingKeys: String, CodingKey {
        case id, size, medoid, members, coherence
        case memberRows = "member_rows"
        case medoidRow = "medoid_row", meanDistance = "mean_distance", maxDistance = "max_distance"
        case topTokens = "top_tokens", tokenEntropy = "token_entropy", previousTokenEntropy = "previous_token_entropy"
        case distanceHistogram = "distance_histogram", histogramBinWidth = "histogram_bin_width"
    }
}

public struct TokenCount: Codable, Sendable, Equatable {
    public var text: String
    public var count: Int
    public init(text: String, count: Int) {
        self.text = text
        self.count = count
    }
}

/// Monosemanticity measures of one clustering (polytope codes, or a baseline).
public struct ClusteringMeasures: Codable, Sendable, Equatable {
    /// "polytope (hamming)", "activations (cosine)", "activations (euclidean)", "neurons (top-activating)".
    public var method: String
    public var clusters: Int
    /// Mean over clusters of the entropy (bits) of token identity, and of the preceding token.
    public var meanTokenEntropy: Double
    public var meanPreviousTokenEntropy: Double
    /// Share of clusters (of size >= 2) whose members are all one token.
    public var singleTokenFraction: Double
    /// Share of the tokens left out as noise (HDBSCAN; 0 for k-medoids in an HDBSCAN comparison).
    public var noiseFraction: Double? = nil


    public init(method: String, clusters: Int, meanTokenEntropy: Double, meanPreviousTokenEntropy: Double, singleTokenFraction: Double) {
        self.method = method
        self.clusters = clusters
        self.meanTokenEntropy = meanTokenEntropy
        self.meanPreviousTokenEntropy = meanPreviousTokenEntropy
        self.singleTokenFraction = singleTokenFraction
    }
    enum CodingKeys: String, CodingKey {
        case noiseFraction = "noise_fraction"
        case method, clusters
        case meanTokenEntropy = "mean_token_entropy", meanPreviousTokenEntropy = "mean_previous_token_entropy"
        case singleTokenFraction = "single_token_fraction"
    }
}

/// The clustering of one layer.
public struct LayerClusters: Codable, Sendable, Equatable {
    public var layer: Int
    public var hook: String
    public var bits: Int
    public var tokens: Int
    public var k: Int
    public var loss: Double
    public var iterations: Int
    public var method: String
    public var mode: String
    public var silhouette: Double?
    public var clusters: [ClusterSummary]
    /// Polytope measures first, then the baselines when they were asked for.
    public var measures: [ClusteringMeasures]
    /// HDBSCAN: codes left as noise (their group is the last of `clusters`, id -1), and the
    /// condensed tree's clusters for the report's picture. nil for k-medoids.
    public var noise: Int? = nil
    public var condensedTree: [CondensedClusterInfo]? = nil


    public init(layer: Int, hook: String, bits: Int, tokens: Int, k: Int, loss: Double, iterations: Int, method: String, mode: String, silhouette: Double?, clusters: [ClusterSummary], measures: [ClusteringMeasures],
                noise: Int? = nil, condensedTree: [CondensedClusterInfo]? = nil) {
        self.layer = layer
        self.hook = hook
        self.bits = bits
        self.tokens = tokens
        self.k = k
        self.loss = loss
        self.iterations = iterations
        self.method = method
        self.mode = mode
        self.silhouette = silhouette
        self.clusters = clusters
        self.measures = measures
        self.noise = noise
        self.condensedTree = condensedTree
    }

    enum CodingKeys: String, CodingKey {
        case layer, hook, bits, tokens, k, loss, iterations, method, mode, silhouette, clusters, measures, noise
        case condensedTree = "condensed_tree"
    }
}

/// Everything the report shows, also written as clusters.json.
public struct ProbeReportData: Codable, Sendable, Equatable {
    public var model: String
    public var corpus: [String]
    public var documents: Int
    public var tokensSeen: Int
    public var tokensRecorded: Int
    public var layers: [LayerClusters]
    public var createdAt: String


    public init(model: String, corpus: [String], documents: Int, tokensSeen: Int, tokensRecorded: Int, layers: [LayerClusters], createdAt: String) {
        self.model = model
        self.corpus = corpus
        self.documents = documents
        self.tokensSeen = tokensSeen
        self.tokensRecorded = tokensRecorded
        self.layers = layers
        self.createdAt = createdAt
    }
    enum CodingKeys: String, CodingKey {
        case model, corpus, documents, layers
        case tokensSeen = "tokens_seen", tokensRecorded = "tokens_recorded", createdAt = "created_at"
    }
}

/// One condensed-tree cluster of a probe layer, for the report's picture (Hamming distances):
/// the clustering's own node type.
public typealias CondensedClusterInfo = HDBSCANClusterNode
