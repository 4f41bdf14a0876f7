import PolytopeTokenizers

/// The probe's counting pass: every document tokenized once (no forward pass), giving the
/// window numbering, the eligible-token numbering random sampling draws from, the batch sizes a
/// shard split is cut from, and what a single run would record.
///
/// Windows are numbered across the corpus in document order; batch `b` holds windows
/// [b·batchWindows, (b+1)·batchWindows). With `maxWindows` only the first windows count, but
/// eligible tokens of the whole corpus are numbered (random sampling draws from all of them).
///
/// - Complexity: one tokenization of the corpus; memory O(documents + batches).
struct CorpusCount {
    var totalWindows = 0
    var totalEligible = 0
    var totalTokens = 0
    /// Tokens (markers included) of the counted windows, for the progress bar.
    var windowTokens = 0
    /// Rows a single run records (random sampling: before the sample size caps it).
    var expectedRows = 0
    /// What a single run reports as `documents`: one past the last document it visits.
    var documents = 0
    /// Per document: windows (all, before any `maxWindows` cut) and eligible tokens.
    var documentWindows: [Int32] = []
    var documentEligible: [Int32] = []
    /// Per batch of counted windows: window tokens, eligible tokens, recorded rows (random: eligible).
    var batchTokens: [Int] = []
    var batchEligible: [Int] = []
    var batchRows: [Int] = []

    init(corpus: Corpus, tokenizer: any Tokenizer, options: EncodeOptions, planner: WindowPlanner,
         batchWindows: Int, maxWindows: Int?) throws {
        try corpus.forEachDocument { doc in
            if maxWindows.map({ totalWindows < $0 }) ?? true { documents = doc.index + 1 }
            let n = try tokenizer.encode(doc.bytes, options: options).count
            totalTokens += n
            var windows: Int32 = 0, eligibleHere: Int32 = 0
            for (w, new) in planner.spans(tokenCount: n) {
                let eligible = planner.eligible(window: w, new: new).count
                totalEligible += eligible
                windows += 1
                eligibleHere += Int32(eligible)
                guard maxWindows.map({ totalWindows < $0 }) ?? true else { continue }
                let b = totalWindows / batchWindows
                if b == batchTokens.count {
                    batchTokens.append(0)
                    batchEligible.append(0)
                    batchRows.append(0)
                }
                let rows = planner.recordedCount(eligible: eligible)
                batchTokens[b] += w.count + planner.prefix.count + planner.suffix.count
                batchEligible[b] += eligible
                batchRows[b] += rows
                totalWindows += 1
                windowTokens += w.count
                expectedRows += rows
            }
            documentWindows.append(windows)
            documentEligible.append(eligibleHere)
        }
    }

    /// The batches holding `windows` (a range that starts on a batch boundary).
    func batches(of windows: Range<Int>, batchWindows: Int) -> Range<Int> {
        guard !windows.isEmpty else { return 0..<0 }
        return (windows.lowerBound / batchWindows)..<((windows.upperBound + batchWindows - 1) / batchWindows)
    }

    /// Windows and eligible tokens of document `index` (documents are numbered without gaps).
    func document(_ index: Int) -> (windows: Int, eligible: Int) {
        (Int(documentWindows[index]), Int(documentEligible[index]))
    }
}
