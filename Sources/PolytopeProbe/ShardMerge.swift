import Foundation
import PolytopeCodes
import PolytopeIO

/// What `ShardMerge.merge` wrote.
public struct MergeResult: Sendable {
    public var shards: Int
    public var rows: Int
    public var windows: Int
    public var tokensSeen: Int
    public var layers: [Int]
}

/// Joins the shards of a probe (`polytope probe --shard I/N`) into one probe directory whose
/// code files, `tokens.bin` and `probe-state.json` equal, byte for byte, those of a single run of
/// the same settings (`seconds_collecting` aside: it is the shards' sum). Shards hold contiguous
/// ranges of whole batches in the single run's window order, so the merge is a concatenation
/// in shard order; the code files' provenance and the state's fingerprint lose the `shard` entry.
///
/// Refuses, in one line listing every problem, when a shard is missing, given twice, incomplete,
/// made with other settings (model, corpus, layers, sampling, ...) or a different shard count,
/// or when a shard's files are unreadable or disagree with its state.
///
/// - Complexity: reads and writes every row once, streamed in chunks (memory O(chunk)).
public enum ShardMerge {
    struct Part {
        var dir: URL
        var info: ShardInfo
        var state: ProbeState
        var name: String { "shard \(info.index) (\(dir.path))" }
    }

    static let chunkBytes = 8 << 20

    public static func merge(_ dirs: [URL], into out: URL) throws -> MergeResult {
        guard !dirs.isEmpty else { throw ProbeError.mergeRefused("no shard directories given") }
        let outPath = out.standardizedFileURL.path
        if let same = dirs.first(where: { $0.standardizedFileURL.path == outPath }) {
            throw ProbeError.mergeRefused("--out \(out.path) is one of the shard directories (\(same.path)); choose another folder")
        }
        let parts = try check(dirs)
        let reference = parts[0].state.fingerprint.filter { $0.key != ProbeConfig.shardKey }
        let layers = (reference["layers"] ?? "").split(separator: ",").compactMap { Int($0) }
        let activations = reference["activations"] == "true"
        let rows = parts.reduce(0) { $0 + $1.state.rowsDone }

        // Every shard's files, checked before anything is written.
        var headers: [Int: [CodeFile.Header]] = [:]
        for layer in layers {
            var hs: [CodeFile.Header] = []
            for p in parts {
                let h = try codeHeader(ProbeDirectory(p.dir).codesURL(layer: layer), part: p)
                if let first = hs.first, first.bits != h.bits {
                    throw ProbeError.mergeRefused("\(p.name): layer \(layer) codes are \(h.bits) bits wide, shard \(parts[0].info.index)'s \(first.bits)")
                }
                if let first = hs.first, unsharded(first.provenance) != unsharded(h.provenance) {
                    throw ProbeError.mergeRefused("\(p.name): the provenance of codes-layer\(layer).plcodes differs from shard \(parts[0].info.index)'s (another model?)")
                }
                hs.append(h)
            }
            headers[layer] = hs
        }
        for p in parts {
            try expectSize(ProbeDirectory(p.dir).tokensURL, bytes: p.state.rowsDone * TokenRecord.size, exact: true, part: p)
            try checkTokens(p)
            if activations {
                for (layer, h) in zip(layers, layers.map { headers[$0]![0] }) {
                    try expectSize(ProbeDirectory(p.dir).activationsURL(layer: layer), bytes: p.state.rowsDone * h.bits * 4, exact: true, part: p)
                }
            }
        }

        do { try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true) } catch {
            throw ProbeError.mergeRefused("cannot create \(out.path): \((error as NSError).localizedDescription)")
        }
        // A merged directory is complete only once its state is written, last.
        let stateURL = ProbeDirectory(out).stateURL
        if FileManager.default.fileExists(atPath: stateURL.path) { try FileManager.default.removeItem(at: stateURL) }

        for layer in layers {
            let hs = headers[layer]!
            let header = CodeFile.Header(bits: hs[0].bits, rows: rows, provenance: unsharded(hs[0].provenance))
            try AtomicFile.stream(to: ProbeDirectory(out).codesURL(layer: layer),
                                  expectedBytes: header.headerBytes + rows * header.strideBytes) { file in
                try file.append(header.encode())
                for (p, h) in zip(parts, hs) {
                    try copy(ProbeDirectory(p.dir).codesURL(layer: layer), from: h.headerBytes, bytes: h.rows * h.strideBytes, to: file)
                }
            }
            if activations {
                try AtomicFile.stream(to: ProbeDirectory(out).activationsURL(layer: layer), expectedBytes: rows * hs[0].bits * 4) { file in
                    for p in parts {
                        try copy(ProbeDirectory(p.dir).activationsURL(layer: layer), from: 0, bytes: p.state.rowsDone * hs[0].bits * 4, to: file)
                    }
                }
            }
        }
        try AtomicFile.stream(to: ProbeDirectory(out).tokensURL, expectedBytes: rows * TokenRecord.size) { file in
            for p in parts { try copy(ProbeDirectory(p.dir).tokensURL, from: 0, bytes: p.state.rowsDone * TokenRecord.size, to: file) }
        }
        let last = parts[parts.count - 1]
        let state = ProbeState(fingerprint: reference, windowsDone: last.info.totalWindows, rowsDone: rows,
                               tokensSeen: parts.reduce(0) { $0 + $1.state.tokensSeen }, documents: last.info.documents,
                               collectionComplete: true, secondsCollecting: parts.reduce(0) { $0 + $1.state.secondsCollecting })
        try state.write(to: ProbeDirectory(out))
        return MergeResult(shards: parts.count, rows: rows, windows: state.windowsDone, tokensSeen: state.tokensSeen, layers: layers)
    }

    /// Reads every shard's `shard.json` and state and checks they form one complete run.
    /// Returns the shards in index order.
    static func check(_ dirs: [URL]) throws -> [Part] {
        var problems: [String] = []
        var parts: [Part] = []
        for dir in dirs {
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: dir.path, isDirectory: &isDir), isDir.boolValue else {
                problems.append("\(dir.path) is not a directory")
                continue
            }
            do {
                guard let info = try ShardInfo.read(dir: dir) else {
                    problems.append("\(dir.path) is not a shard (no \(ShardInfo.fileName): made by polytope probe --shard?)")
                    continue
                }
                guard let state = try ProbeDirectory(dir).state() else {
                    problems.append("\(dir.path) has no \(ProbeDirectory.stateFileName)")
                    continue
                }
                parts.append(Part(dir: dir, info: info, state: state))
            } catch ProbeError.corruptState(let what) {
                problems.append(what)
            } catch {
                problems.append("\(dir.path): \(error)")
            }
        }
        let counts = Dictionary(grouping: parts, by: \.info.count)
        let n = counts.max { a, b in a.value.count < b.value.count || (a.value.count == b.value.count && a.key > b.key) }?.key ?? 0
        for p in parts where p.info.count != n {
            problems.append("\(p.name) is shard \(p.info.index)/\(p.info.count), the others are of \(n)")
        }
        parts = parts.filter { $0.info.count == n }.sorted { $0.info.index < $1.info.index }
        for p in parts where p.state.fingerprint[ProbeConfig.shardKey] != "\(p.info.index)/\(p.info.count)" {
            problems.append("\(p.name): \(ShardInfo.fileName) says \(p.info.index)/\(p.info.count) but \(ProbeDirectory.stateFileName) says \(p.state.fingerprint[ProbeConfig.shardKey] ?? "no shard")")
        }
        let byIndex = Dictionary(grouping: parts, by: \.info.index)
        for (i, ps) in byIndex.sorted(by: { $0.key < $1.key }) where ps.count > 1 {
            problems.append("shard \(i) given \(ps.count) times (\(ps.map(\.dir.path).joined(separator: ", ")))")
        }
        let missing = (0..<n).filter { byIndex[$0] == nil }
        if !missing.isEmpty, n > 0 {
            problems.append("missing shard\(missing.count > 1 ? "s" : "") \(missing.map(String.init).joined(separator: ", ")) of \(n)")
        }
        if let first = parts.first {
            let reference = first.state.fingerprint.filter { $0.key != ProbeConfig.shardKey }
            for p in parts.dropFirst() {
                let fp = p.state.fingerprint.filter { $0.key != ProbeConfig.shardKey }
                if fp != reference {
                    problems.append("\(p.name) was made with other settings than shard \(first.info.index) (\(ProbeState.differences(reference, fp)))")
                } else if p.info.totalWindows != first.info.totalWindows || p.info.documents != first.info.documents {
                    problems.append("\(p.name) counted \(p.info.totalWindows) windows in \(p.info.documents) documents, shard \(first.info.index) \(first.info.totalWindows) in \(first.info.documents) (corpus changed?)")
                }
            }
        }
        for p in parts where !p.state.collectionComplete || p.state.rowsDone != p.info.expectedRows || p.state.windowsDone != p.info.endWindow {
            problems.append("\(p.name) is incomplete (\(p.state.rowsDone) of \(p.info.expectedRows) tokens, windows up to \(p.state.windowsDone) of \(p.info.firstWindow)..<\(p.info.endWindow)): rerun it to resume")
        }
        if problems.isEmpty {
            var next = 0
            for p in parts {
                if p.info.firstWindow != next { problems.append("\(p.name) starts at window \(p.info.firstWindow), expected \(next)") }
                next = p.info.endWindow
            }
            if let last = parts.last, next != last.info.totalWindows {
                problems.append("the shards end at window \(next) of \(last.info.totalWindows)")
            }
        }
        guard problems.isEmpty else {
            throw ProbeError.mergeRefused("\(dirs.count) director\(dirs.count == 1 ? "y" : "ies") given: " + problems.joined(separator: "; "))
        }
        return parts
    }

    /// The provenance without the `shard` entry (the single run's provenance).
    static func unsharded(_ provenance: String) -> String {
        guard let any = try? JSONSerialization.jsonObject(with: Data(provenance.utf8)) as? [String: Any] else { return provenance }
        var p: [String: String] = [:]
        for (k, v) in any where k != ProbeConfig.shardKey {
            guard let s = v as? String else { return provenance }
            p[k] = s
        }
        return Collector.provenanceJSON(p)
    }

    static func codeHeader(_ url: URL, part: Part) throws -> CodeFile.Header {
        let file: AppendableFile
        do { file = try AppendableFile(url: url, create: false) } catch {
            throw ProbeError.mergeRefused("\(part.name): cannot open \(url.lastPathComponent) (\(error))")
        }
        let h: CodeFile.Header
        do {
            let first = try file.read(count: 64, at: 0)
            let plen = first.count >= 44 ? Int(first.withUnsafeBytes { UInt32(littleEndian: $0.loadUnaligned(fromByteOffset: 40, as: UInt32.self)) }) : 0
            h = try CodeFile.Header.decode(try file.read(count: 64 + min(plen, 1 << 20), at: 0), path: url.path)
        } catch {
            throw ProbeError.mergeRefused("\(part.name): \(error)")
        }
        guard h.rows == part.state.rowsDone else {
            throw ProbeError.mergeRefused("\(part.name): \(url.lastPathComponent) commits \(h.rows) rows, its state \(part.state.rowsDone)")
        }
        try expectSize(url, bytes: h.headerBytes + h.rows * h.strideBytes, exact: false, part: part)
        return h
    }

    static func expectSize(_ url: URL, bytes: Int, exact: Bool, part: Part) throws {
        let size = ((try? FileManager.default.attributesOfItem(atPath: url.path))?[.size] as? Int) ?? -1
        guard size >= 0 else { throw ProbeError.mergeRefused("\(part.name): \(url.lastPathComponent) is missing or unreadable") }
        guard exact ? size == bytes : size >= bytes else {
            throw ProbeError.mergeRefused("\(part.name): \(url.lastPathComponent) has \(size) bytes, its \(part.state.rowsDone) rows need \(bytes) (corrupted or truncated)")
        }
    }

    /// Appends `bytes` bytes of `url` from `offset` to `file`, in chunks.
    static func copy(_ url: URL, from offset: Int, bytes: Int, to file: AppendableFile) throws {
        let src = try AppendableFile(url: url, create: false)
        var done = 0
        while done < bytes {
            let chunk = try src.read(count: min(chunkBytes, bytes - done), at: offset + done)
            guard !chunk.isEmpty else { throw ProbeError.mergeRefused("\(url.path) ended after \(done) of \(bytes) bytes while merging") }
            try file.append(chunk)
            done += chunk.count
        }
    }

    /// Checks that a shard's token records lie in the shard's windows, in order (read in chunks).
    static func checkTokens(_ p: Part) throws {
        let src = try AppendableFile(url: ProbeDirectory(p.dir).tokensURL, create: false)
        let total = p.state.rowsDone * TokenRecord.size
        let perChunk = chunkBytes / TokenRecord.size * TokenRecord.size
        var done = 0, lastWindow = p.info.firstWindow
        while done < total {
            let chunk = try src.read(count: min(perChunk, total - done), at: done)
            guard chunk.count > 0, chunk.count % TokenRecord.size == 0 else {
                throw ProbeError.mergeRefused("\(p.name): tokens.bin ended after \(done) of \(total) bytes")
            }
            try chunk.withUnsafeBytes { raw in
                for r in 0..<(chunk.count / TokenRecord.size) {
                    let w = Int(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: r * TokenRecord.size + 4, as: UInt32.self)))
                    guard w >= lastWindow, w < p.info.endWindow else {
                        throw ProbeError.mergeRefused("\(p.name): tokens.bin record \((done / TokenRecord.size) + r) is in window \(w), outside the shard's windows \(p.info.firstWindow)..<\(p.info.endWindow) or out of order (corrupted)")
                    }
                    lastWindow = w
                }
            }
            done += chunk.count
        }
    }
}
