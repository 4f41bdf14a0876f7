import CFuzzer
import Foundation
import PolytopeBuiltins
import PolytopeModel
import PolytopeProbe

/// Model-file loading and validation: any bytes either fail with a `ModelError` or give a
/// spec that (1) writes back to bytes that read to the same bytes again, (2) builds into a
/// model or fails with an error, and (3) when it builds and needs no external file, runs a
/// forward pass on a short sequence; its stored tokenizer, if any, is built and run too.
/// External tensors are not opened (a fuzzed path could name a FIFO or a device).
let registry = LayerRegistry.builtins()

@_cdecl("LLVMFuzzerTestOneInput")
func fuzzModel(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Data(bytes: $0, count: size) } ?? Data()
    guard let spec = try? ModelFile.decode(bytes, path: "<fuzz>") else { return 0 }
    let encoded = ModelFile.encode(spec)
    guard let again = try? ModelFile.decode(encoded, path: "<re-encoded>") else { fatalError("a decoded spec does not decode after encoding") }
    guard ModelFile.encode(again) == encoded else { fatalError("encode(decode(encode(spec))) differs from encode(spec)") }
    if let t = spec.tokenizer, let tok = try? ModelTokenizer.make(t) {
        _ = try? tok.encode("It is a truth universally acknowledged, [CLS] <|endoftext|> Ünïcödé")
    }
    if spec.tensors.contains(where: { if case .external = $0.storage { return true } else { return false } }) { return 0 }
    guard let model = try? Model(spec: spec, baseDirectory: "/nonexistent-polytope-fuzz", registry: registry),
          let last = spec.nodes.last?.name else { return 0 }
    let length = max(1, min(3, spec.contextLength))
    _ = try? model.forward(ForwardContext(sequences: [(0..<length).map { Int32($0) }]), capture: [last])
    return 0
}

var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in fuzzModel(data, size) })
