import Foundation
import PolytopeIO
import PolytopeModel

/// Paths to the repository's fixtures (produced by tools/make_runtime_fixtures.py).
enum Fixtures {
    static let repoRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func runtime(_ name: String) -> URL { repoRoot.appendingPathComponent("Tests/Fixtures/runtime/\(name)") }

    /// A fresh temporary directory, removed at process exit by the OS's tmp cleaning only.
    static func tempDir(_ tag: String = "polytope") -> URL {
        let u = FileManager.default.temporaryDirectory.appendingPathComponent("\(tag)-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: u, withIntermediateDirectories: true)
        return u
    }

    static func reference(_ model: String, seq: Int, hook: String) throws -> Matrix {
        let a = try NPYArray.read(from: runtime(model).appendingPathComponent("reference/\(seq)__\(hook).npy"))
        return Matrix(rows: a.shape[0], cols: a.shape[1], data: try a.floats())
    }

    struct Sequence: Decodable {
        let ids: [Int32]
        let attention_mask: [Int32]?
        let token_type_ids: [Int32]?
        let valid_length: Int?
    }

    struct Inputs: Decodable {
        let sequences: [Sequence]
        let hooks: [String]
    }

    static func inputs(_ model: String) throws -> Inputs {
        let d = try Data(contentsOf: runtime(model).appendingPathComponent("reference/inputs.json"))
        return try JSONDecoder().decode(Inputs.self, from: d)
    }
}

/// Largest absolute difference over the first `rows` rows, or nil when the widths differ.
func maxAbsDiff(_ a: Matrix, _ b: Matrix, rows: Int) -> Float? {
    guard a.cols == b.cols, a.rows >= rows, b.rows >= rows else { return nil }
    var m: Float = 0
    for i in 0..<(rows * a.cols) { m = max(m, abs(a.data[i] - b.data[i])) }
    return m
}
