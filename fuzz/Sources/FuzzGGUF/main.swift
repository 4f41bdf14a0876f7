import CFuzzer
import Foundation
import PolytopeGGUF

/// GGUF files (a truncated download, a hostile header): the bytes are parsed by `GGUFFile`,
/// every tensor of a supported type with at most 2^20 elements is dequantised, and the file is
/// read as a llama model and as an embedded vocabulary. Either an error is thrown or the
/// values come back, of the size the header promised.
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzGGUF(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Data(bytes: $0, count: size) } ?? Data()
    guard let file = try? GGUFFile(data: bytes, path: "<fuzz>") else { return 0 }
    for t in file.tensors where t.elementCount <= 1 << 20 {
        if let v = try? file.floats(t), v.count != t.elementCount { fatalError("\(t.name): \(v.count) values for \(t.shape)") }
    }
    if let llama = try? GGUFLlama(file: file), let q = llama.names["model.layers.0.self_attn.q_proj.weight"],
       let t = file.tensor(named: q), t.elementCount <= 1 << 20 {
        _ = try? llama.floats(hf: "model.layers.0.self_attn.q_proj.weight")
    }
    _ = try? GGUFVocabulary(file: file)
    return 0
}

var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in fuzzGGUF(data, size) })
