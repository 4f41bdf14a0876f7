import Foundation
import PolytopeSchema

/// Reading and writing model files (`proto/polytope.proto`).
public enum ModelFile {
    /// Reads a model file with libprotobuf-c and converts it into a `ModelSpec`.
    /// Only structure is checked here; `ModelValidator` checks the graph and tensors.
    public static func read(path: String) throws -> ModelSpec {
        let url = URL(fileURLWithPath: path)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ModelError.unreadable(path: path, reason: "no such file")
        }
        guard !isDirectory.boolValue else { throw ModelError.unreadable(path: path, reason: "it is a directory, not a model file") }
        let bytes: Data
        do {
            bytes = try Data(contentsOf: url, options: .alwaysMapped)
        } catch {
            throw ModelError.unreadable(path: path, reason: (error as NSError).localizedDescription)
        }
        return try decode(bytes, path: path)
    }

    /// Decodes serialized `Model` bytes; `path` only names the source in errors.
    public static func decode(_ bytes: Data, path: String = "<memory>") throws -> ModelSpec {
        guard !bytes.isEmpty else { throw ModelError.malformed(path: path, reason: "the file is empty") }
        let unpacked: UnsafeMutablePointer<Polytope__Model>? = bytes.withUnsafeBytes { raw in
            polytope__model__unpack(nil, raw.count, raw.baseAddress!.assumingMemoryBound(to: UInt8.self))
        }
        guard let model = unpacked else {
            throw ModelError.malformed(path: path, reason: "not a PolytopeLens model (protobuf decoding failed: truncated or not a model file)")
        }
        defer { polytope__model__free_unpacked(model, nil) }
        let m = model.pointee
        guard m.format_version == ModelSpec.currentFormatVersion else {
            throw ModelError.unsupportedFormatVersion(path: path, found: m.format_version, supported: ModelSpec.currentFormatVersion)
        }
        var spec = ModelSpec()
        spec.formatVersion = m.format_version
        spec.name = string(m.name)
        spec.architecture = string(m.architecture)
        spec.contextLength = Int(m.context_length)
        for i in 0..<m.n_metadata {
            guard let e = m.metadata[i] else { continue }
            spec.metadata[string(e.pointee.key)] = string(e.pointee.value)
        }
        for i in 0..<m.n_nodes {
            guard let n = m.nodes[i] else { continue }
            spec.nodes.append(try node(n.pointee, path: path))
        }
        for i in 0..<m.n_tensors {
            guard let t = m.tensors[i] else { continue }
            spec.tensors.append(try tensor(t.pointee, path: path))
        }
        if let t = m.tokenizer { spec.tokenizer = try tokenizer(t.pointee, path: path) }
        if let a = m.anatomy { spec.anatomy = try anatomy(a.pointee, path: path) }
        return spec
    }

    static func string(_ p: UnsafeMutablePointer<CChar>?) -> String {
        guard let p else { return "" }
        return String(cString: p)
    }

    static func strings(_ p: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?, _ n: Int) -> [String] {
        guard let p else { return [] }
        return (0..<n).map { string(p[$0]) }
    }

    static func data(_ b: ProtobufCBinaryData) -> Data {
        guard b.len > 0, let d = b.data else { return Data() }
        return Data(bytes: d, count: b.len)
    }

    private static func node(_ n: Polytope__Node, path: String) throws -> NodeSpec {
        var spec = NodeSpec(name: string(n.name), kind: string(n.kind), kindVersion: n.kind_version,
                            inputs: strings(n.inputs, n.n_inputs), aliases: strings(n.aliases, n.n_aliases))
        for i in 0..<n.n_params {
            guard let e = n.params[i] else { continue }
            spec.params[string(e.pointee.key)] = string(e.pointee.value)
        }
        for i in 0..<n.n_attrs {
            guard let e = n.attrs[i] else { continue }
            let key = string(e.pointee.key)
            guard let a = e.pointee.value else {
                throw ModelError.malformed(path: path, reason: "node '\(spec.name)': attribute '\(key)' has no value")
            }
            spec.attrs[key] = try attr(a.pointee, node: spec.name, key: key, path: path)
        }
        return spec
    }

    private static func attr(_ a: Polytope__Attr, node: String, key: String, path: String) throws -> AttrValue {
        switch a.value_case {
        case POLYTOPE__ATTR__VALUE_I: return .int(a.i)
        case POLYTOPE__ATTR__VALUE_F: return .float(a.f)
        case POLYTOPE__ATTR__VALUE_S: return .string(string(a.s))
        case POLYTOPE__ATTR__VALUE_B: return .bool(a.b != 0)
        case POLYTOPE__ATTR__VALUE_INTS:
            guard let l = a.ints else { return .ints([]) }
            return .ints((0..<l.pointee.n_values).map { l.pointee.values[$0] })
        case POLYTOPE__ATTR__VALUE_FLOATS:
            guard let l = a.floats else { return .floats([]) }
            return .floats((0..<l.pointee.n_values).map { l.pointee.values[$0] })
        case POLYTOPE__ATTR__VALUE_STRINGS:
            guard let l = a.strings else { return .strings([]) }
            return .strings(strings(l.pointee.values, l.pointee.n_values))
        default:
            throw ModelError.malformed(path: path, reason: "node '\(node)': attribute '\(key)' has no value or an unknown type")
        }
    }

    private static func tensor(_ t: Polytope__Tensor, path: String) throws -> TensorSpec {
        let name = string(t.name)
        let dtype: DType
        switch t.dtype {
        case POLYTOPE__DTYPE__F32: dtype = .f32
        case POLYTOPE__DTYPE__F16: dtype = .f16
        case POLYTOPE__DTYPE__BF16: dtype = .bf16
        default: throw ModelError.unknownDType(tensor: name)
        }
        var shape: [Int] = []
        for i in 0..<t.n_shape {
            let d = t.shape[i]
            guard d <= UInt64(Int.max) else {
                throw ModelError.malformed(path: path, reason: "tensor '\(name)': dimension \(i) is \(d) (negative when written, or beyond 2^63 - 1)")
            }
            shape.append(Int(d))
        }
        let storage: TensorStorage
        switch t.storage_case {
        case POLYTOPE__TENSOR__STORAGE_DATA:
            storage = .inline(data(t.data))
        case POLYTOPE__TENSOR__STORAGE_EXTERNAL:
            guard let e = t.external else {
                throw ModelError.malformed(path: path, reason: "tensor '\(name)': external reference is empty")
            }
            storage = .external(path: string(e.pointee.path), key: string(e.pointee.key))
        default:
            // proto3 omits an empty bytes field: a zero-element tensor has no data.
            storage = .inline(Data())
        }
        return TensorSpec(name: name, dtype: dtype, shape: shape, storage: storage)
    }

    private static func tokenizer(_ t: Polytope__TokenizerSpec, path: String) throws -> TokenizerSpec {
        let kind: TokenizerSpec.Kind
        switch t.kind {
        case POLYTOPE__TOKENIZER_SPEC__KIND__BYTE_LEVEL_BPE: kind = .byteLevelBPE
        case POLYTOPE__TOKENIZER_SPEC__KIND__WORDPIECE: kind = .wordPiece
        default: throw ModelError.malformed(path: path, reason: "tokenizer kind \(t.kind.rawValue) is unknown (expected byte-level BPE or WordPiece)")
        }
        var spec = TokenizerSpec(kind: kind)
        spec.vocabJSON = data(t.vocab_json)
        spec.mergesTXT = data(t.merges_txt)
        spec.vocabTXT = data(t.vocab_txt)
        spec.lowerCase = t.lower_case != 0
        spec.unkToken = string(t.unk_token)
        spec.maxInputCharsPerWord = Int(t.max_input_chars_per_word)
        spec.addSpecialTokens = t.add_special_tokens != 0
        spec.tokenizerJSON = data(t.tokenizer_json)
        for i in 0..<t.n_special_tokens {
            guard let e = t.special_tokens[i] else { continue }
            spec.specialTokens[string(e.pointee.key)] = Int(e.pointee.value)
        }
        return spec
    }
}
