import ArgumentParser
import Foundation
import PolytopeClustering
import PolytopeCodes
import PolytopeProbe

extension ClusterCommand {
    /// `polytope cluster CODES --k K --sample M`: CLARA's sample clustered, medoids written out.
    func runSample(_ m: Int, outURL: URL) throws {
        guard !clustering.isHDBSCAN else { throw CodesCommandError("--sample is for k-medoids (CLARA); HDBSCAN samples with --hdbscan-sample") }
        guard codes.count == 1 else { throw CodesCommandError("--sample reads one code file (got \(codes.count)); merge probe shards first with polytope merge") }
        guard m >= 1 else { throw CodesCommandError("--sample must be at least 1 (got \(m))") }
        let url = URL(fileURLWithPath: codes[0])
        if let head = FileManager.default.contents(atPath: url.path)?.prefix(6), head.elementsEqual([0x93] + Array("NUMPY".utf8)) {
            throw CodesCommandError("--sample reads rows of a code file (.plcodes, e.g. a merged probe's codes-layerL.plcodes), not .npy: \(url.path)")
        }
        let header = try CodeFile.header(of: url)
        let k = self.k!
        guard k <= header.rows else { throw CodesCommandError("--k \(k) is larger than the number of codes (\(header.rows))") }
        // The options of the single-machine equivalent: --method clara --samples 1 --sample-size M.
        var clara = clustering
        clara.method = "clara"
        clara.samples = 1
        clara.sampleSize = m
        let options = clara.kmedoids(count: header.rows, k: k, seed: seed, threads: threads)
        let start = Date()
        let set = try ScaleClustering.sample(codes: url, k: k, sampleSize: m, seed: seed, initialization: options.initialization,
                                             maxIterations: options.maxIterations, threads: threads)
        try set.write(outURL)
        if verbose {
            FileHandle.standardError.write(Data(String(format: "polytope cluster: %d medoids from a sample of %d of %d codes (init %@), %.2f s -> %@\n",
                                                       k, set.sampleSize, header.rows, set.initialization, Date().timeIntervalSince(start), out).utf8))
        }
    }
}
