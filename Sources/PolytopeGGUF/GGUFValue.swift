/// A metadata value of a GGUF file (all integer widths widened, floats as Double).
public enum GGUFValue: Equatable, Sendable, CustomStringConvertible {
    case uint(UInt64)
    case int(Int64)
    case float(Double)
    case bool(Bool)
    case string(String)
    case array([GGUFValue])

    /// The value as a non-negative Int, if it is an integer that fits.
    public var int: Int? {
        switch self {
        case .uint(let v): return v <= UInt64(Int.max) ? Int(v) : nil
        case .int(let v): return v >= 0 ? Int(v) : nil
        default: return nil
        }
    }
    public var double: Double? {
        switch self {
        case .float(let v): return v
        case .uint(let v): return Double(v)
        case .int(let v): return Double(v)
        default: return nil
        }
    }
    public var string: String? { if case .string(let s) = self { return s }; return nil }
    public var bool: Bool? { if case .bool(let b) = self { return b }; return nil }
    public var array: [GGUFValue]? { if case .array(let a) = self { return a }; return nil }

    public var typeName: String {
        switch self {
        case .uint: return "unsigned integer"
        case .int: return "integer"
        case .float: return "float"
        case .bool: return "bool"
        case .string: return "string"
        case .array: return "array"
        }
    }

    public var description: String {
        switch self {
        case .uint(let v): return "\(v)"
        case .int(let v): return "\(v)"
        case .float(let v): return "\(v)"
        case .bool(let v): return "\(v)"
        case .string(let s): return "\"\(s)\""
        case .array(let a): return "[\(a.count) values]"
        }
    }
}

/// ggml tensor element types by their number in the file (ggml.h `enum ggml_type`).
public enum GGMLType: UInt32, Sendable, CaseIterable {
    case f32 = 0, f16 = 1, q4_0 = 2, q4_1 = 3, q5_0 = 6, q5_1 = 7, q8_0 = 8, q8_1 = 9
    case q2_K = 10, q3_K = 11, q4_K = 12, q5_K = 13, q6_K = 14, q8_K = 15
    case iq2_xxs = 16, iq2_xs = 17, iq3_xxs = 18, iq1_s = 19, iq4_nl = 20, iq3_s = 21, iq2_s = 22, iq4_xs = 23
    case i8 = 24, i16 = 25, i32 = 26, i64 = 27, f64 = 28, iq1_m = 29, bf16 = 30, tq1_0 = 34, tq2_0 = 35, mxfp4 = 39

    /// The name llama.cpp prints (`Q4_K`, `BF16`, ...).
    public var name: String { "\(self)".uppercased() }

    /// Elements per block and bytes per block for the types this reader dequantises.
    var block: (elements: Int, bytes: Int)? {
        switch self {
        case .f32: return (1, 4)
        case .f16, .bf16: return (1, 2)
        case .q8_0: return (32, 34)
        case .q4_0: return (32, 18)
        case .q4_1: return (32, 20)
        default: return nil
        }
    }

    public static let supported: [GGMLType] = [.f32, .f16, .bf16, .q8_0, .q4_0, .q4_1]
}
