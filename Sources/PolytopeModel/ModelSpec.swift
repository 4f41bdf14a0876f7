import Foundation

/// The Swift view of a model description (`proto/polytope.proto`): what a model file says,
/// before any tensor data is interpreted. Produced by `ModelFile.read`, consumed by
/// `ModelValidator` and `Runtime`; written back by `ModelFile.write`.
public struct ModelSpec: Sendable, Equatable {
    /// The only file format this reader and writer know.
    public static let currentFormatVersion: UInt32 = 1

    public var formatVersion: UInt32 = ModelSpec.currentFormatVersion
    public var name: String = ""
    public var architecture: String = ""
    public var contextLength: Int = 0
    public var tokenizer: TokenizerSpec?
    public var nodes: [NodeSpec] = []
    public var tensors: [TensorSpec] = []
    public var metadata: [String: String] = [:]
    /// What each part of the graph is; nil in files written before anatomies existed
    /// (`PolytopeArchitectures.ModelLoader` infers it for those it can).
    public var anatomy: Anatomy?

    public init() {}
}

/// One node of the graph: a layer of some kind, applied to the outputs of earlier nodes.
public struct NodeSpec: Sendable, Equatable {
    public var name: String
    public var kind: String
    public var kindVersion: UInt32
    public var inputs: [String]
    /// Role (e.g. `"weight"`) -> tensor name.
    public var params: [String: String]
    public var attrs: [String: AttrValue]
    /// Extra hook names under which this node's output can be captured.
    public var aliases: [String]

    public init(name: String, kind: String, kindVersion: UInt32 = 1, inputs: [String] = [],
                params: [String: String] = [:], attrs: [String: AttrValue] = [:], aliases: [String] = []) {
        self.name = name
        self.kind = kind
        self.kindVersion = kindVersion
        self.inputs = inputs
        self.params = params
        self.attrs = attrs
        self.aliases = aliases
    }
}

/// A typed attribute value.
public enum AttrValue: Sendable, Equatable, CustomStringConvertible {
    case int(Int64)
    case float(Double)
    case string(String)
    case bool(Bool)
    case ints([Int64])
    case floats([Double])
    case strings([String])

    public var typeName: String {
        switch self {
        case .int: return "int"
        case .float: return "float"
        case .string: return "string"
        case .bool: return "bool"
        case .ints: return "int list"
        case .floats: return "float list"
        case .strings: return "string list"
        }
    }

    public var description: String {
        switch self {
        case .int(let v): return "\(v)"
        case .float(let v): return "\(v)"
        case .string(let v): return "\"\(v)\""
        case .bool(let v): return "\(v)"
        case .ints(let v): return "\(v)"
        case .floats(let v): return "\(v)"
        case .strings(let v): return "\(v)"
        }
    }
}

/// Element type of a stored tensor. Computation is always float32; f16 and bf16 are widened on load.
public enum DType: String, Sendable, Equatable {
    case f32, f16, bf16

    public var byteWidth: Int { self == .f32 ? 4 : 2 }
}

/// Where a tensor's bytes are.
public enum TensorStorage: Sendable, Equatable {
    /// Inline little-endian row-major bytes inside the model file.
    case inline(Data)
    /// A tensor inside a safetensors file; `path` is relative to the model file's directory or absolute.
    case external(path: String, key: String)
}

public struct TensorSpec: Sendable, Equatable {
    public var name: String
    public var dtype: DType
    public var shape: [Int]
    public var storage: TensorStorage

    public init(name: String, dtype: DType, shape: [Int], storage: TensorStorage) {
        self.name = name
        self.dtype = dtype
        self.shape = shape
        self.storage = storage
    }

    /// Number of elements, or nil when the product of the dimensions overflows.
    public var elementCount: Int? { ModelSpec.elementCount(shape) }
}

/// The tokenizer stored in a model file: the files researchers already have, kept verbatim.
public struct TokenizerSpec: Sendable, Equatable {
    public enum Kind: String, Sendable, Equatable {
        case byteLevelBPE = "byte_level_bpe"
        case wordPiece = "wordpiece"
    }

    public var kind: Kind
    public var vocabJSON: Data = Data()
    public var mergesTXT: Data = Data()
    public var vocabTXT: Data = Data()
    public var lowerCase: Bool = false
    public var specialTokens: [String: Int] = [:]
    public var unkToken: String = ""
    public var maxInputCharsPerWord: Int = 0
    public var addSpecialTokens: Bool = false
    public var tokenizerJSON: Data = Data()

    public init(kind: Kind) { self.kind = kind }
}

extension ModelSpec {
    /// Product of dimensions, or nil on overflow or a negative dimension.
    public static func elementCount(_ shape: [Int]) -> Int? {
        var n = 1
        for d in shape {
            guard d >= 0 else { return nil }
            let (p, overflow) = n.multipliedReportingOverflow(by: d)
            if overflow { return nil }
            n = p
        }
        return n
    }

    public func node(named name: String) -> NodeSpec? { nodes.first { $0.name == name } }
    public func tensor(named name: String) -> TensorSpec? { tensors.first { $0.name == name } }
}
