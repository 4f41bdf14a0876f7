import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a file could not be written. Every case names the file and the system's reason.
public enum FileWriteError: Error, Equatable, CustomStringConvertible, LocalizedError {
    /// The file (or its temporary sibling) could not be created or opened: directory missing
    /// or unwritable.
    case cannotCreate(path: String, reason: String)
    /// Writing or syncing failed part way (disk full, I/O error); nothing is left behind.
    case writeFailed(path: String, reason: String)
    /// The temporary file could not be renamed onto the destination.
    case renameFailed(path: String, reason: String)

    public var description: String {
        switch self {
        case let .cannotCreate(path, reason): return "cannot create \(path): \(reason)"
        case let .writeFailed(path, reason): return "cannot write \(path): \(reason)"
        case let .renameFailed(path, reason): return "cannot replace \(path): \(reason)"
        }
    }

    public var errorDescription: String? { description }
}

/// Readers see either the old file or the complete new one, never a half-written file.
public enum AtomicFile {
    /// Writes `data` to `url` atomically: a temporary name in the same directory
    /// (`.<name>.tmp-<pid>-<random>`), `fsync`, `rename(2)` onto the destination, then `fsync`
    /// of the directory so the rename survives a crash. On any failure the temporary file is
    /// removed and the destination is untouched.
    ///
    /// - Throws: `FileWriteError` naming `url.path` (directory unwritable, disk full, ...).
    public static func write(_ data: Data, to url: URL) throws {
        let path = url.path
        let dir = url.deletingLastPathComponent().path
        // Refuse up front, with the numbers, when the file system cannot hold the new file
        // (the old one stays until the rename, so both must fit).
        if let free = freeBytes(directory: dir), UInt64(data.count) > free {
            throw FileWriteError.writeFailed(path: path, reason: "needs \(data.count) bytes but only \(free) are free on its file system")
        }
        let tmp = dir + "/.\(url.lastPathComponent).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw FileWriteError.cannotCreate(path: path, reason: errnoString()) }
        var ok = false
        defer {
            if !ok { unlink(tmp) }
        }
        do {
            try writeAll(fd: fd, data: data, path: path)
            if fsync(fd) != 0 { throw FileWriteError.writeFailed(path: path, reason: errnoString()) }
        } catch {
            close(fd)
            throw error
        }
        if close(fd) != 0 { throw FileWriteError.writeFailed(path: path, reason: errnoString()) }
        if rename(tmp, path) != 0 { throw FileWriteError.renameFailed(path: path, reason: errnoString()) }
        ok = true
        syncDirectory(dir)
    }

    /// Bytes an unprivileged writer may still use on the file system holding `directory`
    /// (nil when it cannot be asked).
    public static func freeBytes(directory: String) -> UInt64? {
        var fs = statvfs()
        guard statvfs(directory, &fs) == 0 else { return nil }
        return UInt64(fs.f_bavail) &* UInt64(fs.f_frsize)
    }

    /// Writes every byte of `data` to `fd`, retrying short writes and `EINTR`.
    static func writeAll(fd: Int32, data: Data, path: String) throws {
        try data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            guard var p = raw.baseAddress else { return }
            var left = raw.count
            while left > 0 {
                let n = Glibc.write(fd, p, min(left, 1 << 30))
                if n < 0 {
                    if errno == EINTR { continue }
                    throw FileWriteError.writeFailed(path: path, reason: errnoString())
                }
                if n == 0 { throw FileWriteError.writeFailed(path: path, reason: "no progress writing (disk full?)") }
                p += n
                left -= n
            }
        }
    }

    static func syncDirectory(_ dir: String) {
        let dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dfd >= 0 {
            _ = fsync(dfd)
            close(dfd)
        }
    }
}

func errnoString() -> String { String(cString: strerror(errno)) }
