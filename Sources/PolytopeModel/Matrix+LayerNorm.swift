import CKernels

extension Matrix {
    /// Layer normalisation of each row in place: (x - mean) / sqrt(var + eps) * weight + bias
    /// (Ba et al. 2016; biased variance, as PyTorch), two-pass mean and variance. With AVX-512
    /// a vectorised kernel (16 partial sums per pass, fp32); elsewhere a loop accumulating in
    /// Double. Shared by the `layer_norm` kind and kinds that embed one (SoLU).
    ///
    /// - Complexity: O(rows * cols), split over `threading`.
    public mutating func layerNormalize(weight: [Float], bias: [Float]?, eps: Float, threading: Threading = .allCores) {
        let d = cols, n = rows
        precondition(weight.count == d && (bias == nil || bias!.count == d))
        let vector = CPU.features.contains(.avx512)
        data.withUnsafeMutableBufferPointer { x in
            let base = x.baseAddress!
            weight.withUnsafeBufferPointer { w in
            (bias ?? []).withUnsafeBufferPointer { bb in
            let bp = bias == nil ? nil : bb.baseAddress
            threading.forEachChunk(count: n, cost: 4 * d) { rows in
            if vector {
                ck_layer_norm_avx512(base, d, rows.lowerBound, rows.upperBound, w.baseAddress!, bp, eps)
                return
            }
            for r in rows {
                let row = base + r * d
                var sum = 0.0
                for c in 0..<d { sum += Double(row[c]) }
                let mean = sum / Double(d)
                var sq = 0.0
                for c in 0..<d { let v = Double(row[c]) - mean; sq += v * v }
                let inv = Float(1.0 / (sq / Double(d) + Double(eps)).squareRoot())
                let meanF = Float(mean)
                if let bp {
                    for c in 0..<d { row[c] = (row[c] - meanF) * inv * w[c] + bp[c] }
                } else {
                    for c in 0..<d { row[c] = (row[c] - meanF) * inv * w[c] }
                }
            }
            }
            }
            }
        }
    }
}
