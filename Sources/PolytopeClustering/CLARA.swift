/// CLARA ("Clustering LARge Applications"; Kaufman & Rousseeuw, "Finding Groups in Data", 1990,
/// chapter 3) with FasterPAM on each sample, as in FastCLARA (Schubert & Rousseeuw 2021):
/// draw a sample (always containing the best medoids so far), cluster it with a precomputed
/// matrix, assign all N objects to the sample's medoids, keep the medoids with the lowest loss
/// over all N.
///
/// - Complexity: per sample O(s^2 bits/64) for the sample's matrix, FasterPAM on s objects, and
///   O(N k) distances for the assignment; memory 2 s^2 + 2 N k bytes.
public enum CLARA {
    /// Default sample size: `max(80 + 4k, 2000)` capped at N. FastCLARA's paper suggests
    /// 80 + 4k; a few thousand codes are cheap here and give better medoids.
    public static func defaultSampleSize(n: Int, k: Int) -> Int { min(n, max(80 + 4 * k, 2000)) }

    public static func run<D: Dissimilarity>(_ d: D, k: Int, samples: Int = 5, sampleSize: Int? = nil,
                                             initialization: KMedoidsInit = .build, seed: UInt64 = 0,
                                             maxIterations: Int = 100, threads: Int = 1) -> KMedoidsResult {
        let n = d.count
        precondition(k >= 1 && k <= n)
        let s = size(n: n, k: k, sampleSize: sampleSize)
        var rng = SeededRandom(seed: seed)
        var best: (medoids: [Int], labels: [Int], loss: Int)? = nil
        var iterations = 0, swaps = 0
        for _ in 0..<max(1, samples) {
            var sample = best?.medoids ?? []
            var inSample = Set(sample)
            for x in rng.sample(min(n, s + sample.count), from: n) where sample.count < s && !inSample.contains(x) {
                sample.append(x)
                inSample.insert(x)
            }
            let r = cluster(sample: sample, d.restricted(to: sample), k: k, initialization: initialization, rng: &rng,
                            maxIterations: maxIterations, threads: threads)
            iterations += r.iterations
            swaps += r.swaps
            let (labels, loss) = assign(d, medoids: r.medoids)
            if best == nil || loss < best!.loss { best = (r.medoids, labels, loss) }
            if s == n { break }  // the sample is everything: more samples cannot differ
        }
        return KMedoidsResult(medoids: best!.medoids, labels: best!.labels, loss: best!.loss, iterations: iterations,
                              swaps: swaps, method: .clara, initialization: initialization, mode: .clara,
                              samples: max(1, samples), sampleSize: s)
    }

    /// The codes per sample for N objects: `sampleSize` (default `defaultSampleSize`), at least k, at most N.
    public static func size(n: Int, k: Int, sampleSize: Int?) -> Int { max(k, min(n, sampleSize ?? defaultSampleSize(n: n, k: k))) }

    /// CLARA's first sample of N objects, and the generator as CLARA leaves it for the sample's
    /// initialisation: with `samples = 1`, `run` clusters exactly these rows. Lets the sample be
    /// clustered where only these rows are loaded (`polytope cluster --sample`), the rest
    /// assigned elsewhere (`polytope assign`), with the same result as `run(samples: 1)`.
    public static func firstSample(n: Int, k: Int, sampleSize: Int?, seed: UInt64) -> (rows: [Int], rng: SeededRandom) {
        var rng = SeededRandom(seed: seed)
        let rows = rng.sample(min(n, size(n: n, k: k, sampleSize: sampleSize)), from: n)
        return (rows, rng)
    }

    /// FasterPAM on one sample (`sub`: the distances among `sample`'s objects); the medoids as
    /// objects of the whole set.
    public static func cluster(sample: [Int], _ sub: PrecomputedDissimilarity, k: Int, initialization: KMedoidsInit,
                               rng: inout SeededRandom, maxIterations: Int, threads: Int) -> (medoids: [Int], iterations: Int, swaps: Int) {
        let start = KMedoids.initialMedoids(sub, k: k, initialization: initialization, rng: &rng, threads: threads)
        let r = FasterPAM.run(sub, initialMedoids: start, maxIterations: maxIterations, initialization: initialization,
                              threads: threads)
        return (r.medoids.map { sample[$0] }, r.iterations, r.swaps)
    }
}
