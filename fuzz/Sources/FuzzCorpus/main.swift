import CFuzzer
import Foundation
import PolytopeProbe

/// The corpus reader: the first byte picks .txt, .txt with paragraphs, or .jsonl; the rest is
/// the file. Reading either fails with a `CorpusError` or yields documents that are valid
/// UTF-8 (strict mode; checked against Swift's own validation) and non-empty. The UTF-8
/// check itself is compared with `String(validating:)` on the raw bytes.
let dir: String = {
    let base = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
    let d = (base as NSString).appendingPathComponent("polytope-fuzz-corpus-\(getpid())")
    try? FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
    return d
}()

@_cdecl("LLVMFuzzerTestOneInput")
func fuzzCorpus(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data, size >= 1 else { return 0 }
    let body = [UInt8](UnsafeBufferPointer(start: data + 1, count: size - 1))
    let strictOK = String(validating: body, as: UTF8.self) != nil
    guard (Corpus.firstInvalidUTF8(body) == nil) == strictOK else {
        fatalError("firstInvalidUTF8 disagrees with Swift's UTF-8 validation")
    }
    var options = Corpus.Options()
    let ext = data[0] % 3 == 2 ? "jsonl" : "txt"
    options.paragraphs = data[0] % 3 == 1
    options.lossy = data[0] & 0x80 != 0
    let path = (dir as NSString).appendingPathComponent("input.\(ext)")
    try! Data(body).write(to: URL(fileURLWithPath: path))
    guard let corpus = try? Corpus(paths: [path], options: options) else { return 0 }
    try? corpus.forEachDocument { doc in
        guard !doc.bytes.isEmpty else { fatalError("an empty document") }
        if !options.lossy, String(validating: doc.bytes, as: UTF8.self) == nil { fatalError("an invalid UTF-8 document in strict mode") }
    }
    return 0
}

var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in fuzzCorpus(data, size) })
