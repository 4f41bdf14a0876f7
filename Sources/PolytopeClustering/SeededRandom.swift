/// xoshiro256** (Blackman & Vigna, "Scrambled Linear Pseudorandom Number Generators",
/// ACM TOMS 2021), seeded through SplitMix64 (Steele, Lea & Flood, OOPSLA 2014) so any 64-bit
/// seed gives a well-mixed state. The library's own generator, so a seed gives the same
/// clustering on every platform and Swift version.
public struct SeededRandom: RandomNumberGenerator, Sendable {
    private var s: (UInt64, UInt64, UInt64, UInt64)

    public init(seed: UInt64) {
        var x = seed
        func splitmix() -> UInt64 {
            x &+= 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s = (splitmix(), splitmix(), splitmix(), splitmix())
    }

    public mutating func next() -> UInt64 {
        let result = ((s.1 &* 5) << 7 | (s.1 &* 5) >> 57) &* 9
        let t = s.1 << 17
        s.2 ^= s.0
        s.3 ^= s.1
        s.1 ^= s.2
        s.0 ^= s.3
        s.2 ^= t
        s.3 = s.3 << 45 | s.3 >> 19
        return result
    }

    /// Uniform integer in `0..<n` (Lemire's multiply-shift with rejection, unbiased).
    public mutating func below(_ n: Int) -> Int {
        precondition(n > 0)
        let bound = UInt64(n)
        var m = next().multipliedFullWidth(by: bound)
        if m.low < bound {
            let threshold = (0 &- bound) % bound
            while m.low < threshold { m = next().multipliedFullWidth(by: bound) }
        }
        return Int(m.high)
    }

    /// Uniform double in [0, 1).
    public mutating func unit() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// `m` distinct indices from `0..<n`, in random order (partial Fisher-Yates; O(m) memory
    /// via a dictionary of displaced entries).
    public mutating func sample(_ m: Int, from n: Int) -> [Int] {
        precondition(m <= n)
        var displaced: [Int: Int] = [:]
        var out: [Int] = []
        out.reserveCapacity(m)
        for i in 0..<m {
            let j = i + below(n - i)
            let vj = displaced[j] ?? j
            displaced[j] = displaced[i] ?? i
            out.append(vj)
        }
        return out
    }
}
