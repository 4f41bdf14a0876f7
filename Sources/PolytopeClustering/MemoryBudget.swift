/// Memory budgets written like `4G`, `512M`, `1.5GiB` or a plain byte count.
public enum MemoryBudget {
    /// The default budget for choosing a clustering mode: 4 GiB. A 4 GiB `UInt16` matrix holds
    /// N up to 46,340 codes; past that FasterPAM runs matrix-free or as CLARA.
    public static let defaultBytes = 4 << 30

    /// Parses `123`, `64K`, `512M`, `4G`, `1T` (binary multiples; an optional `B`/`iB` suffix,
    /// any case). Returns nil when malformed or not positive.
    public static func parse(_ text: String) -> Int? {
        var s = text.trimmingCharacters(in: .whitespaces).uppercased()
        for suffix in ["IB", "B"] where s.hasSuffix(suffix) && s.count > suffix.count { s.removeLast(suffix.count) }
        var mult = 1
        if let last = s.last, let p = "KMGT".firstIndex(of: last) {
            mult = 1 << (10 * ("KMGT".distance(from: "KMGT".startIndex, to: p) + 1))
            s.removeLast()
        }
        guard let v = Double(s), v > 0, v * Double(mult) < 9e18 else { return nil }
        return Int(v * Double(mult))
    }

    /// Human-readable: `4.0 GiB`, `512.0 MiB`, `100 B`.
    public static func format(_ bytes: Int) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var v = Double(bytes), u = 0
        while v >= 1024 && u < units.count - 1 {
            v /= 1024
            u += 1
        }
        return u == 0 ? "\(bytes) B" : String(format: "%.1f %@", v, units[u])
    }
}

import Foundation
