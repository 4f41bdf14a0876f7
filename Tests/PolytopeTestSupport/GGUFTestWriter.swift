import Foundation
import PolytopeGGUF

/// Writes GGUF v3 bytes from metadata and tensors, for tests that need a file a real writer
/// would not make (a tensor dropped, a type id changed, metadata disagreeing with shapes).
public struct GGUFTestWriter {
    public struct Tensor {
        public var name: String
        public var dims: [Int]   // ggml order
        public var rawType: UInt32
        public var bytes: Data
        public init(name: String, dims: [Int], rawType: UInt32, bytes: Data) {
            self.name = name; self.dims = dims; self.rawType = rawType; self.bytes = bytes
        }
    }

    public var metadata: [(String, GGUFValue)]
    public var tensors: [Tensor]
    public var alignment = 32

    public init(metadata: [(String, GGUFValue)], tensors: [Tensor]) {
        self.metadata = metadata
        self.tensors = tensors
    }

    /// Everything of `file` whose bytes can be copied (metadata in file order).
    public init(copying file: GGUFFile) {
        metadata = file.keys.map { ($0, file.metadata[$0]!) }
        tensors = file.tensors.compactMap { t in
            file.rawBytes(t).map { Tensor(name: t.name, dims: t.dims, rawType: t.rawType, bytes: $0) }
        }
    }

    public mutating func set(_ key: String, _ value: GGUFValue) {
        if let i = metadata.firstIndex(where: { $0.0 == key }) { metadata[i].1 = value } else { metadata.append((key, value)) }
    }

    public func encode() -> Data {
        var d = Data()
        func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { d.append(contentsOf: $0) } }
        func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { d.append(contentsOf: $0) } }
        func str(_ s: String) { u64(UInt64(s.utf8.count)); d.append(contentsOf: Array(s.utf8)) }
        func type(_ v: GGUFValue) -> UInt32 {
            switch v {
            case .uint: return 10
            case .int: return 11
            case .float: return 12
            case .bool: return 7
            case .string: return 8
            case .array: return 9
            }
        }
        func value(_ v: GGUFValue) {
            switch v {
            case .uint(let x): u64(x)
            case .int(let x): u64(UInt64(bitPattern: x))
            case .float(let x): u64(x.bitPattern)
            case .bool(let b): d.append(b ? 1 : 0)
            case .string(let s): str(s)
            case .array(let a):
                u32(a.first.map(type) ?? 4)
                u64(UInt64(a.count))
                for e in a { value(e) }
            }
        }
        u32(0x4655_4747)
        u32(3)
        u64(UInt64(tensors.count))
        u64(UInt64(metadata.count))
        for (k, v) in metadata { str(k); u32(type(v)); value(v) }
        var offset = 0
        for t in tensors {
            str(t.name)
            u32(UInt32(t.dims.count))
            for x in t.dims { u64(UInt64(x)) }
            u32(t.rawType)
            u64(UInt64(offset))
            offset += (t.bytes.count + alignment - 1) / alignment * alignment
        }
        while d.count % alignment != 0 { d.append(0) }
        for t in tensors {
            d.append(t.bytes)
            while d.count % alignment != 0 { d.append(0) }
        }
        return d
    }
}
