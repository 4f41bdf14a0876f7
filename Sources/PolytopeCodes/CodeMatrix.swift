import Foundation

/// Bit-packed polytope codes: one row per token, one bit per (unit, knot).
///
/// Layout: bit `j` of a row is byte `j / 8`, bit `7 - j % 8` of that byte, the order of
/// `np.packbits` (so `.npy` export is a copy). Each row is padded with zero bits to a multiple
/// of 512 bits (64 bytes, one AVX-512 vector); the padding never changes a Hamming distance.
/// Storage is 64-byte aligned, so every row starts on a cache line.
///
/// Value semantics (copy on write).
public struct CodeMatrix: Sendable {
    /// Bits per row (code width).
    public let bits: Int
    /// Number of rows (tokens).
    public private(set) var rows: Int
    /// 64-bit words per row including padding (a multiple of 8).
    public let wordsPerRow: Int
    var storage: CodeStorage

    /// Bytes of one code without padding, `ceil(bits / 8)` (the `.npy` row width).
    public var bytesPerRow: Int { (bits + 7) / 8 }
    /// Bytes of one padded row, a multiple of 64.
    public var strideBytes: Int { wordsPerRow * 8 }

    /// Padded row stride in 64-bit words for a width: `ceil(bits / 512) * 8`.
    public static func wordsPerRow(bits: Int) -> Int { (bits + 511) / 512 * 8 }

    /// `rows` all-zero codes of `bits` bits.
    /// - Throws: `CodeError.badWidth` unless `1 <= bits <= 65535`.
    public init(bits: Int, rows: Int = 0) throws {
        guard (1...65535).contains(bits) else { throw CodeError.badWidth(bits: bits) }
        self.bits = bits
        self.rows = rows
        self.wordsPerRow = Self.wordsPerRow(bits: bits)
        self.storage = CodeStorage(words: max(rows, 1) * wordsPerRow)
    }

    /// Codes from packed bytes, `bytesPerRow = ceil(bits/8)` bytes per row in `np.packbits` order.
    /// Bits past `bits` in the last byte are cleared.
    public init(bits: Int, packedBytes: UnsafeRawBufferPointer, rows: Int) throws {
        try self.init(bits: bits, rows: rows)
        let bpr = bytesPerRow
        guard packedBytes.count == bpr * rows else {
            throw CodeError.badInput("\(packedBytes.count) bytes for \(rows) rows of \(bpr) bytes")
        }
        let stride = strideBytes
        let tailMask: UInt8 = bits % 8 == 0 ? 0xFF : UInt8(truncatingIfNeeded: 0xFF << (8 - bits % 8))
        let dst = UnsafeMutableRawPointer(storage.words)
        for r in 0..<rows {
            let row = dst + r * stride
            row.copyMemory(from: packedBytes.baseAddress! + r * bpr, byteCount: bpr)
            row.storeBytes(of: row.load(fromByteOffset: bpr - 1, as: UInt8.self) & tailMask,
                           toByteOffset: bpr - 1, as: UInt8.self)
        }
    }

    /// Codes from pre-activations through an activation's knots: bit `(u * knots.count + t)` of
    /// row `r` is `values[r * units + u] > knots[t]`. ReLU and GELU have the single knot 0,
    /// so the bit is `pre-activation > 0` (exactly 0 gives 0). NaN gives 0.
    ///
    /// - Complexity: O(rows * units * knots.count).
    public init(preActivations values: UnsafeBufferPointer<Float>, rows: Int, units: Int, knots: [Float] = [0]) throws {
        guard !knots.isEmpty else { throw CodeError.badInput("an activation needs at least one knot") }
        guard values.count == rows * units else {
            throw CodeError.badInput("\(values.count) values are not \(rows) rows x \(units) units")
        }
        try self.init(bits: units * knots.count, rows: rows)
        let stride = strideBytes
        let bytes = UnsafeMutableRawPointer(storage.words).assumingMemoryBound(to: UInt8.self)
        for r in 0..<rows {
            let row = bytes + r * stride
            let src = values.baseAddress! + r * units
            var bit = 0
            for u in 0..<units {
                let v = src[u]
                for k in knots {
                    if v > k { row[bit >> 3] |= UInt8(0x80) >> UInt8(bit & 7) }
                    bit += 1
                }
            }
        }
    }

    /// Codes when every unit has its own knots (JumpReLU thresholds): `unitKnots` holds
    /// `units * knotsPerUnit` values, unit-major, each unit's ascending; bit `u * knotsPerUnit + k`
    /// is `pre[u] > unitKnots[u * knotsPerUnit + k]`. O(rows × units × knotsPerUnit).
    public init(preActivations values: [Float], rows: Int, units: Int, unitKnots: [Float], knotsPerUnit: Int) throws {
        guard knotsPerUnit >= 1 else { throw CodeError.badInput("an activation needs at least one knot per unit") }
        guard unitKnots.count == units * knotsPerUnit else {
            throw CodeError.badInput("\(unitKnots.count) per-unit knots are not \(units) units x \(knotsPerUnit)")
        }
        guard values.count == rows * units else { throw CodeError.badInput("\(values.count) values are not \(rows) rows x \(units) units") }
        try self.init(bits: units * knotsPerUnit, rows: rows)
        for r in 0..<rows {
            for u in 0..<units {
                let v = values[r * units + u]
                for k in 0..<knotsPerUnit where v > unitKnots[u * knotsPerUnit + k] { self[r, u * knotsPerUnit + k] = true }
            }
        }
    }

    /// Convenience over an array of `rows * units` pre-activations.
    public init(preActivations values: [Float], rows: Int, units: Int, knots: [Float] = [0]) throws {
        self = try values.withUnsafeBufferPointer { try CodeMatrix(preActivations: $0, rows: rows, units: units, knots: knots) }
    }

    /// Codes from booleans, `rows * bits` of them, row-major.
    public init(bools: [Bool], rows: Int, bits: Int) throws {
        guard bools.count == rows * bits else { throw CodeError.badInput("\(bools.count) bools are not \(rows) x \(bits)") }
        try self.init(bits: bits, rows: rows)
        for r in 0..<rows { for b in 0..<bits where bools[r * bits + b] { self[r, b] = true } }
    }

    /// Bit `bit` of row `row`.
    public subscript(row: Int, bit: Int) -> Bool {
        get {
            precondition(row >= 0 && row < rows && bit >= 0 && bit < bits, "CodeMatrix index out of range")
            let byte = UnsafeRawPointer(storage.words).load(fromByteOffset: row * strideBytes + bit >> 3, as: UInt8.self)
            return byte & (UInt8(0x80) >> UInt8(bit & 7)) != 0
        }
        set {
            precondition(row >= 0 && row < rows && bit >= 0 && bit < bits, "CodeMatrix index out of range")
            makeUnique()
            let p = UnsafeMutableRawPointer(storage.words).assumingMemoryBound(to: UInt8.self) + row * strideBytes + bit >> 3
            let mask = UInt8(0x80) >> UInt8(bit & 7)
            p.pointee = newValue ? p.pointee | mask : p.pointee & ~mask
        }
    }

    /// Calls `body` with the padded words of all rows (`rows * wordsPerRow`, 64-byte aligned).
    public func withUnsafeWords<R>(_ body: (UnsafeBufferPointer<UInt64>) throws -> R) rethrows -> R {
        try withExtendedLifetime(storage) {
            try body(UnsafeBufferPointer(start: storage.words, count: rows * wordsPerRow))
        }
    }

    /// The packed bytes of one row without padding (`bytesPerRow`), `np.packbits` order.
    public func packedRow(_ row: Int) -> [UInt8] {
        precondition(row >= 0 && row < rows)
        return withUnsafeWords { w in
            Array(UnsafeRawBufferPointer(start: UnsafeRawPointer(w.baseAddress!) + row * strideBytes, count: bytesPerRow))
        }
    }

    /// All rows packed without padding: `rows * bytesPerRow` bytes (the `.npy` uint8 layout).
    public func packedBytes() -> Data {
        var out = Data(count: rows * bytesPerRow)
        let bpr = bytesPerRow, stride = strideBytes
        out.withUnsafeMutableBytes { dst in
            withUnsafeWords { w in
                let src = UnsafeRawPointer(w.baseAddress!)
                for r in 0..<rows { (dst.baseAddress! + r * bpr).copyMemory(from: src + r * stride, byteCount: bpr) }
            }
        }
        return out
    }

    /// Appends the rows of `other`.
    /// - Throws: `CodeError.widthMismatch` when the widths differ.
    public mutating func append(contentsOf other: CodeMatrix) throws {
        guard other.bits == bits else { throw CodeError.widthMismatch(expected: bits, found: other.bits, context: "append") }
        let newRows = rows + other.rows
        if !isKnownUniquelyReferenced(&storage) || storage.capacityWords < newRows * wordsPerRow {
            let grown = CodeStorage(words: max(newRows, rows * 2, 1) * wordsPerRow)
            grown.words.update(from: storage.words, count: rows * wordsPerRow)
            storage = grown
        }
        other.withUnsafeWords { src in
            (storage.words + rows * wordsPerRow).update(from: src.baseAddress!, count: other.rows * wordsPerRow)
        }
        rows = newRows
    }

    /// The rows at `indices`, in that order.
    public func subset(_ indices: [Int]) -> CodeMatrix {
        let out = try! CodeMatrix(bits: bits, rows: indices.count)
        let w = wordsPerRow
        for (k, i) in indices.enumerated() {
            precondition(i >= 0 && i < rows, "row \(i) out of range 0..<\(rows)")
            (out.storage.words + k * w).update(from: storage.words + i * w, count: w)
        }
        return out
    }

    /// Number of one bits in each row.
    public func popcounts() -> [Int] {
        (0..<rows).map { r in (0..<wordsPerRow).reduce(0) { $0 + storage.words[r * wordsPerRow + $1].nonzeroBitCount } }
    }

    private mutating func makeUnique() {
        if !isKnownUniquelyReferenced(&storage) {
            let copy = CodeStorage(words: storage.capacityWords)
            copy.words.update(from: storage.words, count: storage.capacityWords)
            storage = copy
        }
    }
}

extension CodeMatrix: Equatable {
    /// Equal widths, row counts and bits.
    public static func == (a: CodeMatrix, b: CodeMatrix) -> Bool {
        guard a.bits == b.bits, a.rows == b.rows else { return false }
        return memcmp(a.storage.words, b.storage.words, a.rows * a.wordsPerRow * 8) == 0
    }
}

/// 64-byte-aligned, zero-initialised word storage for `CodeMatrix`.
final class CodeStorage: @unchecked Sendable {
    let words: UnsafeMutablePointer<UInt64>
    let capacityWords: Int

    init(words count: Int) {
        let raw = UnsafeMutableRawPointer.allocate(byteCount: max(count, 8) * 8, alignment: 64)
        raw.initializeMemory(as: UInt8.self, repeating: 0, count: max(count, 8) * 8)
        words = raw.bindMemory(to: UInt64.self, capacity: max(count, 8))
        capacityWords = count
    }

    deinit { words.deallocate() }
}
