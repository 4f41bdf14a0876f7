import Foundation
import PolytopeProbe
import XCTest

/// The corpus reader against a naive reading of the same files.
final class CorpusTests: XCTestCase {
    func documents(_ paths: [String], _ configure: (inout Corpus.Options) -> Void = { _ in }) throws -> [(String, String)] {
        var o = Corpus.Options()
        configure(&o)
        var out: [(String, String)] = []
        try Corpus(paths: paths, options: o).forEachDocument { out.append(($0.source, String(decoding: $0.bytes, as: UTF8.self))) }
        return out
    }

    func testJSONLStreamsAcrossChunkBoundaries() throws {
        let dir = ProbeFixtures.tempDir("corpus-jsonl")
        let file = dir.appendingPathComponent("big.jsonl")
        var expected: [String] = []
        var text = ""
        var rng = SplitMix64(seed: 7)
        for i in 0..<3000 {   // about 3 MB: lines cross the reader's 1 MiB chunks
            let body = "line \(i) " + String(repeating: "é∂x", count: Int(rng.next() % 400))
            expected.append(body)
            let json = try JSONSerialization.data(withJSONObject: ["text": body, "id": i])
            text += String(decoding: json, as: UTF8.self) + (i % 7 == 0 ? "\n\n" : "\n")
        }
        try Data(text.utf8).write(to: file)
        let docs = try documents([file.path])
        XCTAssertEqual(docs.map(\.1), expected)
        XCTAssertTrue(docs[1].0.hasSuffix("big.jsonl:3"), docs[1].0)   // line 2 is blank
    }

    func testParagraphsAndDirectories() throws {
        let dir = ProbeFixtures.tempDir("corpus-dir")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("sub"), withIntermediateDirectories: true)
        try Data("First para\nstill first\n \t\r\nSecond\n\n\n\nThird".utf8).write(to: dir.appendingPathComponent("b.txt"))
        try Data("A".utf8).write(to: dir.appendingPathComponent("sub/a.txt"))
        try Data("ignored".utf8).write(to: dir.appendingPathComponent("notes.md"))
        let whole = try documents([dir.path])
        XCTAssertEqual(whole.map(\.1), ["First para\nstill first\n \t\r\nSecond\n\n\n\nThird", "A"])
        let paras = try documents([dir.path]) { $0.paragraphs = true }
        XCTAssertEqual(paras.map(\.1), ["First para\nstill first", "Second", "Third", "A"])
        XCTAssertEqual(paras.map { ($0.0 as NSString).lastPathComponent }, ["b.txt#0", "b.txt#1", "b.txt#2", "a.txt#0"])
    }

    func testBadInputNamesWhereItIs() throws {
        let dir = ProbeFixtures.tempDir("corpus-bad")
        let bad = dir.appendingPathComponent("bad.txt")
        try Data([0x61, 0x62, 0xC3, 0x28, 0x63]).write(to: bad)
        XCTAssertThrowsError(try documents([bad.path])) { e in
            XCTAssertEqual(e as? CorpusError, .invalidUTF8(source: bad.path, offset: 2))
        }
        XCTAssertEqual(try documents([bad.path]) { $0.lossy = true }.count, 1)
        let jsonl = dir.appendingPathComponent("x.jsonl")
        try Data("{\"text\": \"ok\"}\n{\"body\": 1}\n".utf8).write(to: jsonl)
        XCTAssertThrowsError(try documents([jsonl.path])) { e in
            XCTAssertEqual(e as? CorpusError, .badJSONLine(path: jsonl.path, line: 2, reason: "no string field 'text'"))
        }
        XCTAssertThrowsError(try Corpus(paths: [dir.appendingPathComponent("nope").path]))
        let empty = dir.appendingPathComponent("empty")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        XCTAssertThrowsError(try Corpus(paths: [empty.path])) { e in XCTAssertEqual(e as? CorpusError, .noFiles(empty.path)) }
    }

    func testInvalidUTF8OffsetMatchesTheStandardLibrary() {
        var rng = SplitMix64(seed: 3)
        for _ in 0..<2000 {
            let bytes = (0..<Int(rng.next() % 24)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            let offset = Corpus.firstInvalidUTF8(bytes)
            XCTAssertEqual(offset == nil, String(validating: bytes, as: UTF8.self) != nil)
            if let offset {
                XCTAssertNotNil(String(validating: bytes[..<offset], as: UTF8.self), "prefix before \(offset) must be valid")
            }
        }
    }
}
