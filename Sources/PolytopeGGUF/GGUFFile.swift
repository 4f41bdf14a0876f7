import Foundation

/// A GGUF file (llama.cpp / ggml, versions 2 and 3): magic "GGUF", version, tensor count,
/// metadata key-value pairs (all value types, arrays included), tensor infos (name, dims in
/// ggml order — the contiguous dimension first —, element type, offset), then the tensor
/// data, aligned to `general.alignment` (default 32). The file is memory-mapped; the header is
/// fully validated (every length against the file size, every tensor's bytes inside the data
/// section) before anything is returned. Spec: ggml's docs/gguf.md.
/// - Complexity: O(header size) to open; tensors are dequantised on request.
public final class GGUFFile: @unchecked Sendable {
    public struct TensorInfo: Sendable, Equatable {
        public let name: String
        /// ggml order: dims[0] is the contiguous (innermost) dimension.
        public let dims: [Int]
        public let rawType: UInt32
        /// Absolute offset of the first byte in the file.
        public let offset: Int
        public var type: GGMLType? { GGMLType(rawValue: rawType) }
        /// Row-major shape as PyTorch would print it (the dims reversed).
        public var shape: [Int] { dims.reversed() }
        public var elementCount: Int { dims.reduce(1, *) }
    }

    public let path: String
    public let version: UInt32
    /// Metadata in file order, and by key.
    public let keys: [String]
    public let metadata: [String: GGUFValue]
    public let tensors: [TensorInfo]
    public let tensorIndex: [String: Int]
    public let alignment: Int
    let data: Data

    /// Arrays longer than this are refused (the largest real vocabularies have ~260k entries).
    static let maxArrayCount = 16_000_000
    /// ggml's GGML_MAX_DIMS.
    static let maxDims = 4

    public convenience init(path: String) throws {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped) } catch {
            throw GGUFError(path: path, reason: "cannot read: \((error as NSError).localizedDescription)")
        }
        try self.init(data: data, path: path)
    }

    public init(data: Data, path: String = "<memory>") throws {
        self.path = path
        self.data = data
        var keys: [String] = [], metadata: [String: GGUFValue] = [:], tensors: [TensorInfo] = [], index: [String: Int] = [:]
        var version: UInt32 = 0, alignment = 32
        try data.withUnsafeBytes { raw in
            var r = GGUFByteReader(bytes: raw, path: path)
            let magic = try r.u32("magic")
            guard magic == 0x4655_4747 else { throw r.fail("not a GGUF file (magic \(String(magic, radix: 16)), expected \"GGUF\")") }
            version = try r.u32("version")
            guard version == 2 || version == 3 else { throw r.fail("GGUF version \(version) is not supported (2 or 3)") }
            let nTensors = try r.count("tensor count", minBytes: 8 + 4 + 8 + 4 + 8)
            let nKV = try r.count("metadata count", minBytes: 8 + 4)
            for i in 0..<nKV {
                let key = try r.string("metadata key #\(i)")
                guard metadata[key] == nil else { throw r.fail("metadata key '\(key)' appears twice") }
                let type = try r.u32("type of '\(key)'")
                metadata[key] = try GGUFFile.value(&r, type: type, key: key, depth: 0)
                keys.append(key)
            }
            if let a = metadata["general.alignment"] {
                guard let n = a.int, n > 0, n <= 1 << 20, n & (n - 1) == 0 else {
                    throw r.fail("general.alignment \(a) is not a power of two up to 1 MiB")
                }
                alignment = n
            }
            for i in 0..<nTensors {
                let name = try r.string("name of tensor #\(i)")
                guard index[name] == nil else { throw r.fail("tensor '\(name)' appears twice") }
                let nDims = Int(try r.u32("dimension count of '\(name)'"))
                guard (1...GGUFFile.maxDims).contains(nDims) else { throw r.fail("tensor '\(name)' has \(nDims) dimensions (1 to 4)") }
                var dims: [Int] = [], total = 1
                for _ in 0..<nDims {
                    let d = try r.u64("a dimension of '\(name)'")
                    guard d > 0, d <= UInt64(Int32.max) else { throw r.fail("tensor '\(name)' has dimension \(d)") }
                    let (p, o) = total.multipliedReportingOverflow(by: Int(d))
                    guard !o, p <= Int(Int32.max) * 64 else { throw r.fail("tensor '\(name)' has too many elements") }
                    total = p
                    dims.append(Int(d))
                }
                let rawType = try r.u32("type of '\(name)'")
                guard GGMLType(rawValue: rawType) != nil else { throw r.fail("tensor '\(name)' has unknown ggml type \(rawType)") }
                let off = try r.u64("offset of '\(name)'")
                guard off <= UInt64(raw.count), Int(off) % alignment == 0 else {
                    throw r.fail("tensor '\(name)' offset \(off) is outside the file or not a multiple of the alignment \(alignment)")
                }
                index[name] = tensors.count
                tensors.append(TensorInfo(name: name, dims: dims, rawType: rawType, offset: Int(off)))
            }
            let dataStart = (r.offset + alignment - 1) / alignment * alignment
            guard dataStart <= raw.count else { throw r.fail("truncated: the tensor data section starts at \(dataStart), past the end (\(raw.count) bytes)") }
            for (i, t) in tensors.enumerated() {
                let start = dataStart + t.offset
                tensors[i] = TensorInfo(name: t.name, dims: t.dims, rawType: t.rawType, offset: start)
                if let size = GGUFFile.byteCount(tensors[i]) {
                    guard size <= raw.count - min(start, raw.count), start <= raw.count else {
                        throw r.fail("truncated: tensor '\(t.name)' needs \(size) bytes at offset \(start), the file has \(raw.count)")
                    }
                }
            }
        }
        self.version = version
        self.keys = keys
        self.metadata = metadata
        self.tensors = tensors
        self.tensorIndex = index
        self.alignment = alignment
    }

    /// Bytes of a tensor of a type this reader dequantises (nil for other types). Quantised
    /// types need the row length to be a multiple of the block (checked when dequantising).
    static func byteCount(_ t: TensorInfo) -> Int? {
        guard let b = t.type?.block else { return nil }
        return (t.elementCount + b.elements - 1) / b.elements * b.bytes
    }

    static func value(_ r: inout GGUFByteReader, type: UInt32, key: String, depth: Int) throws -> GGUFValue {
        switch type {
        case 0: return .uint(UInt64(try r.load(UInt8.self, "value of '\(key)'")))
        case 1: return .int(Int64(try r.load(Int8.self, "value of '\(key)'")))
        case 2: return .uint(UInt64(try r.load(UInt16.self, "value of '\(key)'")))
        case 3: return .int(Int64(try r.load(Int16.self, "value of '\(key)'")))
        case 4: return .uint(UInt64(try r.load(UInt32.self, "value of '\(key)'")))
        case 5: return .int(Int64(try r.load(Int32.self, "value of '\(key)'")))
        case 6: return .float(Double(Float(bitPattern: try r.load(UInt32.self, "value of '\(key)'"))))
        case 7:
            let b = try r.load(UInt8.self, "value of '\(key)'")
            guard b <= 1 else { throw r.fail("metadata '\(key)': bool value \(b) is not 0 or 1") }
            return .bool(b == 1)
        case 8: return .string(try r.string("value of '\(key)'"))
        case 9:
            guard depth == 0 else { throw r.fail("metadata '\(key)': arrays of arrays are not supported") }
            let elementType = try r.u32("element type of '\(key)'")
            let minBytes = [0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 8: 8, 9: 12, 10: 8, 11: 8, 12: 8][Int(elementType)] ?? 1
            let n = try r.count("length of '\(key)'", minBytes: minBytes)
            guard n <= maxArrayCount else { throw r.fail("metadata '\(key)': array of \(n) values is longer than \(maxArrayCount)") }
            var out: [GGUFValue] = []
            out.reserveCapacity(n)
            for i in 0..<n { out.append(try value(&r, type: elementType, key: "\(key)[\(i)]", depth: depth + 1)) }
            return .array(out)
        case 10: return .uint(try r.load(UInt64.self, "value of '\(key)'"))
        case 11: return .int(try r.load(Int64.self, "value of '\(key)'"))
        case 12: return .float(Double(bitPattern: try r.load(UInt64.self, "value of '\(key)'")))
        default: throw r.fail("metadata '\(key)' has unknown value type \(type)")
        }
    }

    public func tensor(named name: String) -> TensorInfo? { tensorIndex[name].map { tensors[$0] } }
}

extension GGUFFile {
    /// The stored bytes of a tensor of a type with a known block size (nil for other types).
    public func rawBytes(_ t: TensorInfo) -> Data? {
        guard let n = GGUFFile.byteCount(t) else { return nil }
        return data.subdata(in: t.offset..<(t.offset + n))
    }
}
