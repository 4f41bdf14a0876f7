import Foundation
import PolytopeTokenizers
import XCTest

/// Byte-level BPE from `tokenizer.json` against Hugging Face `tokenizers`: every id and every byte
/// offset (tools/make_tokenizer_json_fixtures.py).
final class TokenizerJSONFixtureTests: XCTestCase {
    static let names = ["gpt2", "gpt2_strings", "roberta_style", "llama3_style", "qwen2_style", "neox_style",
                        "opt_style", "smollm2_gguf", "smollm2"]

    func testEveryTokenizerMatchesHuggingFace() throws {
        let cases = try JSONFixtures.cases()
        XCTAssertEqual(Set(try JSONFixtures.listedTokenizers()), Set(Self.names))
        for name in Self.names {
            let tok = try JSONFixtures.tokenizer(name)
            XCTAssertEqual(tok.kind, .byteLevelBPE)
            for c in cases {
                guard let e = c.expected[name] else { return XCTFail("\(name) missing in \(c.name)") }
                let tokens = try tok.encode(c.text, options: EncodeOptions(allowedSpecial: .all))
                assertTokens(tokens, ids: e.ids, offsets: e.offsets, "\(name) \(c.name)")
            }
        }
    }

    func testAustenSliceIsLongAndCoversEveryTokenizer() throws {
        let c = try XCTUnwrap(try JSONFixtures.cases().first { $0.name == "austen_persuasion_slice" })
        XCTAssertGreaterThan(c.text.utf8.count, 20_000)
        for name in Self.names { XCTAssertGreaterThan(c.expected[name]?.ids.count ?? 0, 4_000, name) }
    }

    func testMarkersComeFromThePostProcessor() throws {
        func markers(_ name: String) throws -> SequenceMarkers {
            let data = try JSONFixtures.tokenizerJSON(name)
            let fromFile = try HuggingFaceTokenizerJSON.sequenceMarkers(from: data)
            XCTAssertEqual(try JSONFixtures.tokenizer(name).sequenceMarkers, fromFile, name)
            return fromFile
        }
        XCTAssertEqual(try markers("gpt2"), SequenceMarkers())
        XCTAssertEqual(try markers("llama3_style").prefix, [50257])
        XCTAssertEqual(try markers("llama3_style").suffix, [])
        XCTAssertEqual(try markers("opt_style").prefix, [50257])
        XCTAssertEqual(try markers("opt_style").names[50257], "</s>")
        XCTAssertEqual(try markers("roberta_style").prefix, [50256])
        XCTAssertEqual(try markers("roberta_style").suffix, [50256])
        let tok = try JSONFixtures.tokenizer("llama3_style")
        XCTAssertEqual(try tok.encode("hi", options: EncodeOptions(addSpecialTokens: false)).map(\.id),
                       Array(try tok.encode("hi").map(\.id).dropFirst()))
        let minilm = try HuggingFaceTokenizerJSON.load(path: Fixtures.path("minilm/tokenizer.json"))
        XCTAssertEqual(minilm.sequenceMarkers.prefix, [101])
        XCTAssertEqual(minilm.sequenceMarkers.suffix, [102])
    }

    /// Which files vocab.json + merges.txt can stand in for (the importer keeps those then).
    func testPlainGPT2Detection() throws {
        for name in ["gpt2", "gpt2_strings", "smollm2_gguf"] {
            XCTAssertTrue(HuggingFaceTokenizerJSON.isPlainGPT2(try Fixtures.data("tokenizer-json/\(name).shell.json")), name)
        }
        for name in ["roberta_style", "llama3_style", "qwen2_style", "neox_style", "opt_style", "smollm2"] {
            XCTAssertFalse(HuggingFaceTokenizerJSON.isPlainGPT2(try Fixtures.data("tokenizer-json/\(name).shell.json")), name)
        }
        XCTAssertFalse(HuggingFaceTokenizerJSON.isPlainGPT2(try Fixtures.data("minilm/tokenizer.json")))
        XCTAssertFalse(HuggingFaceTokenizerJSON.isPlainGPT2(Data("{".utf8)))
    }

    func testSpecialTokensOnlyWhereAllowedOtherAddedTokensAlways() throws {
        let tok = try JSONFixtures.tokenizer("llama3_style")
        let plain = try tok.encode("<|end_of_text|> wizard", options: EncodeOptions(addSpecialTokens: false))
        XCTAssertFalse(plain.contains { $0.id == 50258 })
        XCTAssertEqual(plain.last?.id, 50259)  // "wizard" is added but not special: always matched
    }

    /// The vocabulary-list initializer (for GGUF) gives what tokenizer.json gives.
    func testVocabularyListInitializerMatchesTokenizerJSON() throws {
        let cases = try JSONFixtures.cases()
        let (vocab, merges) = try JSONFixtures.vocabulary("@smollm2")
        var tokens = [String](repeating: "", count: vocab.count)
        for (t, id) in vocab { tokens[id] = t }
        let specials = ["<|endoftext|>": 0, "<|im_start|>": 1, "<|im_end|>": 2]
        for (name, pre) in [("smollm2", ByteLevelPreTokenizer.smollm), ("smollm2_gguf", .gpt2)] {
            let tok = try ByteLevelBPETokenizer(tokens: tokens, merges: merges.map { "\($0.0) \($0.1)" },
                                                preTokenizer: pre, specialTokens: specials)
            XCTAssertEqual(try ByteLevelPreTokenizer.named("smollm"), .smollm)
            for c in cases where !c.text.contains("<") {
                let e = c.expected[name]!
                assertTokens(try tok.encode(c.text), ids: e.ids, offsets: e.offsets, "list \(name) \(c.name)")
            }
        }
        XCTAssertThrowsError(try ByteLevelPreTokenizer.named("falcon")) { error in
            XCTAssertTrue("\(error)".contains("falcon"), "\(error)")
        }
    }

    func testUnsupportedOptionsAreRefusedByName() throws {
        // The Llama-3-style file with a one-token vocabulary: each refusal comes before the vocabulary matters.
        var base = try JSONSerialization.jsonObject(with: Fixtures.data("tokenizer-json/llama3_style.shell.json")) as! [String: Any]
        var model = base["model"] as! [String: Any]
        model["vocab"] = ["a": 0]
        model["merges"] = [String]()
        base["model"] = model
        func refused(_ edit: (inout [String: Any]) -> Void, _ word: String, file: StaticString = #filePath, line: UInt = #line) {
            var root = base
            edit(&root)
            let data = try! JSONSerialization.data(withJSONObject: root)
            XCTAssertThrowsError(try HuggingFaceTokenizerJSON.tokenizer(from: data), file: file, line: line) { error in
                XCTAssertTrue("\(error)".contains(word), "\(error) should name \(word)", file: file, line: line)
            }
        }
        refused({ $0["normalizer"] = ["type": "NFKC"] }, "NFKC")
        refused({ r in
            var pre = r["pre_tokenizer"] as! [String: Any]
            var steps = pre["pretokenizers"] as! [[String: Any]]
            steps[0]["pattern"] = ["Regex": "\\w+|\\s+"]
            pre["pretokenizers"] = steps
            r["pre_tokenizer"] = pre
        }, "\\\\w+")
        refused({ $0["pre_tokenizer"] = ["type": "Metaspace", "replacement": "▁"] }, "Metaspace")
        refused({ r in var m = r["model"] as! [String: Any]; m["byte_fallback"] = true; r["model"] = m }, "byte_fallback")
        refused({ $0["post_processor"] = ["type": "Mystery"] }, "Mystery")
        var bert = try JSONSerialization.jsonObject(with: Fixtures.data("minilm/tokenizer.json")) as! [String: Any]
        bert["pre_tokenizer"] = ["type": "Whitespace"]
        XCTAssertThrowsError(try HuggingFaceTokenizerJSON.tokenizer(from: try JSONSerialization.data(withJSONObject: bert))) { error in
            XCTAssertTrue("\(error)".contains("Whitespace"), "\(error)")
        }
    }
}

/// Reads tokenizer-json/: shells, the vocabularies they reference, and the cases.
enum JSONFixtures {
    struct Case {
        let name: String
        let text: String
        let expected: [String: (ids: [Int], offsets: [Range<Int>])]
    }

    nonisolated(unsafe) private static var cachedCases: [Case]?
    nonisolated(unsafe) private static var cachedRoot: [String: Any]?
    private static let lock = NSLock()

    private static func root() throws -> [String: Any] {
        lock.lock(); defer { lock.unlock() }
        if let cachedRoot { return cachedRoot }
        let r = try JSONSerialization.jsonObject(with: Fixtures.data("tokenizer-json/cases.json")) as! [String: Any]
        cachedRoot = r
        return r
    }

    nonisolated(unsafe) private static var built: [String: any Tokenizer] = [:]

    /// The tokenizer built from `name`'s tokenizer.json, once per test run.
    static func tokenizer(_ name: String) throws -> any Tokenizer {
        if let t = lock.withLock({ built[name] }) { return t }
        let t = try HuggingFaceTokenizerJSON.tokenizer(from: try tokenizerJSON(name), fileName: name + ".json")
        lock.withLock { built[name] = t }
        return t
    }

    static func listedTokenizers() throws -> [String] { try root()["tokenizers"] as! [String] }

    /// Undoes the delta coding of the fixture script.
    static func offsets(_ delta: [Int]) -> [Range<Int>] {
        var out: [Range<Int>] = []
        var prev = 0
        for k in stride(from: 0, to: delta.count - 1, by: 2) {
            let s = prev + delta[k]
            out.append(s..<(s + delta[k + 1]))
            prev = s + delta[k + 1]
        }
        return out
    }

    static func parse(_ c: [String: Any]) -> Case {
        var expected: [String: (ids: [Int], offsets: [Range<Int>])] = [:]
        for (key, value) in c {
            guard let v = value as? [String: Any] else { continue }
            expected[key] = ((v["ids"] as! [NSNumber]).map(\.intValue), offsets((v["offsets"] as! [NSNumber]).map(\.intValue)))
        }
        return Case(name: c["name"] as! String, text: c["text"] as! String, expected: expected)
    }

    static func cases() throws -> [Case] {
        if let cachedCases { return cachedCases }
        let c = (try root()["cases"] as! [[String: Any]]).map(parse)
        cachedCases = c
        return c
    }

    /// vocab.json + merges of a reference ("@gpt2", "@smollm2").
    static func vocabulary(_ ref: String) throws -> ([String: Int], [(String, String)]) {
        let folder = ref == "@gpt2" ? "gpt2" : "tokenizer-json/smollm2"
        let vocab = try JSONSerialization.jsonObject(with: Fixtures.data("\(folder)/vocab.json")) as! [String: Int]
        let lines = String(decoding: try Fixtures.data("\(folder)/merges.txt"), as: UTF8.self).split(separator: "\n")
        let merges = lines.enumerated().compactMap { (i, line) -> (String, String)? in
            if i == 0 && line.hasPrefix("#version") { return nil }
            let parts = line.split(separator: " ", omittingEmptySubsequences: false)
            return (String(parts[0]), String(parts[1]))
        }
        return (vocab, merges)
    }

    /// The tokenizer.json the fixture script saved: the shell with its vocabulary put back.
    static func tokenizerJSON(_ name: String) throws -> Data {
        var shell = try JSONSerialization.jsonObject(with: Fixtures.data("tokenizer-json/\(name).shell.json")) as! [String: Any]
        var model = shell["model"] as! [String: Any]
        let ref = model["vocab"] as! String
        let (vocab, merges) = try vocabulary(ref)
        model["vocab"] = vocab
        model["merges"] = (model["merges"] as! String).hasSuffix(" strings") ? merges.map { "\($0.0) \($0.1)" } as Any
                                                                              : merges.map { [$0.0, $0.1] } as Any
        shell["model"] = model
        return try JSONSerialization.data(withJSONObject: shell)
    }
}
