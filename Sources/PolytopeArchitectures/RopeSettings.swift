import Foundation

/// A JSON value of a config setting whose content only matters when present (e.g. `rope_scaling`).
enum JSONValue: Decodable, Equatable {
    case null, bool(Bool), number(Double), string(String), array([JSONValue]), object([String: JSONValue])

    init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let n = try? c.decode(Double.self) { self = .number(n) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else if let a = try? c.decode([JSONValue].self) { self = .array(a) }
        else { self = .object(try c.decode([String: JSONValue].self)) }
    }

    subscript(key: String) -> JSONValue? {
        if case .object(let o) = self { return o[key] }
        return nil
    }
    var number: Double? { if case .number(let n) = self { return n }; return nil }
    var string: String? { if case .string(let s) = self { return s }; return nil }
}

/// Rotary settings as configs spell them: `rope_theta` / `rotary_emb_base` and
/// `partial_rotary_factor` / `rotary_pct` at the top level (checkpoints on the Hub), or inside
/// `rope_parameters` (transformers 5). Scaled rope (`rope_scaling` or a `rope_type` other than
/// "default": linear, dynamic, yarn, llama3, ...) is refused by name.
struct RopeSettings {
    var theta: Double
    var partialFactor: Double

    static func resolve(theta: Double?, base: Double?, pct: Double?, partial: Double?,
                        parameters: JSONValue?, scaling: JSONValue?, defaultTheta: Double, defaultPartial: Double) throws -> RopeSettings {
        for (name, v) in [("rope_scaling", scaling), ("rope_parameters", parameters)] {
            guard let v, v != .null else { continue }
            let type = v["rope_type"]?.string ?? v["type"]?.string ?? (name == "rope_scaling" ? "unknown" : "default")
            guard type == "default" else {
                throw ImportError.unsupported("\(name) with rope_type '\(type)' (only unscaled rotary embeddings are supported)")
            }
        }
        let t = parameters?["rope_theta"]?.number ?? theta ?? base ?? defaultTheta
        let p = parameters?["partial_rotary_factor"]?.number ?? partial ?? pct ?? defaultPartial
        guard t > 0, t.isFinite else { throw ImportError.unsupported("rope_theta \(t) (must be positive)") }
        guard p > 0, p <= 1 else { throw ImportError.unsupported("partial rotary factor \(p) (must be in (0, 1])") }
        return RopeSettings(theta: t, partialFactor: p)
    }
}
