import Foundation
#if canImport(Glibc)
import Glibc
#endif

extension AtomicFile {
    /// Writes a file too large to hold in memory atomically: `body` appends to a temporary file
    /// in the same directory, which is then `fsync`ed and renamed onto `url` (directory synced).
    /// With `expectedBytes`, refuses up front when the file system cannot hold them. On any
    /// failure the temporary file is removed and `url` is untouched.
    ///
    /// - Throws: `FileWriteError` naming `url.path`, or what `body` throws.
    public static func stream(to url: URL, expectedBytes: Int? = nil, _ body: (AppendableFile) throws -> Void) throws {
        let path = url.path
        let dir = url.deletingLastPathComponent().path
        if let need = expectedBytes, let free = freeBytes(directory: dir), UInt64(need) > free {
            throw FileWriteError.writeFailed(path: path, reason: "needs \(need) bytes but only \(free) are free on its file system")
        }
        let tmp = dir + "/.\(url.lastPathComponent).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw FileWriteError.cannotCreate(path: path, reason: errnoString()) }
        Glibc.close(fd)
        var ok = false
        defer { if !ok { unlink(tmp) } }
        let file = try AppendableFile(url: URL(fileURLWithPath: tmp), create: false)
        try body(file)
        try file.sync()
        try file.close()
        if rename(tmp, path) != 0 { throw FileWriteError.renameFailed(path: path, reason: errnoString()) }
        ok = true
        syncDirectory(dir)
    }
}
