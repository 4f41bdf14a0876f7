import Foundation

/// A safetensors file (Hugging Face): an 8-byte little-endian header length, a JSON header
/// mapping tensor names to dtype, shape and byte offsets, then the data. Memory-mapped; the
/// header is validated against the file size before any tensor is touched.
public final class SafetensorsFile: @unchecked Sendable {
    public struct Entry: Sendable, Equatable {
        public var dtype: String        // "F32", "F16", "BF16", ...
        public var shape: [Int]
        public var begin: Int           // absolute offset in the file
        public var end: Int
    }

    public let path: String
    public let entries: [String: Entry]
    public let metadata: [String: String]
    let file: MappedFile

    /// Headers larger than this are refused (the format's own reference limit is 100 MB).
    static let maxHeaderBytes = 100_000_000

    public init(path: String) throws {
        self.path = path
        do { file = try MappedFile(path: path) } catch let e as MappedFileError {
            throw SafetensorsError(path: path, reason: e.reason)
        }
        guard let lenBytes = file.bytes(offset: 0, count: 8) else {
            throw SafetensorsError(path: path, reason: "file is \(file.size) bytes, too short for a safetensors header")
        }
        let headerLen = Int(lenBytes.loadUnaligned(as: UInt64.self).littleEndian & 0x7FFF_FFFF_FFFF_FFFF)
        guard headerLen <= SafetensorsFile.maxHeaderBytes, let header = file.bytes(offset: 8, count: headerLen) else {
            throw SafetensorsError(path: path, reason: "header claims \(headerLen) bytes but the file has \(file.size)")
        }
        let json: Any
        do { json = try JSONSerialization.jsonObject(with: Data(header)) } catch {
            throw SafetensorsError(path: path, reason: "header is not valid JSON")
        }
        guard let dict = json as? [String: Any] else { throw SafetensorsError(path: path, reason: "header is not a JSON object") }
        let dataStart = 8 + headerLen
        var entries: [String: Entry] = [:]
        var metadata: [String: String] = [:]
        for (name, value) in dict {
            if name == "__metadata__" {
                for (k, v) in value as? [String: Any] ?? [:] { metadata[k] = "\(v)" }
                continue
            }
            guard let o = value as? [String: Any], let dtype = o["dtype"] as? String,
                  let shape = o["shape"] as? [Int], let offs = o["data_offsets"] as? [Int], offs.count == 2 else {
                throw SafetensorsError(path: path, reason: "tensor '\(name)': header entry lacks dtype, shape or data_offsets")
            }
            guard offs[0] >= 0, offs[1] >= offs[0], offs[1] <= file.size - dataStart else {
                throw SafetensorsError(path: path, reason: "tensor '\(name)': data_offsets \(offs) lie outside the file (\(file.size - dataStart) data bytes)")
            }
            entries[name] = Entry(dtype: dtype, shape: shape, begin: dataStart + offs[0], end: dataStart + offs[1])
        }
        self.entries = entries
        self.metadata = metadata
    }

    /// The raw bytes of a tensor (mapped, not copied).
    public func bytes(_ entry: Entry) -> UnsafeRawBufferPointer {
        file.bytes(offset: entry.begin, count: entry.end - entry.begin)!
    }
}

public struct SafetensorsError: Error, CustomStringConvertible, LocalizedError {
    public let path: String
    public let reason: String
    public var description: String { "safetensors file \(path): \(reason)" }
    public var errorDescription: String? { description }
}
