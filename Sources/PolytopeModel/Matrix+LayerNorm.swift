extension Matrix {
    /// Layer normalisation of each row in place: (x - mean) / sqrt(var + eps) * weight + bias
    /// (Ba et al. 2016; biased variance, as PyTorch). Accumulates in Double so long rows keep
    /// float32 precision. Shared by the `layer_norm` kind and kinds that embed one (SoLU).
    ///
    /// - Complexity: O(rows * cols).
    public mutating func layerNormalize(weight: [Float], bias: [Float]?, eps: Float) {
        let d = cols, n = rows
        precondition(weight.count == d && (bias == nil || bias!.count == d))
        data.withUnsafeMutableBufferPointer { x in
            let base = x.baseAddress!
            Parallel.forEachChunk(count: n, cost: 4 * d) { rows in
            for r in rows {
                let row = base + r * d
                var sum = 0.0
                for c in 0..<d { sum += Double(row[c]) }
                let mean = sum / Double(d)
                var sq = 0.0
                for c in 0..<d { let v = Double(row[c]) - mean; sq += v * v }
                let inv = Float(1.0 / (sq / Double(d) + Double(eps)).squareRoot())
                let meanF = Float(mean)
                if let bias {
                    for c in 0..<d { row[c] = (row[c] - meanF) * inv * weight[c] + bias[c] }
                } else {
                    for c in 0..<d { row[c] = (row[c] - meanF) * inv * weight[c] }
                }
            }
            }
        }
    }
}
