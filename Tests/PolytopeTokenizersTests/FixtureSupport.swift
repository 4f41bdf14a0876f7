import Foundation
import PolytopeTokenizers
import XCTest

/// Fixtures made by tools/make_tokenizer_fixtures.py with tiktoken and Hugging Face tokenizers.
enum Fixtures {
    static func url(_ relative: String) -> URL {
        Bundle.module.resourceURL!.appendingPathComponent("Fixtures").appendingPathComponent(relative)
    }

    static func data(_ relative: String) throws -> Data { try Data(contentsOf: url(relative)) }

    static func path(_ relative: String) -> String { url(relative).path }

    /// The repository's corpora/ folder (not copied into the test bundle).
    static func corpus(_ name: String) throws -> [UInt8] {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return [UInt8](try Data(contentsOf: root.appendingPathComponent("corpora/austen").appendingPathComponent(name)))
    }

    /// Little-endian UInt16 ids.
    static func u16(_ relative: String) throws -> [Int] {
        let d = try data(relative)
        return stride(from: 0, to: d.count - 1, by: 2).map { Int(d[$0]) | Int(d[$0 + 1]) << 8 }
    }

    static let gpt2Tiktoken = Cache { try ByteLevelBPETokenizer.load(tiktokenPath: path("gpt2/gpt2.tiktoken")) }
    static let gpt2HF = Cache {
        try ByteLevelBPETokenizer(vocabJSON: data("gpt2/vocab.json"), merges: data("gpt2/merges.txt"))
    }
    static let minilm = Cache { try WordPieceTokenizer(vocabTXT: data("minilm/vocab.txt"), lowerCase: true) }

    struct EdgeCase {
        let name: String
        let text: String
        let expected: [String: (ids: [Int], offsets: [Range<Int>])]
    }

    static func edgeCases() throws -> [EdgeCase] {
        let root = try JSONSerialization.jsonObject(with: data("edge_cases.json")) as! [String: Any]
        return (root["cases"] as! [[String: Any]]).map { c in
            var expected: [String: (ids: [Int], offsets: [Range<Int>])] = [:]
            for (key, value) in c {
                guard let v = value as? [String: Any] else { continue }
                let ids = (v["ids"] as! [NSNumber]).map(\.intValue)
                let offsets = (v["offsets"] as! [[NSNumber]]).map { $0[0].intValue..<$0[1].intValue }
                expected[key] = (ids, offsets)
            }
            return EdgeCase(name: c["name"] as! String, text: c["text"] as! String, expected: expected)
        }
    }

    struct Manifest {
        let gpt2: [(file: String, tokens: Int)]
        let bert: [(file: String, tokens: Int)]
    }

    static func manifest() throws -> Manifest {
        let root = try JSONSerialization.jsonObject(with: data("corpus.json")) as! [String: Any]
        func list(_ key: String) -> [(String, Int)] {
            (root[key] as! [[String: Any]]).map { ($0["file"] as! String, ($0["tokens"] as! NSNumber).intValue) }
        }
        return Manifest(gpt2: list("gpt2"), bert: list("bert"))
    }

    /// Unpacks bert_austen.offsets (see the fixture script); offsets restart at 0 with each
    /// novel (`counts`: tokens per novel).
    static func packedOffsets(_ relative: String, counts: [Int]) throws -> [Range<Int>] {
        var restarts = Set<Int>()
        var total = 0
        for c in counts { restarts.insert(total); total += c }
        let d = [UInt8](try data(relative))
        var out: [Range<Int>] = []
        var i = 0
        var prev = 0
        func varint() -> Int {
            var value = 0, shift = 0
            while true {
                let b = d[i]; i += 1
                value |= Int(b & 0x7F) << shift
                shift += 7
                if b & 0x80 == 0 { return value }
            }
        }
        while i < d.count {
            if restarts.contains(out.count) { prev = 0 }
            let b = d[i]; i += 1
            let gap: Int, length: Int
            if b == 0xFF { gap = varint(); length = varint() } else { gap = Int(b >> 4); length = Int(b & 15) }
            out.append((prev + gap)..<(prev + gap + length))
            prev += gap + length
        }
        return out
    }
}

/// A lazily built, shared value (tokenizers are loaded once per test run).
final class Cache<T>: @unchecked Sendable {
    private let make: () throws -> T
    private var value: T?
    private let lock = NSLock()

    init(_ make: @escaping () throws -> T) { self.make = make }

    func get() throws -> T {
        lock.lock()
        defer { lock.unlock() }
        if let value { return value }
        let v = try make()
        value = v
        return v
    }
}

/// Compares ids and offsets, reporting the first difference with context.
func assertTokens(_ tokens: [Token], ids: [Int], offsets: [Range<Int>]?, _ label: String,
                  file: StaticString = #filePath, line: UInt = #line) {
    let got = tokens.map(\.id)
    if got != ids {
        let k = (0..<min(got.count, ids.count)).first { got[$0] != ids[$0] } ?? min(got.count, ids.count)
        XCTFail("\(label): ids differ at token \(k) of \(ids.count) (got \(got.count)): got \(Array(got[min(k, got.count)...].prefix(8))), expected \(Array(ids[min(k, ids.count)...].prefix(8)))",
                file: file, line: line)
        return
    }
    if let offsets {
        let gotOffsets = tokens.map(\.byteRange)
        if gotOffsets != offsets {
            let k = (0..<min(gotOffsets.count, offsets.count)).first { gotOffsets[$0] != offsets[$0] } ?? 0
            XCTFail("\(label): offsets differ at token \(k) (id \(ids[k])): got \(gotOffsets[k]), expected \(offsets[k])", file: file, line: line)
        }
    }
}
