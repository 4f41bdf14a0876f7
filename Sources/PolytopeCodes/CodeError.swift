import Foundation

/// Why codes could not be built, read or written. Cases name the file or value at fault.
public enum CodeError: Error, Equatable, CustomStringConvertible, LocalizedError {
    /// A code width outside 1...65535 bits (distances are stored as `UInt16`).
    case badWidth(bits: Int)
    /// Values whose count is not rows x units (or an empty knot list).
    case badInput(String)
    /// An array whose shape or dtype cannot hold codes.
    case badArray(path: String, reason: String)
    /// Two code sets of different widths were combined.
    case widthMismatch(expected: Int, found: Int, context: String)
    /// The file holds no rows.
    case empty(path: String)
    /// Not a code file (wrong magic) and not a `.npy` file.
    case notCodeFile(path: String)
    /// A code file from a newer format version.
    case unsupportedVersion(path: String, version: Int)
    /// A code file whose header is inconsistent or cut short.
    case corrupt(path: String, reason: String)
    /// The file could not be read.
    case unreadable(path: String, reason: String)

    public var description: String {
        switch self {
        case let .badWidth(bits): return "code width \(bits) bits is out of range (1...65535)"
        case let .badInput(reason): return "bad code input: \(reason)"
        case let .badArray(path, reason): return "\(path): cannot read codes: \(reason)"
        case let .widthMismatch(expected, found, context):
            return "\(context): codes are \(found) bits wide, expected \(expected)"
        case let .empty(path): return "\(path): no codes (0 rows)"
        case let .notCodeFile(path): return "\(path) is neither a PolytopeLens code file nor a .npy file"
        case let .unsupportedVersion(path, version):
            return "\(path): code file format version \(version) is newer than this tool reads (1)"
        case let .corrupt(path, reason): return "\(path): corrupt code file: \(reason)"
        case let .unreadable(path, reason): return "cannot read \(path): \(reason)"
        }
    }

    public var errorDescription: String? { description }
}
