import Foundation
import PolytopeBuiltins
import PolytopeCodes
import PolytopeGGUF
import PolytopeIO
import PolytopeModel
import PolytopeProbe
import PolytopeTokenizers
import XCTest

/// Every input a fuzzer crashed on (kept under fuzz/regressions/<target>/) goes through the
/// same entry points as its fuzz target (fuzz/Sources/Fuzz*/main.swift) and must end in a
/// thrown error or a result, not a trap. The seed corpora must load as valid inputs.
final class FuzzRegressionTests: XCTestCase {
    static let fuzzDir = Robust.repoRoot.appendingPathComponent("fuzz")

    func files(_ kind: String, _ target: String) throws -> [URL] {
        let dir = Self.fuzzDir.appendingPathComponent("\(kind)/\(target)")
        guard FileManager.default.fileExists(atPath: dir.path) else { return [] }
        return try FileManager.default.contentsOfDirectory(at: dir, includingPropertiesForKeys: nil)
            .filter { !$0.lastPathComponent.hasPrefix(".") }.sorted { $0.path < $1.path }
    }

    // MARK: The fuzz targets' entry points

    static let registry = LayerRegistry.builtins()

    @discardableResult
    static func model(_ bytes: Data) -> Bool {
        guard let spec = try? ModelFile.decode(bytes, path: "<fuzz>") else { return false }
        let encoded = ModelFile.encode(spec)
        XCTAssertEqual((try? ModelFile.decode(encoded, path: "<re-encoded>")).map(ModelFile.encode), encoded)
        if let t = spec.tokenizer, let tok = try? ModelTokenizer.make(t) { _ = try? tok.encode("It is a truth [CLS] <|endoftext|> Ünïcödé") }
        if spec.tensors.contains(where: { if case .external = $0.storage { return true } else { return false } }) { return true }
        guard let model = try? Model(spec: spec, baseDirectory: "/nonexistent-polytope-fuzz", registry: registry),
              let last = spec.nodes.last?.name else { return false }
        let length = max(1, min(3, spec.contextLength))
        return (try? model.forward(ForwardContext(sequences: [(0..<length).map { Int32($0) }]), capture: [last])) != nil
    }

    /// The tiny model with every tensor in `model.safetensors` beside it, as FuzzSafetensors loads it.
    static let externalSpec: ModelSpec = {
        var spec = Robust.tinySpec
        for i in spec.tensors.indices { spec.tensors[i].storage = .external(path: "model.safetensors", key: spec.tensors[i].name) }
        return spec
    }()

    @discardableResult
    static func safetensors(_ bytes: Data, in dir: URL) throws -> Bool {
        let path = dir.appendingPathComponent("model.safetensors").path
        try bytes.write(to: URL(fileURLWithPath: path))
        guard let file = try? SafetensorsFile(path: path) else { return false }
        for entry in file.entries.values { XCTAssertTrue(entry.begin <= entry.end && entry.end <= bytes.count, "\(entry)") }
        guard let model = try? Model(spec: externalSpec, baseDirectory: dir.path, registry: registry) else { return false }
        return (try? model.forward(ForwardContext(sequences: [[0, 1, 2]]), capture: ["logits"])) != nil
    }

    @discardableResult
    static func tokenizer(_ bytes: Data) -> Bool {
        guard let selector = bytes.first else { return false }
        let body = bytes.dropFirst()
        let tokenizer: (any Tokenizer)?
        switch selector % 4 {
        case 0:
            let parts = body.split(separator: 0, maxSplits: 1, omittingEmptySubsequences: false)
            tokenizer = try? ByteLevelBPETokenizer(vocabJSON: Data(parts[0]), merges: parts.count > 1 ? Data(parts[1]) : Data())
        case 1: tokenizer = try? HuggingFaceTokenizerJSON.tokenizer(from: Data(body))
        case 2: tokenizer = try? ByteLevelBPETokenizer(tiktokenRanks: Data(body))
        default: tokenizer = try? WordPieceTokenizer(vocabTXT: Data(body), configuration: .init())
        }
        guard let tokenizer else { return false }
        let sample = Array("It is a truth universally acknowledged <|endoftext|> [SEP] naïve café 東京".utf8)
        /// Byte ranges ordered (starts and ends never decrease) inside the input, as the fuzz target
        /// checks: tokenizer.json tokenizers give the byte tokens of one character its whole span.
        func wellFormed(_ tokens: [Token], _ count: Int) -> Bool {
            var start = 0, end = 0
            for t in tokens where !t.byteRange.isEmpty {
                guard t.byteRange.lowerBound >= start, t.byteRange.upperBound >= end, t.byteRange.upperBound <= count else { return false }
                (start, end) = (t.byteRange.lowerBound, t.byteRange.upperBound)
            }
            return true
        }
        let lossy = EncodeOptions(allowedSpecial: .all, invalidUTF8: .lossy)
        let own = [UInt8](body.prefix(256))
        if let tokens = try? tokenizer.encode(own, options: lossy) {
            XCTAssertTrue(wellFormed(tokens, own.count), "byte ranges of the file's own bytes are out of order: \(tokens)")
        }
        guard let tokens = try? tokenizer.encode(sample, options: lossy) else { return false }
        XCTAssertTrue(wellFormed(tokens, sample.count), "byte ranges of the sample are out of order: \(tokens)")
        return !tokens.isEmpty
    }

    @discardableResult
    static func codes(_ bytes: Data, in dir: URL) throws -> Bool {
        _ = try? NPYArray.decode(bytes, path: "<fuzz>")
        _ = try? CodeFile.Header.decode(bytes, path: "<fuzz>")
        let input = dir.appendingPathComponent("input")
        try bytes.write(to: input)
        guard let codes = try? CodeMatrix.load(from: input) else { return false }
        XCTAssertGreaterThan(codes.rows, 0)
        return true
    }

    @discardableResult
    static func corpus(_ bytes: Data, in dir: URL) throws -> Bool {
        guard let selector = bytes.first else { return false }
        let body = [UInt8](bytes.dropFirst())
        XCTAssertEqual(Corpus.firstInvalidUTF8(body) == nil, String(validating: body, as: UTF8.self) != nil)
        var options = Corpus.Options()
        options.paragraphs = selector % 3 == 1
        options.lossy = selector & 0x80 != 0
        let path = dir.appendingPathComponent("input.\(selector % 3 == 2 ? "jsonl" : "txt")").path
        try Data(body).write(to: URL(fileURLWithPath: path))
        guard let corpus = try? Corpus(paths: [path], options: options) else { return false }
        var documents = 0
        return (try? corpus.forEachDocument { doc in
            documents += 1
            XCTAssertFalse(doc.bytes.isEmpty)
        }) != nil && documents > 0
    }

    /// As FuzzGGUF: parse, dequantise small tensors, read as llama and as a vocabulary.
    @discardableResult
    static func gguf(_ bytes: Data) -> Bool {
        guard let file = try? GGUFFile(data: bytes, path: "<fuzz>") else { return false }
        for t in file.tensors where t.elementCount <= 1 << 20 {
            if let v = try? file.floats(t) { XCTAssertEqual(v.count, t.elementCount, t.name) }
        }
        if let llama = try? GGUFLlama(file: file) { _ = try? llama.floats(hf: "model.layers.0.self_attn.q_proj.weight") }
        _ = try? GGUFVocabulary(file: file)
        return true
    }

    // MARK: Tests

    func run(_ target: String, kind: String) throws -> [(String, Bool)] {
        let ws = Workspace("fuzz-\(kind)-\(target)")
        defer { try? FileManager.default.removeItem(at: ws.dir) }
        return try files(kind, target).map { url in
            let bytes = try Data(contentsOf: url)
            switch target {
            case "model": return (url.lastPathComponent, Self.model(bytes))
            case "tokenizers": return (url.lastPathComponent, Self.tokenizer(bytes))
            case "codes": return (url.lastPathComponent, try Self.codes(bytes, in: ws.dir))
            case "safetensors": return (url.lastPathComponent, try Self.safetensors(bytes, in: ws.dir))
            case "gguf": return (url.lastPathComponent, Self.gguf(bytes))
            default: return (url.lastPathComponent, try Self.corpus(bytes, in: ws.dir))
            }
        }
    }

    /// Crash inputs: reaching the end of each is the test (a trap would kill the runner).
    func testRegressionInputs() throws {
        var count = 0
        for target in ["model", "safetensors", "tokenizers", "codes", "corpus", "gguf"] { count += try run(target, kind: "regressions").count }
        XCTAssertGreaterThan(count, 0)
    }

    /// Seeds are valid inputs: each one is accepted by its entry point (fixtures used as seeds
    /// for error paths, such as fortran.npy, are listed here).
    func testSeedsAreAccepted() throws {
        let expectedRefusals: Set<String> = ["fortran.npy", "bool.npy", "uint8.npy", "v2.npy", "gpt2-relu-f16.safetensors"]
        for target in ["model", "safetensors", "tokenizers", "codes", "corpus", "gguf"] {
            let results = try run(target, kind: "corpus")
            XCTAssertFalse(results.isEmpty, "no seeds for \(target)")
            for (name, accepted) in results where !expectedRefusals.contains(name) {
                XCTAssertTrue(accepted, "seed \(target)/\(name) was refused")
            }
        }
    }
}
