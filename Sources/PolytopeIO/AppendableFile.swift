import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A file written in pieces as results stream in: append bytes, overwrite a fixed-size header
/// in place, truncate, `fsync`. Used for resumable outputs (the code file) where a temp+rename
/// per batch would cost a full copy.
///
/// Not thread-safe; one writer per file.
public final class AppendableFile {
    public let path: String
    private var fd: Int32

    /// Opens `url` for reading and writing, creating it (empty) when `create` is true and it
    /// does not exist.
    /// - Throws: `FileWriteError.cannotCreate` naming the path.
    public init(url: URL, create: Bool) throws {
        path = url.path
        fd = open(path, O_RDWR | O_CLOEXEC | (create ? O_CREAT : 0), 0o644)
        guard fd >= 0 else { throw FileWriteError.cannotCreate(path: path, reason: errnoString()) }
    }

    deinit { if fd >= 0 { Glibc.close(fd) } }

    /// Current file size in bytes.
    public func size() throws -> Int {
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw FileWriteError.writeFailed(path: path, reason: errnoString()) }
        return Int(st.st_size)
    }

    /// Appends `data` at the end of the file.
    public func append(_ data: Data) throws {
        guard lseek(fd, 0, SEEK_END) >= 0 else { throw FileWriteError.writeFailed(path: path, reason: errnoString()) }
        try AtomicFile.writeAll(fd: fd, data: data, path: path)
    }

    /// Overwrites bytes at `offset` (e.g. a header's row count).
    public func write(_ data: Data, at offset: Int) throws {
        try data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            var done = 0
            while done < raw.count {
                let n = pwrite(fd, raw.baseAddress! + done, raw.count - done, off_t(offset + done))
                if n < 0 {
                    if errno == EINTR { continue }
                    throw FileWriteError.writeFailed(path: path, reason: errnoString())
                }
                done += n
            }
        }
    }

    /// Reads `count` bytes at `offset` (fewer if the file ends first).
    public func read(count: Int, at offset: Int) throws -> Data {
        var out = Data(count: count)
        let got = out.withUnsafeMutableBytes { raw -> Int in
            var done = 0
            while done < count {
                let n = pread(fd, raw.baseAddress! + done, count - done, off_t(offset + done))
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { break }
                done += n
            }
            return done
        }
        out.count = got
        return out
    }

    /// Cuts the file to `size` bytes (drops a partly written tail).
    public func truncate(to size: Int) throws {
        guard ftruncate(fd, off_t(size)) == 0 else { throw FileWriteError.writeFailed(path: path, reason: errnoString()) }
    }

    /// Flushes data and metadata to the disk.
    public func sync() throws {
        guard fsync(fd) == 0 else { throw FileWriteError.writeFailed(path: path, reason: errnoString()) }
    }

    /// Closes the file; further calls fail.
    public func close() throws {
        let r = Glibc.close(fd)
        fd = -1
        guard r == 0 else { throw FileWriteError.writeFailed(path: path, reason: errnoString()) }
    }
}
