import Foundation

/// A minimal protobuf wire-format encoder: just what `ModelFile.write` needs.
/// Reading goes through libprotobuf-c (the generated code is the reference); a test decodes
/// what this writes with libprotobuf-c, so the two cannot drift apart unnoticed.
struct ProtoWriter {
    private(set) var data = Data()

    private enum Wire: UInt64 { case varint = 0, fixed64 = 1, length = 2 }

    private mutating func key(_ field: Int, _ wire: Wire) { varint(UInt64(field) << 3 | wire.rawValue) }

    mutating func varint(_ v: UInt64) {
        var v = v
        while v >= 0x80 {
            data.append(UInt8(v & 0x7F) | 0x80)
            v >>= 7
        }
        data.append(UInt8(v))
    }

    /// A varint field, omitted when zero unless `always` (members of a oneof are always written).
    mutating func uint(_ field: Int, _ v: UInt64, always: Bool = false) {
        guard v != 0 || always else { return }
        key(field, .varint)
        varint(v)
    }

    mutating func int(_ field: Int, _ v: Int64, always: Bool = false) {
        uint(field, UInt64(bitPattern: v), always: always)
    }

    mutating func bool(_ field: Int, _ v: Bool, always: Bool = false) { uint(field, v ? 1 : 0, always: always) }

    mutating func double(_ field: Int, _ v: Double) {
        key(field, .fixed64)
        withUnsafeBytes(of: v.bitPattern.littleEndian) { data.append(contentsOf: $0) }
    }

    mutating func bytes(_ field: Int, _ v: Data, always: Bool = false) {
        guard !v.isEmpty || always else { return }
        key(field, .length)
        varint(UInt64(v.count))
        data.append(v)
    }

    mutating func string(_ field: Int, _ v: String, always: Bool = false) {
        bytes(field, Data(v.utf8), always: always)
    }

    /// An embedded message, always written (presence matters for messages).
    mutating func message(_ field: Int, _ build: (inout ProtoWriter) -> Void) {
        var inner = ProtoWriter()
        build(&inner)
        bytes(field, inner.data, always: true)
    }

    mutating func packedUInts(_ field: Int, _ values: [UInt64]) {
        guard !values.isEmpty else { return }
        var inner = ProtoWriter()
        for v in values { inner.varint(v) }
        bytes(field, inner.data, always: true)
    }

    mutating func packedDoubles(_ field: Int, _ values: [Double]) {
        guard !values.isEmpty else { return }
        var inner = Data()
        for v in values { withUnsafeBytes(of: v.bitPattern.littleEndian) { inner.append(contentsOf: $0) } }
        bytes(field, inner, always: true)
    }
}
