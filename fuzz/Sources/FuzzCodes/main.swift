import CFuzzer
import Foundation
import PolytopeCodes
import PolytopeIO

/// Code files and .npy input: the bytes are written to a file (in /dev/shm when it exists)
/// and loaded the way `polytope cluster` loads them; they either fail with an error or give
/// codes whose row count and width agree with the file, and which survive a write/read
/// round trip through both formats unchanged.
let dir: String = {
    let base = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
    let d = (base as NSString).appendingPathComponent("polytope-fuzz-codes-\(getpid())")
    try? FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
    return d
}()
let input = URL(fileURLWithPath: dir).appendingPathComponent("input")
let npyOut = URL(fileURLWithPath: dir).appendingPathComponent("out.npy")
let codesOut = URL(fileURLWithPath: dir).appendingPathComponent("out.plcodes")

@_cdecl("LLVMFuzzerTestOneInput")
func fuzzCodes(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Data(bytes: $0, count: size) } ?? Data()
    _ = try? NPYArray.decode(bytes, path: "<fuzz>")
    _ = try? CodeFile.Header.decode(bytes, path: "<fuzz>")
    try! bytes.write(to: input)
    guard let codes = try? CodeMatrix.load(from: input) else { return 0 }
    guard codes.rows > 0, (1...65535).contains(codes.bits) else { fatalError("loaded \(codes.rows) rows of \(codes.bits) bits") }
    try! codes.writeNPY(to: npyOut)
    let viaNPY = try! CodeMatrix.load(from: npyOut)
    try! CodeFile.write(codes, to: codesOut)
    let viaFile = try! CodeMatrix.load(from: codesOut)
    guard viaNPY.packedBytes() == codes.packedBytes(), viaFile.packedBytes() == codes.packedBytes() else {
        fatalError("codes changed in a write/read round trip")
    }
    return 0
}

var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in fuzzCodes(data, size) })
