import Foundation
import PolytopeIO

/// `probe-state.json`: what has been committed, so a rerun with the same settings continues
/// where the last one stopped. Written atomically after every committed group of batches;
/// the outputs are cut back to `rowsDone` on resume, so a batch that was being written when
/// the process died is simply done again.
public struct ProbeState: Codable, Equatable, Sendable {
    public var fingerprint: [String: String]
    public var windowsDone: Int
    public var rowsDone: Int
    public var tokensSeen: Int
    public var documents: Int
    public var collectionComplete: Bool
    public var secondsCollecting: Double

    enum CodingKeys: String, CodingKey {
        case fingerprint
        case windowsDone = "windows_done", rowsDone = "rows_done", tokensSeen = "tokens_seen"
        case documents, collectionComplete = "collection_complete", secondsCollecting = "seconds_collecting"
    }

    public func write(to dir: ProbeDirectory) throws {
        let enc = JSONEncoder()
        enc.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(try enc.encode(self), to: dir.stateURL)
    }

    /// The window length (markers included) the probe cut, from its fingerprint.
    public var contextLength: Int? { fingerprint["context"].flatMap(Int.init) }
    /// Tokens between window starts; nil when windows did not overlap.
    public var stride: Int? { fingerprint["stride"].flatMap(Int.init) }

    /// The settings that differ from another fingerprint, for the error message.
    static func differences(_ a: [String: String], _ b: [String: String]) -> String {
        Set(a.keys).union(b.keys).sorted().filter { a[$0] != b[$0] }
            .map { "\($0): \(a[$0] ?? "-") vs \(b[$0] ?? "-")" }.joined(separator: "; ")
    }
}
