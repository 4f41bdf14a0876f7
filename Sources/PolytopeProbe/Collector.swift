import Dispatch
import Foundation
import PolytopeCodes
import PolytopeIO
import PolytopeModel
import PolytopeTokenizers

/// What collection produced (or found already committed).
public struct CollectionResult: Sendable {
    public var rows: Int
    public var tokensSeen: Int
    public var documents: Int
    public var windows: Int
    public var seconds: Double
    public var resumedFromRows: Int?
    public var bits: [Int: Int]
}

/// Streams a corpus through a model and appends the polytope codes of the recorded tokens to
/// per-layer code files, batch by batch, resumably.
///
/// Order is fixed (documents in corpus order, windows in document order, groups of
/// `threads * batchWindows` windows, fixed batches inside a group), so the codes do not depend
/// on timing or interruptions: the batches of a group run in parallel (BLAS single-threaded
/// inside each), are committed in order, then `probe-state.json` records the new count.
public final class Collector {
    let config: ProbeConfig
    let model: Model
    let tokenizer: any Tokenizer
    let corpus: Corpus
    let dir: ProbeDirectory
    let progress: ProbeProgress

    public init(config: ProbeConfig, model: Model, tokenizer: any Tokenizer, corpus: Corpus, directory: ProbeDirectory,
                progress: @escaping ProbeProgress = { _ in }) {
        self.config = config
        self.model = model
        self.tokenizer = tokenizer
        self.corpus = corpus
        self.dir = directory
        self.progress = progress
    }

    /// Sees every window that records tokens, as it is run (tests compare it with what
    /// `ProbeRowResolver` rebuilds).
    public var windowObserver: ((ProbeWindow) -> Void)?

    func log(_ s: String) throws { try progress(.status(s)) }

    var encodeOptions: EncodeOptions {
        EncodeOptions(allowedSpecial: .none, invalidUTF8: config.corpusOptions.lossy ? .lossy : .reject, addSpecialTokens: false)
    }

    /// The planner for this model: its anatomy's markers around each window.
    func planner() throws -> WindowPlanner {
        do {
            return try WindowPlanner.forModel(model, context: config.contextLength, stride: config.stride, sampling: config.sampling)
        } catch let e as ModelError {
            throw ProbeError.badArgument("\(e)")
        }
    }

    /// Per recorded layer, the activation's own knots for each unit (JumpReLU), if it has them.
    var unitKnots: [[Float]?] = []
    /// Per recorded layer, the up projection whose sign adds a bit per unit (`upSign`), if any.
    var upHooks: [String?] = []

    /// The recorded layers' code sites (pre-activation node and knots), from the anatomy.
    func layerPlan() throws -> (bits: [Int: Int], hooks: [String], knots: [[Float]]) {
        var bits: [Int: Int] = [:]
        var hooks: [String] = [], knots: [[Float]] = []
        unitKnots = []
        upHooks = []
        for layer in config.layers {
            let site = try model.codeSite(layer: layer)
            // One thermometer bit per unit and knot (docs/code-format.md): width × knots; with
            // `upSign`, then one bit per unit for the up projection's sign.
            bits[layer] = site.units * site.knots.count
            hooks.append(site.pre)
            knots.append(site.knots)
            unitKnots.append(site.unitKnots)
            if config.upSign {
                guard let up = try model.mlp(layer: layer).up else {
                    throw ProbeError.badArgument("--up-sign: layer \(layer)'s MLP is not gated (it has no up projection); the up projection's sign is a second bit of gated MLPs (SwiGLU, GeGLU) only")
                }
                bits[layer]! += site.units
                upHooks.append(up)
            } else {
                upHooks.append(nil)
            }
        }
        return (bits, hooks, knots)
    }

    /// Runs (or resumes) collection. With `restart`, earlier outputs in the directory are replaced.
    public func run(restart: Bool) throws -> CollectionResult {
        let planner = try planner()
        var fingerprint = config.fingerprint(corpus: corpus, contextLength: planner.contextLength)
        // Model file and plugin libraries by SHA-256: another build of a plugin is another run.
        fingerprint.merge(try RunIdentity(model: model, modelPath: config.modelPath).fingerprintEntries) { $1 }
        var state = restart ? nil : try dir.state()
        if state != nil, state!.fingerprint[ProbeConfig.precisionKey] == nil {
            state!.fingerprint[ProbeConfig.precisionKey] = Precision.fp32.rawValue
        }
        for key in [RunIdentity.modelKey, RunIdentity.pluginsKey] where state != nil && state!.fingerprint[key] == nil {
            state!.fingerprint[key] = fingerprint[key]  // states written before identities were recorded
        }
        if let s = state, s.fingerprint != fingerprint {
            throw ProbeError.differentRun(dir: dir.path, differences: ProbeState.differences(s.fingerprint, fingerprint))
        }
        let (bits, hooks, knots) = try layerPlan()
        let postHooks = try config.layers.map { try model.mlp(layer: $0).post }

        if let s = state, s.collectionComplete {
            try log("collection already complete in \(dir.path): \(s.rowsDone) tokens recorded")
            return CollectionResult(rows: s.rowsDone, tokensSeen: s.tokensSeen, documents: s.documents, windows: s.windowsDone,
                                    seconds: s.secondsCollecting, resumedFromRows: s.rowsDone, bits: bits)
        }

        // Counting pass: windows and eligible tokens (for random sampling, the shard split and the progress bar).
        let count = try CorpusCount(corpus: corpus, tokenizer: tokenizer, options: encodeOptions, planner: planner,
                                    batchWindows: config.batchWindows, maxWindows: config.maxWindows)
        guard count.totalTokens > 0 else { throw ProbeError.emptyCorpus(corpus.paths.joined(separator: ", ")) }
        var chosen: Set<Int>?
        if case .random(let size, _, let seed) = config.sampling {
            chosen = SampleSelection.floyd(size: size, total: count.totalEligible, seed: seed)
        }
        // This run's windows: all of them, or a shard's contiguous range of whole batches.
        var range = 0..<count.totalWindows
        var expectedRows = count.expectedRows
        if case .random(let size, _, _) = config.sampling { expectedRows = min(expectedRows, size) }
        if let shard = config.shard {
            range = shard.windowRange(batchTokens: count.batchTokens, batchWindows: config.batchWindows, totalWindows: count.totalWindows)
            let batches = count.batches(of: range, batchWindows: config.batchWindows)
            if let chosen {
                let before = count.batchEligible[..<batches.lowerBound].reduce(0, +)
                let inside = count.batchEligible[batches].reduce(0, +)
                expectedRows = chosen.lazy.filter { $0 >= before && $0 < before + inside }.count
            } else {
                expectedRows = count.batchRows[batches].reduce(0, +)
            }
            let info = ShardInfo(index: shard.index, count: shard.count, firstWindow: range.lowerBound, endWindow: range.upperBound,
                                 totalWindows: count.totalWindows, documents: count.documents, expectedRows: expectedRows)
            try info.write(dir: dir.url)
            try log("shard \(shard): windows \(range.lowerBound)..<\(range.upperBound) of \(count.totalWindows), \(expectedRows) tokens to record")
        }
        try checkDisk(rows: expectedRows - (state?.rowsDone ?? 0), bits: bits)

        let resumedRows = state?.rowsDone
        if let s = state { try log("resuming: \(s.windowsDone) of \(range.upperBound) windows, \(s.rowsDone) tokens already recorded") }
        var st = state ?? ProbeState(fingerprint: fingerprint, windowsDone: range.lowerBound, rowsDone: 0, tokensSeen: 0, documents: 0,
                                     collectionComplete: false, secondsCollecting: 0)
        try st.write(to: dir)
        let provenance = Collector.provenance(model: model, fingerprint: fingerprint)
        var sinks: [LayerSink] = []
        for layer in config.layers {
            sinks.append(try LayerSink(dir: dir, layer: layer, bits: bits[layer]!, provenance: provenance,
                                       rows: resumedRows, keepActivations: config.keepActivations))
        }
        let table = try TokenTableWriter(url: dir.tokensURL, rows: resumedRows ?? 0)

        let started = Date()
        let previousSeconds = st.secondsCollecting
        let markers = planner.prefix.count + planner.suffix.count
        let rangeTokens = count.batchTokens[count.batches(of: range, batchWindows: config.batchWindows)].reduce(0, +) - range.count * markers
        let initialTokens = st.tokensSeen
        try progress(.collecting(done: initialTokens, total: rangeTokens, resumedFrom: initialTokens))
        var pending: [ProbeWindow] = []
        var windowIndex = 0, nextEligible = 0, documents = 0
        let group = max(1, config.threads) * config.batchWindows

        /// Runs the pending group (windows with recorded tokens, in fixed batches) and commits it.
        /// Groups start at multiples of `group` windows (a multiple of the batch size).
        func flush() throws {
            guard let last = pending.last else { return }
            // Batch b holds the windows with index in [b * batchWindows, (b + 1) * batchWindows)
            // that record something: the same batches whatever the thread count or resume point.
            var batches: [[ProbeWindow]] = []
            var bucket = -1
            for w in pending where !w.recorded.isEmpty {
                if w.index / config.batchWindows != bucket {
                    bucket = w.index / config.batchWindows
                    batches.append([])
                }
                batches[batches.count - 1].append(w)
            }
            if let windowObserver { for b in batches { b.forEach(windowObserver) } }
            let results = try runParallel(batches, hooks: hooks, postHooks: postHooks, knots: knots)
            for result in results {
                for (sink, layerResult) in zip(sinks, result.layers) {
                    try sink.append(codes: layerResult.codes, activations: layerResult.activations)
                }
                try table.append(result.records)
                st.rowsDone += result.records.count
            }
            var seen = 0
            for w in pending { seen += w.ids.count - markers }
            st.tokensSeen += seen
            st.windowsDone = last.index + 1
            st.documents = documents
            st.secondsCollecting = previousSeconds + Date().timeIntervalSince(started)
            try st.write(to: dir)
            try progress(.collecting(done: st.tokensSeen, total: rangeTokens, resumedFrom: initialTokens))
            pending.removeAll(keepingCapacity: true)
        }

        try corpus.forEachDocument { doc in
            if let m = config.maxWindows, windowIndex >= m { return }
            documents = doc.index + 1
            let (docWindows, docEligible) = count.document(doc.index)
            if windowIndex + docWindows <= max(range.lowerBound, st.windowsDone) || windowIndex >= range.upperBound {
                // Before this run's range (or its resume point), or after it: numbered from the counting pass, not tokenized again.
                windowIndex += docWindows
                nextEligible += docEligible
                return
            }
            let tokens = try tokenizer.encode(doc.bytes, options: encodeOptions)
            var windows = planner.windows(document: doc.index, source: doc.source, tokens: tokens, firstWindowIndex: windowIndex,
                                          nextEligible: &nextEligible, chosen: chosen)
            if let m = config.maxWindows, windowIndex + windows.count > m { windows = Array(windows.prefix(m - windowIndex)) }
            windowIndex += windows.count
            for w in windows where w.index >= st.windowsDone && w.index < range.upperBound {
                pending.append(w)
                if pending.count == group { try flush() }
            }
        }
        try flush()
        st.windowsDone = config.shard == nil ? windowIndex : range.upperBound
        st.documents = documents
        st.collectionComplete = true
        st.secondsCollecting = previousSeconds + Date().timeIntervalSince(started)
        try st.write(to: dir)
        try progress(.collected)
        return CollectionResult(rows: st.rowsDone, tokensSeen: st.tokensSeen, documents: documents, windows: st.windowsDone,
                                seconds: st.secondsCollecting, resumedFromRows: resumedRows, bits: bits)
    }

    /// Refuses, with the numbers, a run whose outputs cannot fit the free space: per recorded
    /// token a padded code row per layer, a token record, and with baselines float32 activations.
    func checkDisk(rows: Int, bits: [Int: Int]) throws {
        guard rows > 0, let free = AtomicFile.freeBytes(directory: dir.path) else { return }
        var perRow = TokenRecord.size
        for layer in config.layers {
            let b = bits[layer] ?? 0
            perRow += CodeMatrix.wordsPerRow(bits: b) * 8 * 2          // .plcodes and, at the end, .npy (upper bound)
            if config.keepActivations { perRow += b * 4 }
        }
        let needed = UInt64(rows) * UInt64(perRow)
        if needed > free { throw ProbeError.insufficientDisk(dir: dir.path, needed: needed, free: free) }
    }

    struct LayerBatch {
        var codes: CodeMatrix
        var activations: [Float]?
    }

    struct BatchResult {
        var layers: [LayerBatch]
        var records: [TokenRecord]
    }

    /// Runs the batches concurrently and returns their results in order.
    func runParallel(_ batches: [[ProbeWindow]], hooks: [String], postHooks: [String], knots: [[Float]]) throws -> [BatchResult] {
        var results = [Result<BatchResult, Error>?](repeating: nil, count: batches.count)
        let lock = NSLock()
        DispatchQueue.concurrentPerform(iterations: batches.count) { i in
            let r = Result { try self.runBatch(batches[i], hooks: hooks, postHooks: postHooks, knots: knots) }
            lock.lock()
            results[i] = r
            lock.unlock()
        }
        return try results.map { try $0!.get() }
    }

    /// One forward pass over a batch of windows; codes of the recorded positions.
    func runBatch(_ windows: [ProbeWindow], hooks: [String], postHooks: [String], knots: [[Float]]) throws -> BatchResult {
        // Parallel batches, each single-threaded inside.
        let ctx = ForwardContext(sequences: windows.map(\.ids)).with(threading: .serial, precision: config.precision)
        let capture = hooks + upHooks.compactMap { $0 } + (config.keepActivations ? postHooks : [])
        let out = try model.forward(ctx, capture: capture)
        var rows: [Int] = []
        var records: [TokenRecord] = []
        for (b, w) in windows.enumerated() {
            for p in w.recorded {
                rows.append(b * ctx.seqLen + p)
                records.append(TokenRecord(document: w.document, window: w.index, position: p, tokenID: Int(w.ids[p]),
                                           byteStart: w.spans[p].lowerBound, byteEnd: w.spans[p].upperBound,
                                           previousTokenID: p > 0 ? Int(w.ids[p - 1]) : -1))
            }
        }
        var layers: [LayerBatch] = []
        for (i, hook) in hooks.enumerated() {
            let pre = out[hook]!.rows(rows)
            if !config.allowNonFinite, let bad = pre.firstNonFinite() {
                let r = records[bad.row]
                throw ProbeError.badArgument("\(hook) is not finite: document \(r.document), window \(r.window), position \(r.position) (token \(r.tokenID)), unit \(bad.col) is \(bad.value); its codes would mean nothing (--allow-nonfinite records them anyway)")
            }
            // Per-unit knots (JumpReLU thresholds) when the activation has them.
            var codes = try unitKnots[i].map {
                try CodeMatrix(preActivations: pre.data, rows: pre.rows, units: pre.cols, unitKnots: $0, knotsPerUnit: knots[i].count)
            } ?? CodeMatrix(preActivations: pre.data, rows: pre.rows, units: pre.cols, knots: knots[i])
            if let upHook = upHooks[i] {
                // Gated MLPs with `upSign`: the gate's bits, then one bit per unit, W_up x > 0.
                let up = out[upHook]!.rows(rows)
                if !config.allowNonFinite, let bad = up.firstNonFinite() {
                    let r = records[bad.row]
                    throw ProbeError.badArgument("\(upHook) is not finite: document \(r.document), window \(r.window), position \(r.position) (token \(r.tokenID)), unit \(bad.col) is \(bad.value); its codes would mean nothing (--allow-nonfinite records them anyway)")
                }
                codes = try CodeMatrix.joiningColumns([codes, CodeMatrix(preActivations: up.data, rows: up.rows, units: up.cols)])
            }
            let acts: [Float]? = config.keepActivations ? out[postHooks[i]]!.rows(rows).data : nil
            layers.append(LayerBatch(codes: codes, activations: acts))
        }
        return BatchResult(layers: layers, records: records)
    }

    static func provenance(model: Model, fingerprint: [String: String]) -> String {
        var p = fingerprint
        p["model_name"] = model.spec.name
        return provenanceJSON(p)
    }

    /// The code files' provenance: the fingerprint and model name as JSON with sorted keys.
    static func provenanceJSON(_ p: [String: String]) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: p, options: [.sortedKeys])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}
