import CPolytopeLens
import Foundation
import PolytopeClustering
import PolytopeCodes

// k-medoids on packed codes: what `polytope cluster` does, with its defaults.

/// Options from the C struct, with the CLI's defaults and its messages for bad names.
func kmedoidsOptions(_ o: pl_kmedoids_options?, n: Int, k: Int) throws -> KMedoids.Options {
    let method = optionalString(o?.method) ?? "fasterpam"
    let initName = optionalString(o?.initialization) ?? "auto"
    let modeName = optionalString(o?.mode) ?? "auto"
    guard let m = KMedoidsMethod(rawValue: method) else {
        throw CAPIError(Int32(PL_EINVAL), "method must be one of fasterpam, alternate, clara (got '\(method)')")
    }
    guard initName == "auto" || KMedoidsInit(rawValue: initName) != nil else {
        throw CAPIError(Int32(PL_EINVAL), "init must be one of auto, build, kmeans++, lab, random (got '\(initName)')")
    }
    guard modeName == "auto" || DissimilarityMode(rawValue: modeName) != nil else {
        throw CAPIError(Int32(PL_EINVAL), "mode must be one of auto, matrix, matrix-free, clara (got '\(modeName)')")
    }
    var options = KMedoids.Options(
        method: m, initialization: KMedoidsInit(rawValue: initName) ?? .build, seed: o?.seed ?? 0,
        memoryBudget: (o?.memory_bytes ?? 0) > 0 ? Int(o!.memory_bytes) : MemoryBudget.defaultBytes,
        mode: modeName == "auto" ? nil : DissimilarityMode(rawValue: modeName), threads: threadCount(o?.threads ?? 0),
        maxIterations: (o?.max_iterations ?? 0) > 0 ? Int(o!.max_iterations) : 100,
        claraSamples: (o?.clara_samples ?? 0) > 0 ? Int(o!.clara_samples) : 5,
        claraSampleSize: (o?.clara_sample_size ?? 0) > 0 ? Int(o!.clara_sample_size) : nil)
    if options.method == .clara { options.mode = .clara }
    // `init auto` as the CLI: BUILD where its matrix exists and k N^2 stays small, else LAB.
    if initName == "auto" { options.initialization = KMedoids.autoInitialization(count: n, k: k, options: options) }
    return options
}

/// Copies a short ASCII name into a fixed C char array (a tuple in Swift).
func setName<T>(_ field: inout T, _ value: String) {
    withUnsafeMutableBytes(of: &field) { buf in
        let bytes = Array(value.utf8.prefix(buf.count - 1))
        for (i, b) in bytes.enumerated() { buf[i] = b }
        buf[bytes.count] = 0
    }
}

@_cdecl("pl_kmedoids")
public func pl_kmedoids(_ codes: UnsafePointer<UInt8>?, _ n: Int64, _ bits: Int64, _ k: Int64,
                        _ options: UnsafePointer<pl_kmedoids_options>?, _ medoidsOut: UnsafeMutablePointer<Int64>?,
                        _ labelsOut: UnsafeMutablePointer<Int64>?, _ infoOut: UnsafeMutablePointer<pl_kmedoids_info>?,
                        _ err: UnsafeMutablePointer<CChar>?, _ errLen: Int) -> Int32 {
    guarded(err, errLen) {
        guard n >= 1 else { throw CAPIError(Int32(PL_EINVAL), "no codes to cluster (0 rows)") }
        guard k >= 1 && k <= n else {
            throw CAPIError(Int32(PL_EINVAL), ClusteringError.badK(k: Int(k), count: Int(n)).description)
        }
        let all = try codeMatrix(codes, rows: n, bits: bits, name: "codes")
        let opts = try kmedoidsOptions(options?.pointee, n: Int(n), k: Int(k))
        let medoidsPtr = try required(medoidsOut, "medoids"), labelsPtr = try required(labelsOut, "labels")
        let result: KMedoidsResult
        do { result = try KMedoids.cluster(all, k: Int(k), options: opts) } catch let e as ClusteringError {
            throw CAPIError(Int32(PL_EINVAL), e.description)
        }
        for (i, m) in result.medoids.enumerated() { medoidsPtr[i] = Int64(m) }
        for (i, l) in result.labels.enumerated() { labelsPtr[i] = Int64(l) }
        guard let infoOut else { return }
        // Quality on Hamming distance: a matrix only when the clustering used one (as the CLI).
        let d: any Dissimilarity = result.mode == .matrix
            ? PrecomputedDissimilarity(codes: all, threads: opts.threads) : CodeDissimilarity(codes: all, threads: opts.threads)
        let sample = (options?.pointee.silhouette_sample ?? 0) > 0 ? Int(options!.pointee.silhouette_sample) : 2000
        let sil = ClusterQuality.silhouette(d, labels: result.labels, k: Int(k), sampleSize: sample, seed: opts.seed)
        var info = pl_kmedoids_info()
        info.loss = Int64(result.loss)
        info.iterations = Int64(result.iterations)
        info.swaps = Int64(result.swaps)
        info.silhouette = sil.mean
        info.silhouette_sampled = sil.sampled ? 1 : 0
        setName(&info.method, result.method.rawValue)
        setName(&info.initialization, result.initialization.rawValue)
        setName(&info.mode, result.mode.rawValue)
        infoOut.pointee = info
    }
}
