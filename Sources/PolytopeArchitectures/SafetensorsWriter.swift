import Foundation
import PolytopeIO

/// Writes float32 tensors as a safetensors file (8-byte little-endian header length, JSON
/// header of dtype / shape / data_offsets padded with spaces to 8 bytes, then the data),
/// atomically: temporary name, then rename. - Complexity: O(total elements).
enum SafetensorsWriter {
    static func write(_ tensors: [(name: String, shape: [Int], values: () throws -> [Float])], to path: String) throws {
        var header: [String: Any] = ["__metadata__": ["format": "pt", "written_by": "polytope import"]]
        var offset = 0
        for t in tensors {
            let bytes = t.shape.reduce(1, *) * 4
            header[t.name] = ["dtype": "F32", "shape": t.shape, "data_offsets": [offset, offset + bytes]]
            offset += bytes
        }
        var json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
        while json.count % 8 != 0 { json.append(0x20) }
        var data = Data()
        data.reserveCapacity(8 + json.count + offset)
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { data.append(contentsOf: $0) }
        data.append(json)
        for t in tensors {
            let v = try t.values()
            precondition(v.count == t.shape.reduce(1, *), "SafetensorsWriter: \(t.name) has \(v.count) values for \(t.shape)")
            v.withUnsafeBytes { data.append(contentsOf: $0) }  // little-endian hosts only (x86-64, arm64)
        }
        try AtomicFile.write(data, to: URL(fileURLWithPath: path))
    }
}
