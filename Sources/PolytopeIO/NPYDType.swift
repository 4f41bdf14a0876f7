/// The NumPy element types PolytopeLens reads and writes.
///
/// Only little-endian (or byte-order-free) types are supported, matching what NumPy writes on
/// every platform PolytopeLens runs on. The raw value is the `descr` string of the `.npy` header.
public enum NPYDType: String, Sendable, CaseIterable, CustomStringConvertible {
    case float16 = "<f2"
    case float32 = "<f4"
    case float64 = "<f8"
    case uint8 = "|u1"
    case bool = "|b1"
    case uint16 = "<u2"
    case int32 = "<i4"
    case int64 = "<i8"

    /// Bytes per element.
    public var size: Int {
        switch self {
        case .uint8, .bool: return 1
        case .float16, .uint16: return 2
        case .float32, .int32: return 4
        case .float64, .int64: return 8
        }
    }

    public var description: String { rawValue }

    /// Parses a header `descr`, accepting the spellings NumPy uses for the same type
    /// (`'|u1'`, `'<u1'`, `'u1'`; `'<f4'`, `'=f4'` on a little-endian host).
    /// Returns nil for big-endian or unsupported types.
    public init?(descr: String) {
        var s = Substring(descr)
        var order: Character = "|"
        if let first = s.first, "<>|=".contains(first) {
            order = first
            s = s.dropFirst()
        }
        if order == ">" { return nil }
        switch s {
        case "f2": self = .float16
        case "f4": self = .float32
        case "f8": self = .float64
        case "u1": self = .uint8
        case "b1", "?": self = .bool
        case "u2": self = .uint16
        case "i4": self = .int32
        case "i8": self = .int64
        default: return nil
        }
    }
}
