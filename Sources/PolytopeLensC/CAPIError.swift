import CPolytopeLens
import Foundation

/// How the C API reports failures: a status code and the CLI's one-line message.
struct CAPIError: Error, CustomStringConvertible {
    var code: Int32
    var description: String
    init(_ code: Int32, _ message: String) {
        self.code = code
        self.description = message
    }
}

/// Runs `body`, turning a thrown error into a status code and a one-line message in `err`
/// (the text the CLI prints after `Error: `: newlines joined with spaces).
func guarded(_ err: UnsafeMutablePointer<CChar>?, _ errLen: Int, _ body: () throws -> Void) -> Int32 {
    do {
        try body()
        if let err, errLen > 0 { err[0] = 0 }
        return Int32(PL_OK)
    } catch {
        let code: Int32
        switch error {
        case let e as CAPIError: code = e.code
        case is CocoaError, is POSIXError: code = Int32(PL_EIO)
        default: code = Int32(PL_EFAILED)
        }
        writeMessage(oneLine(error), to: err, length: errLen)
        return code
    }
}

/// `"\(error)"` on one line, as `polytope` prints it.
func oneLine(_ error: Error) -> String {
    let text = (error as? LocalizedError)?.errorDescription.flatMap { $0.isEmpty ? nil : $0 } ?? String(describing: error)
    return text.split(whereSeparator: \.isNewline).joined(separator: " ")
}

/// Copies `message` into a caller buffer of `length` bytes, NUL-terminated, cut at a UTF-8
/// character boundary when too long.
func writeMessage(_ message: String, to buffer: UnsafeMutablePointer<CChar>?, length: Int) {
    guard let buffer, length > 0 else { return }
    var bytes = Array(message.utf8)
    if bytes.count > length - 1 {
        bytes = Array(bytes[0..<(length - 1)])
        while let last = bytes.last, last & 0xC0 == 0x80 { bytes.removeLast() }   // continuation bytes
        if let last = bytes.last, last >= 0xC0 { bytes.removeLast() }             // a lead byte cut off
    }
    for (i, b) in bytes.enumerated() { buffer[i] = CChar(bitPattern: b) }
    buffer[bytes.count] = 0
}

/// A required argument: a non-NULL pointer.
func required<T>(_ p: T?, _ name: String) throws -> T {
    guard let p else { throw CAPIError(Int32(PL_EINVAL), "\(name) is NULL") }
    return p
}

/// A C string, or nil when NULL or empty.
func optionalString(_ p: UnsafePointer<CChar>?) -> String? {
    guard let p else { return nil }
    let s = String(cString: p)
    return s.isEmpty ? nil : s
}

/// A malloc'ed copy of `values` (released with `pl_free`); non-NULL even when empty.
func mallocCopy<T>(_ values: [T]) -> UnsafeMutablePointer<T> {
    let p = malloc(max(values.count, 1) * MemoryLayout<T>.stride)!.bindMemory(to: T.self, capacity: max(values.count, 1))
    values.withUnsafeBufferPointer { src in if !src.isEmpty { p.update(from: src.baseAddress!, count: src.count) } }
    return p
}

@_cdecl("pl_api_version")
public func pl_api_version() -> Int32 { Int32(PL_API_VERSION) }

@_cdecl("pl_free")
public func pl_free(_ p: UnsafeMutableRawPointer?) { free(p) }
