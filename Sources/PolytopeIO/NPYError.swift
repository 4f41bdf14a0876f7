import Foundation

/// Why a `.npy` file could not be read or written. Every case names the file.
public enum NPYError: Error, Equatable, CustomStringConvertible, LocalizedError {
    /// The file could not be opened or read.
    case unreadable(path: String, reason: String)
    /// The file does not start with the `\x93NUMPY` magic.
    case notNPY(path: String)
    /// A format version other than 1.0, 2.0 or 3.0.
    case unsupportedVersion(path: String, major: UInt8, minor: UInt8)
    /// The header dictionary is malformed or its length runs past the end of the file.
    case badHeader(path: String, reason: String)
    /// A dtype PolytopeLens does not handle (big-endian, complex, structured, ...).
    case unsupportedDType(path: String, descr: String)
    /// Column-major (`fortran_order: True`) arrays are refused rather than silently transposed.
    case fortranOrder(path: String)
    /// The shape's element count or byte size overflows `Int`.
    case shapeOverflow(path: String, shape: [Int])
    /// Fewer (or more) data bytes than the shape and dtype need.
    case sizeMismatch(path: String, expectedBytes: Int, presentBytes: Int)
    /// A value was requested as a type the array does not hold.
    case wrongDType(expected: NPYDType, found: NPYDType)

    public var description: String {
        switch self {
        case let .unreadable(path, reason):
            return "cannot read \(path): \(reason)"
        case let .notNPY(path):
            return "\(path) is not a NumPy .npy file (missing \\x93NUMPY magic)"
        case let .unsupportedVersion(path, major, minor):
            return "\(path): unsupported .npy format version \(major).\(minor) (expected 1.0, 2.0 or 3.0)"
        case let .badHeader(path, reason):
            return "\(path): malformed .npy header: \(reason)"
        case let .unsupportedDType(path, descr):
            return "\(path): unsupported dtype '\(descr)' (supported: "
                + NPYDType.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", ") + ")"
        case let .fortranOrder(path):
            return "\(path): fortran_order arrays are not supported; save with np.ascontiguousarray first"
        case let .shapeOverflow(path, shape):
            return "\(path): shape \(shape) is too large (element count overflows)"
        case let .sizeMismatch(path, expected, present):
            return "\(path): data holds \(present) bytes but the shape and dtype need \(expected)"
        case let .wrongDType(expected, found):
            return "array holds dtype '\(found.rawValue)', not '\(expected.rawValue)'"
        }
    }

    public var errorDescription: String? { description }
}
