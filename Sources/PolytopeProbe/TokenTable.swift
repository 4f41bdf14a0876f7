import Foundation
import PolytopeIO

/// Where a recorded token came from. One fixed-size little-endian record per code row:
/// document u32, window u32, position u32, token id u32, byte start u64, byte end u64,
/// previous token id i32 (-1 at a window's first position), reserved u32.
public struct TokenRecord: Sendable, Equatable {
    public var document: Int
    public var window: Int
    public var position: Int
    public var tokenID: Int
    public var byteStart: Int
    public var byteEnd: Int
    /// The token before it in its window, or -1 at the window's first position.
    public var previousTokenID: Int

    public static let size = 40

    func encode(into data: inout Data) {
        for v in [UInt32(document), UInt32(window), UInt32(position), UInt32(tokenID)] {
            withUnsafeBytes(of: v.littleEndian) { data.append(contentsOf: $0) }
        }
        for v in [UInt64(byteStart), UInt64(byteEnd)] {
            withUnsafeBytes(of: v.littleEndian) { data.append(contentsOf: $0) }
        }
        for v in [UInt32(bitPattern: Int32(previousTokenID)), UInt32(0)] {
            withUnsafeBytes(of: v.littleEndian) { data.append(contentsOf: $0) }
        }
    }

    static func decode(_ raw: UnsafeRawBufferPointer, at offset: Int) -> TokenRecord {
        func u32(_ o: Int) -> Int { Int(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: offset + o, as: UInt32.self))) }
        func u64(_ o: Int) -> Int { Int(UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: offset + o, as: UInt64.self))) }
        let prev = Int(Int32(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: offset + 32, as: UInt32.self))))
        return TokenRecord(document: u32(0), window: u32(4), position: u32(8), tokenID: u32(12), byteStart: u64(16), byteEnd: u64(24),
                           previousTokenID: prev)
    }
}

/// The probe's `tokens.bin`: one `TokenRecord` per recorded token, appended batch by batch.
public final class TokenTableWriter {
    public let url: URL
    private let file: AppendableFile
    public private(set) var rows: Int

    /// Opens (creating if needed) and cuts the table to `rows` records (a resumed probe's
    /// committed count; anything after it came from a batch that did not finish).
    public init(url: URL, rows: Int) throws {
        self.url = url
        file = try AppendableFile(url: url, create: true)
        let size = try file.size()
        guard size >= rows * TokenRecord.size else {
            throw ProbeError.corruptState("\(url.path) holds \(size / TokenRecord.size) token records, the probe state says \(rows)")
        }
        if size != rows * TokenRecord.size { try file.truncate(to: rows * TokenRecord.size) }
        self.rows = rows
    }

    public func append(_ records: [TokenRecord]) throws {
        var data = Data(capacity: records.count * TokenRecord.size)
        for r in records { r.encode(into: &data) }
        try file.write(data, at: rows * TokenRecord.size)
        try file.sync()
        rows += records.count
    }
}

public enum TokenTable {
    public static func read(_ url: URL) throws -> [TokenRecord] {
        let data = try Data(contentsOf: url)
        let n = data.count / TokenRecord.size
        return data.withUnsafeBytes { raw in (0..<n).map { TokenRecord.decode(raw, at: $0 * TokenRecord.size) } }
    }
}
