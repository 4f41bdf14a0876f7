import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a plugin's table defensively: a pointer is followed only after the kernel confirmed
/// the bytes are readable (a `write` of them into a pipe fails with EFAULT otherwise), so a
/// `kind_count` larger than the kinds array, or a garbage string pointer, is refused instead of
/// crashing the host.
enum PluginMemory {
    /// Whether `count` bytes from `pointer` can be read. O(count) bytes copied through a pipe.
    static func readable(_ pointer: UnsafeRawPointer?, _ count: Int) -> Bool {
        guard let pointer, count >= 0 else { return false }
        if count == 0 { return true }
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { return true }  // cannot check: trust (the old behaviour)
        defer { close(fds[0]); close(fds[1]) }
        var buffer = [UInt8](repeating: 0, count: 4096)
        var offset = 0
        while offset < count {
            let n = min(count - offset, 4096)
            let w = write(fds[1], pointer + offset, n)
            if w <= 0 { return false }
            _ = buffer.withUnsafeMutableBytes { read(fds[0], $0.baseAddress, w) }
            offset += w
        }
        return true
    }

    /// The NUL-terminated UTF-8 string at `pointer` (at most `limit` bytes), checked readable
    /// page by page; nil when unreadable, unterminated within `limit`, or not UTF-8.
    static func string(_ pointer: UnsafePointer<CChar>?, limit: Int = 4096) -> String? {
        guard let pointer else { return nil }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        var start = UnsafeRawPointer(pointer)
        var length = 0
        while length < limit {
            let toPageEnd = page - Int(bitPattern: start) % page
            let n = min(toPageEnd, limit - length)
            guard readable(start, n) else { return nil }
            let bytes = start.assumingMemoryBound(to: UInt8.self)
            for i in 0..<n where bytes[i] == 0 {
                return String(validatingCString: pointer)
            }
            length += n
            start += n
        }
        return nil
    }

    /// Whether `pointer` lies in an executable mapping of this process (`/proc/self/maps`);
    /// true when the maps cannot be read (no check possible).
    static func executable(_ pointer: UnsafeRawPointer?) -> Bool {
        guard let pointer else { return false }
        // /proc files report size 0: read them with stdio, not a sized read.
        guard let f = fopen("/proc/self/maps", "r") else { return true }
        defer { fclose(f) }
        var data = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, 65536, f) }
            if n <= 0 { break }
            data += chunk[0..<n]
        }
        let maps = String(decoding: data, as: UTF8.self)
        let address = UInt(bitPattern: pointer)
        for line in maps.split(separator: "\n") {
            let fields = line.split(separator: " ", maxSplits: 2)
            guard fields.count >= 2 else { continue }
            let range = fields[0].split(separator: "-")
            guard range.count == 2, let lo = UInt(range[0], radix: 16), let hi = UInt(range[1], radix: 16) else { continue }
            if address >= lo && address < hi { return fields[1].contains("x") }
        }
        return false
    }

    /// A kind name must look like one: letters, digits, `_ . -`, at most 128 bytes.
    static func isKindName(_ s: String) -> Bool {
        !s.isEmpty && s.utf8.count <= 128
            && s.unicodeScalars.allSatisfy { $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "_.-".unicodeScalars.contains($0)) }
    }
}
