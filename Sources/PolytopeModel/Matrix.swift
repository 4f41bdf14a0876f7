/// A row-major float32 matrix: one row per token (all sequences of a batch, padded, in order).
public struct Matrix: Sendable, Equatable {
    public var rows: Int
    public var cols: Int
    public var data: [Float]

    public init(rows: Int, cols: Int, data: [Float]) {
        precondition(data.count == rows * cols, "Matrix: \(data.count) values for \(rows) x \(cols)")
        self.rows = rows
        self.cols = cols
        self.data = data
    }

    public init(zeros rows: Int, _ cols: Int) {
        self.init(rows: rows, cols: cols, data: [Float](repeating: 0, count: rows * cols))
    }

    /// The first NaN or infinite element in row-major order, or nil. O(rows × cols).
    public func firstNonFinite() -> (row: Int, col: Int, value: Float)? {
        guard let i = data.firstIndex(where: { !$0.isFinite }) else { return nil }
        return (i / cols, i % cols, data[i])
    }

    public subscript(r: Int, c: Int) -> Float {
        get { data[r * cols + c] }
        set { data[r * cols + c] = newValue }
    }

    public func row(_ r: Int) -> ArraySlice<Float> { data[(r * cols)..<((r + 1) * cols)] }

    /// The rows at the given indices, in that order.
    public func rows(_ indices: [Int]) -> Matrix {
        var out = [Float]()
        out.reserveCapacity(indices.count * cols)
        for r in indices { out.append(contentsOf: row(r)) }
        return Matrix(rows: indices.count, cols: cols, data: out)
    }
}
