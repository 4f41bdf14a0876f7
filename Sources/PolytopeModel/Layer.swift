/// What every layer sees of the batch besides its input matrices.
public struct ForwardContext: Sendable {
    /// Number of sequences and the padded length of each; matrices have `batch * seqLen` rows.
    public let batch: Int
    public let seqLen: Int
    /// Token ids, `batch * seqLen` (padding positions hold any valid id, usually 0).
    public let tokenIDs: [Int32]
    /// Token type (segment) ids, BERT style; all zero when not given.
    public let tokenTypeIDs: [Int32]
    /// Valid length of each sequence: positions at or past it are padding (masked as keys).
    public let lengths: [Int]
    /// Threads this pass may use (layers split their work over at most this many).
    public var threading: Threading = .allCores
    /// Arithmetic of the matrix products (`Model.forward` refuses one the CPU cannot run).
    public var precision: Precision = .fp32

    public init(batch: Int, seqLen: Int, tokenIDs: [Int32], tokenTypeIDs: [Int32]? = nil, lengths: [Int]? = nil) {
        precondition(tokenIDs.count == batch * seqLen)
        self.batch = batch
        self.seqLen = seqLen
        self.tokenIDs = tokenIDs
        self.tokenTypeIDs = tokenTypeIDs ?? [Int32](repeating: 0, count: batch * seqLen)
        self.lengths = lengths ?? [Int](repeating: seqLen, count: batch)
    }

    /// Pads sequences of different lengths to one batch.
    public init(sequences: [[Int32]], tokenTypes: [[Int32]]? = nil, padID: Int32 = 0) {
        let t = sequences.map(\.count).max() ?? 0
        var ids = [Int32](), types = [Int32]()
        for (i, s) in sequences.enumerated() {
            ids += s + [Int32](repeating: padID, count: t - s.count)
            let ty = tokenTypes?[i] ?? [Int32](repeating: 0, count: s.count)
            types += ty + [Int32](repeating: 0, count: t - ty.count)
        }
        self.init(batch: sequences.count, seqLen: t, tokenIDs: ids, tokenTypeIDs: types, lengths: sequences.map(\.count))
    }

    public var rows: Int { batch * seqLen }

    /// This context with another thread count and precision.
    public func with(threading: Threading? = nil, precision: Precision? = nil) -> ForwardContext {
        var c = self
        if let threading { c.threading = threading }
        if let precision { c.precision = precision }
        return c
    }
}

/// A built layer: one node of the graph, ready to run on a batch.
///
/// Layers are created once per model by their kind's builder (which validates parameter
/// shapes and attributes) and then only read: `forward` may be called from several threads
/// on different batches at once.
public protocol Layer: AnyObject, Sendable {
    /// Width of the output rows.
    var outputWidth: Int { get }
    func forward(_ inputs: [Matrix], context: ForwardContext) throws -> Matrix
}

/// An elementwise activation that is piecewise linear (or linearized) between its knots.
/// The polytope code of a unit is defined by the kind: region index of the pre-activation
/// among the knots; with one knot (ReLU, GELU at 0) that is one bit, pre-activation > knot.
public protocol ActivationLayer: Layer {
    /// Ascending pre-activation values where linear pieces meet.
    var knots: [Float] { get }
    /// When each unit has its own knots (JumpReLU thresholds): `outputWidth * knots.count`
    /// values, unit-major, each unit's ascending; `knots` then holds unit 0's. Nil when every
    /// unit shares `knots` (the default).
    var unitKnots: [Float]? { get }
    /// The smooth function whose knots are a linearisation (GELU, SiLU at 0); nil for
    /// activations that are exactly piecewise linear between their knots (ReLU).
    var smoothFunction: SmoothFunction? { get }
}

extension ActivationLayer {
    public var unitKnots: [Float]? { nil }
}
