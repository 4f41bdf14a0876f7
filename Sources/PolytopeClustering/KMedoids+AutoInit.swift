extension KMedoids {
    /// `--init auto`: PAM BUILD (O(k N²)) where its distance matrix exists and the cost stays
    /// seconds (k·rows² ≤ 2e10), else LAB (linear approximate BUILD, O(k N)).
    public static func autoInitialization(count n: Int, k: Int, options: Options) -> KMedoidsInit {
        let chosen = chooseMode(count: n, options: options)
        let rows = chosen == .clara ? (options.claraSampleSize ?? CLARA.defaultSampleSize(n: n, k: k)) : n
        let cost = Double(k) * Double(rows) * Double(rows)
        return chosen != .matrixFree && cost <= 2e10 ? .build : .lab
    }
}
