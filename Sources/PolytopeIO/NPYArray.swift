import Foundation

/// An n-dimensional NumPy array held as raw little-endian bytes in C (row-major) order.
///
/// ```swift
/// let a = NPYArray(float32: [1, 2, 3, 4, 5, 6], shape: [2, 3])
/// try a.write(to: URL(fileURLWithPath: "a.npy"))       // np.load("a.npy") reads it
/// let b = try NPYArray.read(from: URL(fileURLWithPath: "a.npy"))
/// let xs = try b.floats()
/// ```
public struct NPYArray: Equatable, Sendable {
    public var dtype: NPYDType
    public var shape: [Int]
    /// `shape.product * dtype.size` bytes, little-endian, C order.
    public var data: Data

    /// Wraps raw bytes. - Precondition: `data.count` matches shape and dtype.
    public init(dtype: NPYDType, shape: [Int], data: Data) {
        precondition(NPYHeader(dtype: dtype, shape: shape).byteCount == data.count,
                     "NPYArray: \(data.count) bytes do not match shape \(shape) of \(dtype)")
        self.dtype = dtype
        self.shape = shape
        self.data = data
    }

    public init(float32 values: [Float], shape: [Int]) {
        self.init(dtype: .float32, shape: shape, data: Self.bytes(of: values.map { $0.bitPattern.littleEndian }))
    }

    public init(float64 values: [Double], shape: [Int]) {
        self.init(dtype: .float64, shape: shape, data: Self.bytes(of: values.map { $0.bitPattern.littleEndian }))
    }

    public init(uint8 values: [UInt8], shape: [Int]) {
        self.init(dtype: .uint8, shape: shape, data: Data(values))
    }

    public init(bool values: [Bool], shape: [Int]) {
        self.init(dtype: .bool, shape: shape, data: Data(values.map { $0 ? 1 : 0 }))
    }

    public init(uint16 values: [UInt16], shape: [Int]) {
        self.init(dtype: .uint16, shape: shape, data: Self.bytes(of: values.map { $0.littleEndian }))
    }

    public init(int32 values: [Int32], shape: [Int]) {
        self.init(dtype: .int32, shape: shape, data: Self.bytes(of: values.map { $0.littleEndian }))
    }

    public init(int64 values: [Int64], shape: [Int]) {
        self.init(dtype: .int64, shape: shape, data: Self.bytes(of: values.map { $0.littleEndian }))
    }

    /// Number of elements.
    public var count: Int { shape.reduce(1, *) }

    private static func bytes<T>(of values: [T]) -> Data {
        values.withUnsafeBytes { Data($0) }
    }

    private func elements<T: FixedWidthInteger>(_ expected: NPYDType, as: T.Type) throws -> [T] {
        guard dtype == expected else { throw NPYError.wrongDType(expected: expected, found: dtype) }
        let n = count
        return [T](unsafeUninitializedCapacity: n) { buf, initialized in
            data.withUnsafeBytes { raw in
                for i in 0..<n { buf[i] = T(littleEndian: raw.loadUnaligned(fromByteOffset: i * MemoryLayout<T>.size, as: T.self)) }
            }
            initialized = n
        }
    }

    /// The elements as `Float`; converts from float16 and float64.
    public func floats() throws -> [Float] {
        switch dtype {
        case .float32: return try elements(.float32, as: UInt32.self).map { Float(bitPattern: $0) }
        case .float64: return try elements(.float64, as: UInt64.self).map { Float(Double(bitPattern: $0)) }
        case .float16: return try elements(.float16, as: UInt16.self).map { Float(Self.halfToFloat($0)) }
        default: throw NPYError.wrongDType(expected: .float32, found: dtype)
        }
    }

    /// The elements as `Double` (from float16, float32 or float64).
    public func doubles() throws -> [Double] {
        if dtype == .float64 { return try elements(.float64, as: UInt64.self).map { Double(bitPattern: $0) } }
        return try floats().map(Double.init)
    }

    public func uint8s() throws -> [UInt8] { try elements(.uint8, as: UInt8.self) }
    public func bools() throws -> [Bool] { try elements(.bool, as: UInt8.self).map { $0 != 0 } }
    public func uint16s() throws -> [UInt16] { try elements(.uint16, as: UInt16.self) }
    public func int32s() throws -> [Int32] { try elements(.int32, as: Int32.self) }

    /// The elements as `Int64` (from int64, int32, uint16 or uint8).
    public func int64s() throws -> [Int64] {
        switch dtype {
        case .int64: return try elements(.int64, as: Int64.self)
        case .int32: return try int32s().map(Int64.init)
        case .uint16: return try uint16s().map(Int64.init)
        case .uint8: return try uint8s().map(Int64.init)
        default: throw NPYError.wrongDType(expected: .int64, found: dtype)
        }
    }

    /// IEEE 754 binary16 to binary32, portable (no reliance on `Float16` availability).
    static func halfToFloat(_ h: UInt16) -> Float {
        let sign: UInt32 = UInt32(h >> 15) << 31
        let exp = Int((h >> 10) & 0x1F)
        let mant = UInt32(h & 0x3FF)
        if exp == 0 {
            let v = Float(mant) * Float(sign: .plus, exponent: -24, significand: 1)
            return sign != 0 ? -v : v
        }
        if exp == 31 { return Float(bitPattern: sign | 0x7F80_0000 | (mant << 13)) }
        return Float(bitPattern: sign | UInt32(exp - 15 + 127) << 23 | (mant << 13))
    }

    // MARK: - Files

    /// Reads a `.npy` file (versions 1.0, 2.0, 3.0; C order).
    ///
    /// - Throws: `NPYError` naming the file: not a .npy file, bad header, unsupported dtype,
    ///   Fortran order, a shape whose size overflows, or data bytes that do not match the shape.
    public static func read(from url: URL) throws -> NPYArray {
        let bytes: Data
        do {
            bytes = try Data(contentsOf: url, options: .mappedIfSafe)
        } catch {
            throw NPYError.unreadable(path: url.path, reason: Self.reason(error))
        }
        return try decode(bytes, path: url.path)
    }

    /// Decodes an in-memory `.npy` image; `path` names it in errors.
    public static func decode(_ bytes: Data, path: String) throws -> NPYArray {
        let header = try NPYHeader.decode(bytes, path: path)
        let expected = header.byteCount!
        let present = bytes.count - header.dataOffset
        guard present == expected else {
            throw NPYError.sizeMismatch(path: path, expectedBytes: expected, presentBytes: present)
        }
        let start = bytes.startIndex + header.dataOffset
        return NPYArray(dtype: header.dtype, shape: header.shape, data: Data(bytes[start..<(start + expected)]))
    }

    /// The complete file image (header + data).
    public func encoded() -> Data {
        var out = Data(NPYHeader(dtype: dtype, shape: shape).encode())
        out.append(data)
        return out
    }

    /// Writes atomically (temporary file in the same directory, fsync, rename).
    /// - Throws: `FileWriteError` naming the path.
    public func write(to url: URL) throws {
        try AtomicFile.write(encoded(), to: url)
    }

    static func reason(_ error: Error) -> String {
        let ns = error as NSError
        if let posix = ns.userInfo[NSUnderlyingErrorKey] as? NSError, posix.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(posix.code)))
        }
        if ns.domain == NSCocoaErrorDomain {
            switch ns.code {
            case NSFileReadNoSuchFileError: return "no such file"
            case NSFileReadNoPermissionError: return "permission denied"
            default: break
            }
        }
        return ns.localizedDescription
    }
}
