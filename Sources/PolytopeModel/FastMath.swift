import CKernels

/// Branch-free float math that the compiler can vectorize, for the forward pass's hot loops.
public enum FastMath {
    /// e^x with Cephes' expf scheme: x = n ln2 + r, |r| <= ln2/2, a degree-6 polynomial for
    /// e^r, and 2^n from the exponent bits. Relative error below 2e-7 over [-87, 88] (tested
    /// against Foundation's exp); inputs are clamped to that range.
    @inlinable @inline(__always)
    public static func exp(_ v: Float) -> Float {
        // Argument order matters: max(-87, NaN) is -87, so a NaN input (scores that overflowed)
        // gives a tiny value instead of trapping in Int32(n) below.
        let x = min(88.0, max(-87.0, v))
        let n = (x * 1.44269504088896341).rounded(.toNearestOrEven)
        let r = x - n * 0.693359375 + n * 2.12194440e-4
        var p: Float = 1.9875691500e-4
        p = p * r + 1.3981999507e-3
        p = p * r + 8.3334519073e-3
        p = p * r + 4.1665795894e-2
        p = p * r + 1.6666665459e-1
        p = p * r + 5.0000001201e-1
        let y = p * r * r + r + 1
        return y * Float(bitPattern: UInt32(bitPattern: Int32(n) + 127) << 23)
    }

    /// True when the AVX-512 elementwise kernels run on this CPU.
    public static let hasVectorKernels = CPU.features.contains(.avx512)

    /// y = x·Φ(x) (exact-erf GELU, the rational erf of `ActivationFunctions.erfRational`),
    /// 16 lanes at a time; `y` may be `x`. Only when `hasVectorKernels`. - Complexity: O(count).
    public static func geluVector(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int) {
        precondition(hasVectorKernels)
        ck_gelu_avx512(x, y, count)
    }

    /// y = GPT-2's gelu_new (tanh approximation), 16 lanes at a time, tanh from e^(2u);
    /// `y` may be `x`. Only when `hasVectorKernels`. - Complexity: O(count).
    public static func geluTanhVector(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int) {
        precondition(hasVectorKernels)
        ck_gelu_tanh_avx512(x, y, count)
    }
}
