import Foundation
import PolytopeIO

extension CodeMatrix {
    /// The codes as a NumPy array: `uint8 [rows, ceil(bits/8)]` in `np.packbits` bit order, so
    /// `np.unpackbits(a, axis=1)[:, :bits]` gives the bits back.
    public func npyArray() -> NPYArray {
        NPYArray(dtype: .uint8, shape: [rows, bytesPerRow], data: packedBytes())
    }

    /// Codes from a NumPy array: packed `uint8 [N, B]` (`np.packbits` order; `bits` defaults to
    /// `8 * B`) or `bool [N, bits]`. `path` names the source in errors.
    /// - Throws: `CodeError.badArray` for other shapes or dtypes, `CodeError.badWidth`.
    public init(npy array: NPYArray, bits: Int? = nil, path: String = "<array>") throws {
        guard array.shape.count == 2 else {
            throw CodeError.badArray(path: path, reason: "expected a 2-D array [tokens, bytes or bits], got shape \(array.shape)")
        }
        let (n, cols) = (array.shape[0], array.shape[1])
        switch array.dtype {
        case .uint8:
            let width = bits ?? cols * 8
            guard (width + 7) / 8 == cols else {
                throw CodeError.badArray(path: path, reason: "\(cols) bytes per row cannot hold exactly \(width) bits")
            }
            self = try array.data.withUnsafeBytes { try CodeMatrix(bits: width, packedBytes: $0, rows: n) }
        case .bool:
            if let bits, bits != cols {
                throw CodeError.badArray(path: path, reason: "bool array has \(cols) bits per row, expected \(bits)")
            }
            try self.init(bits: cols, rows: n)
            let stride = strideBytes
            let dst = UnsafeMutableRawPointer(storage.words).assumingMemoryBound(to: UInt8.self)
            array.data.withUnsafeBytes { (src: UnsafeRawBufferPointer) in
                for r in 0..<n {
                    let row = dst + r * stride
                    for b in 0..<cols where src[r * cols + b] != 0 { row[b >> 3] |= UInt8(0x80) >> UInt8(b & 7) }
                }
            }
        default:
            throw CodeError.badArray(path: path, reason: "dtype '\(array.dtype)' is not packed uint8 or bool")
        }
    }

    /// Writes the packed `uint8` `.npy` atomically.
    public func writeNPY(to url: URL) throws {
        try npyArray().write(to: url)
    }

    /// Reads codes from a `.npy` file (packed `uint8` or `bool`).
    public static func readNPY(from url: URL, bits: Int? = nil) throws -> CodeMatrix {
        try CodeMatrix(npy: NPYArray.read(from: url), bits: bits, path: url.path)
    }

    /// Loads codes from either a code file or a `.npy` file, chosen by the file's magic bytes.
    /// - Throws: `CodeError.empty` for zero rows, `CodeError.notCodeFile`, read errors naming the path.
    public static func load(from url: URL) throws -> CodeMatrix {
        guard let handle = FileHandle(forReadingAtPath: url.path) else {
            let reason = FileManager.default.fileExists(atPath: url.path) ? "permission denied" : "no such file"
            throw CodeError.unreadable(path: url.path, reason: reason)
        }
        let magic = (try? handle.read(upToCount: 8)) ?? Data()
        try? handle.close()
        let codes: CodeMatrix
        if magic.starts(with: [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]) {
            codes = try readNPY(from: url)
        } else if magic.starts(with: CodeFile.magic) {
            codes = try CodeFile.read(from: url).codes
        } else if magic.isEmpty {
            throw CodeError.empty(path: url.path)
        } else {
            throw CodeError.notCodeFile(path: url.path)
        }
        guard codes.rows > 0 else { throw CodeError.empty(path: url.path) }
        return codes
    }
}
