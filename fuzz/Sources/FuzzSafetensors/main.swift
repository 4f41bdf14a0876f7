import CFuzzer
import Foundation
import PolytopeBuiltins
import PolytopeModel

/// External weights (a half-downloaded or corrupt model.safetensors): the bytes are written
/// as `model.safetensors` (in /dev/shm when it exists) and read by `SafetensorsFile`, every
/// entry's bytes are touched, and the tiny GPT-2 model with all its tensors referring to that
/// file is loaded (dtype, shape and size checks against the header, finiteness) and, when it
/// loads, run. Either an error is thrown or the model runs.
let registry = LayerRegistry.builtins()
let dir: String = {
    let base = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
    let d = (base as NSString).appendingPathComponent("polytope-fuzz-safetensors-\(getpid())")
    try? FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
    return d
}()
let weights = (dir as NSString).appendingPathComponent("model.safetensors")

/// The tiny GPT-2 seed model with every tensor stored externally under its own name.
let externalSpec: ModelSpec = {
    let seed = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("corpus/model/gpt2-relu.pb").path
    var spec = try! ModelFile.read(path: seed)
    for i in spec.tensors.indices { spec.tensors[i].storage = .external(path: "model.safetensors", key: spec.tensors[i].name) }
    return spec
}()

@_cdecl("LLVMFuzzerTestOneInput")
func fuzzSafetensors(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Data(bytes: $0, count: size) } ?? Data()
    try! bytes.write(to: URL(fileURLWithPath: weights))
    guard let file = try? SafetensorsFile(path: weights) else { return 0 }
    var sum: UInt8 = 0
    for entry in file.entries.values {
        guard entry.begin <= entry.end, entry.end <= size else { fatalError("entry \(entry) outside the \(size)-byte file") }
        for b in file.bytes(entry) { sum &+= b }
    }
    _ = sum
    guard let model = try? Model(spec: externalSpec, baseDirectory: dir, registry: registry) else { return 0 }
    _ = try? model.forward(ForwardContext(sequences: [[0, 1, 2]]), capture: ["logits"])
    return 0
}

var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in fuzzSafetensors(data, size) })
