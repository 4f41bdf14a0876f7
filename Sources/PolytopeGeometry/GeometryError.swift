import Foundation

/// What can go wrong in a geometry experiment; every case names the offending value.
public enum GeometryError: Error, Equatable, CustomStringConvertible, LocalizedError {
    /// A layer index the model does not have.
    case noSuchLayer(Int, available: ClosedRange<Int>?)
    /// The MLP of a layer is not the shape these tools understand.
    case unsupportedMLP(layer: Int, reason: String)
    /// A point specification ("TEXT@INDEX", "PROBE_DIR:ROW") that cannot be parsed or resolved.
    case badPosition(String, reason: String)
    /// A probe output directory that lacks a file or is inconsistent.
    case badProbe(path: String, reason: String)
    /// Anything else about the inputs of an experiment.
    case badArgument(String)

    public var description: String {
        switch self {
        case let .noSuchLayer(l, range):
            if let range { return "layer \(l) does not exist: the model's MLP layers are \(range.lowerBound)...\(range.upperBound)" }
            return "layer \(l) does not exist: the model's anatomy lists no MLP layers"
        case let .unsupportedMLP(l, r): return "layer \(l): \(r)"
        case let .badPosition(p, r): return "position '\(p)': \(r)"
        case let .badProbe(p, r): return "probe output \(p): \(r)"
        case let .badArgument(s): return s
        }
    }

    public var errorDescription: String? { description }
}
