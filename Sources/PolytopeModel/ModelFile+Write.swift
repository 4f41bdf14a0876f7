import Foundation
import PolytopeIO

extension ModelFile {
    /// Serializes a model description in the wire format of `proto/polytope.proto`.
    /// Map entries are written in key order, so equal specs give equal bytes.
    public static func encode(_ spec: ModelSpec) -> Data {
        var w = ProtoWriter()
        w.uint(1, UInt64(spec.formatVersion))
        w.string(2, spec.name)
        if let t = spec.tokenizer { w.message(3) { encodeTokenizer(t, into: &$0) } }
        for n in spec.nodes { w.message(4) { encodeNode(n, into: &$0) } }
        for t in spec.tensors { w.message(5) { encodeTensor(t, into: &$0) } }
        for (k, v) in spec.metadata.sorted(by: { $0.key < $1.key }) {
            w.message(6) { e in e.string(1, k); e.string(2, v) }
        }
        w.uint(7, UInt64(bitPattern: Int64(spec.contextLength)))
        w.string(8, spec.architecture)
        if let a = spec.anatomy { w.message(9) { encodeAnatomy(a, into: &$0) } }
        return w.data
    }

    /// Writes a model file atomically (temporary name, then rename): a failed write leaves
    /// any previous file at `path` untouched.
    public static func write(_ spec: ModelSpec, to path: String) throws {
        try AtomicFile.write(encode(spec), to: URL(fileURLWithPath: path))
    }

    private static func encodeNode(_ n: NodeSpec, into w: inout ProtoWriter) {
        w.string(1, n.name)
        w.string(2, n.kind)
        w.uint(3, UInt64(n.kindVersion))
        for i in n.inputs { w.string(4, i, always: true) }
        for (k, v) in n.params.sorted(by: { $0.key < $1.key }) {
            w.message(5) { e in e.string(1, k); e.string(2, v) }
        }
        for (k, v) in n.attrs.sorted(by: { $0.key < $1.key }) {
            w.message(6) { e in
                e.string(1, k)
                e.message(2) { encodeAttr(v, into: &$0) }
            }
        }
        for a in n.aliases { w.string(7, a, always: true) }
    }

    private static func encodeAttr(_ a: AttrValue, into w: inout ProtoWriter) {
        switch a {
        case .int(let v): w.int(1, v, always: true)
        case .float(let v): w.double(2, v)
        case .string(let v): w.string(3, v, always: true)
        case .bool(let v): w.bool(4, v, always: true)
        case .ints(let v): w.message(5) { $0.packedUInts(1, v.map { UInt64(bitPattern: $0) }) }
        case .floats(let v): w.message(6) { $0.packedDoubles(1, v) }
        case .strings(let v): w.message(7) { l in for s in v { l.string(1, s, always: true) } }
        }
    }

    private static func encodeTensor(_ t: TensorSpec, into w: inout ProtoWriter) {
        w.string(1, t.name)
        let code: UInt64 = t.dtype == .f32 ? 1 : t.dtype == .f16 ? 2 : 3
        w.uint(2, code)
        w.packedUInts(3, t.shape.map { UInt64(bitPattern: Int64($0)) })
        switch t.storage {
        case .inline(let d): w.bytes(4, d, always: true)
        case .external(let path, let key): w.message(5) { e in e.string(1, path); e.string(2, key) }
        }
    }

    private static func encodeTokenizer(_ t: TokenizerSpec, into w: inout ProtoWriter) {
        w.uint(1, t.kind == .byteLevelBPE ? 1 : 2)
        w.bytes(2, t.vocabJSON)
        w.bytes(3, t.mergesTXT)
        w.bytes(4, t.vocabTXT)
        w.bool(5, t.lowerCase)
        for (k, v) in t.specialTokens.sorted(by: { $0.key < $1.key }) {
            w.message(6) { e in e.string(1, k); e.uint(2, UInt64(bitPattern: Int64(v))) }
        }
        w.string(7, t.unkToken)
        w.uint(8, UInt64(bitPattern: Int64(t.maxInputCharsPerWord)))
        w.bool(9, t.addSpecialTokens)
        w.bytes(10, t.tokenizerJSON)
    }
}
