import Foundation
import PolytopeModel

/// Runs a model on one token window with a chosen vector in place of one node's output at one
/// position (activation patching), many vectors at once as separate sequences of one batch,
/// and reads back the regions of later MLP units and the output at that position.
///
/// The other positions keep the window's own values; with a causal model the window ends at
/// the position, so nothing after it is computed.
public final class InjectionRunner: @unchecked Sendable {
    public let model: Model
    public let point: TokenPoint
    /// The node whose output row at `point.position` is replaced.
    public let injectHook: String
    /// The window's own output of `injectHook` ([tokens, width]).
    public let base: Matrix
    /// MLP layers whose codes are read, with their pre-activation hooks, knots, unit counts and
    /// offsets into `Sample.regions`.
    public let codeLayers: [Int]
    public let layerHooks: [String]
    public let layerKnots: [[Float]]
    public let layerUnits: [Int]
    public let layerOffsets: [Int]
    /// `logits` when the model has it (outputs are then log-probabilities), else the last node.
    public let outputHook: String
    public let outputIsLogits: Bool

    /// What one injected vector gives at the position.
    public struct Sample: Sendable {
        /// Region index of every unit of every code layer (concatenated in `codeLayers` order).
        public var regions: [UInt8]
        /// Log-probabilities of the next token (language model) or the final hidden state.
        public var output: [Float]
    }

    public init(model: Model, point: TokenPoint, injectHook: String, codeLayers: [Int]) throws {
        self.model = model
        self.point = point
        self.injectHook = injectHook
        self.codeLayers = codeLayers
        var knots: [[Float]] = [], units: [Int] = [], offsets: [Int] = [], hooks: [String] = []
        var off = 0
        for l in codeLayers {
            let site = try model.codeSite(layer: l)
            knots.append(site.knots)
            hooks.append(site.pre)
            units.append(site.units)
            offsets.append(off)
            off += site.units
        }
        layerHooks = hooks
        layerKnots = knots
        layerUnits = units
        layerOffsets = offsets
        if let logits = model.spec.anatomy?.logits {
            outputHook = logits
            outputIsLogits = true
        } else {
            outputHook = model.spec.nodes.last!.name
            outputIsLogits = false
        }
        base = try model.forward(ForwardContext(sequences: [point.tokens]), capture: [injectHook])[injectHook]!
    }

    /// The window's own vector at the position.
    public var baseVector: [Float] { Array(base.row(point.position)) }
    public var width: Int { base.cols }
    public var totalUnits: Int { layerUnits.reduce(0, +) }

    /// Sequences per forward pass: at most 64, and at most ~16M floats in the widest capture.
    var batchSize: Int {
        let seq = point.tokens.count
        let widest = max(model.widths[model.hookIndex[outputHook]!], layerUnits.max() ?? 0, width)
        return max(1, min(64, 16_000_000 / max(1, seq * widest)))
    }

    /// Runs every vector (each of `width` floats) injected at the position.
    ///
    /// - Complexity: one forward pass of the window per vector, batched.
    public func evaluate(_ vectors: [[Float]]) throws -> [Sample] {
        let seq = point.tokens.count, pos = point.position, w = width
        let hooks = layerHooks + [outputHook]
        var out: [Sample] = []
        out.reserveCapacity(vectors.count)
        var start = 0
        while start < vectors.count {
            let chunk = Array(vectors[start..<min(vectors.count, start + batchSize)])
            var data = [Float]()
            data.reserveCapacity(chunk.count * seq * w)
            for v in chunk {
                precondition(v.count == w, "injected vector has \(v.count) values, expected \(w)")
                var m = base.data
                m.replaceSubrange((pos * w)..<((pos + 1) * w), with: v)
                data += m
            }
            let ctx = ForwardContext(sequences: [[Int32]](repeating: point.tokens, count: chunk.count))
            let res = try model.forward(ctx, capture: hooks, overrides: [injectHook: Matrix(rows: chunk.count * seq, cols: w, data: data)])
            for b in 0..<chunk.count {
                let row = b * seq + pos
                var regions = [UInt8]()
                regions.reserveCapacity(totalUnits)
                for i in codeLayers.indices {
                    let pre = res[layerHooks[i]]!.row(row)
                    let knots = layerKnots[i]
                    for v in pre {
                        var r: UInt8 = 0
                        for k in knots where v > k { r += 1 }
                        regions.append(r)
                    }
                }
                var o = Array(res[outputHook]!.row(row))
                if outputIsLogits { Self.logSoftmax(&o) }
                out.append(Sample(regions: regions, output: o))
            }
            start += chunk.count
        }
        return out
    }

    static func logSoftmax(_ x: inout [Float]) {
        let m = x.max() ?? 0
        var s = 0.0
        for v in x { s += exp(Double(v - m)) }
        let lse = Float(log(s)) + m
        for i in x.indices { x[i] -= lse }
    }

    /// Output change from `reference` to `other`: KL(P_ref || P_other) in nats for
    /// log-probabilities, else 1 - cosine similarity of the hidden states.
    public func outputChange(from reference: [Float], to other: [Float]) -> Double {
        OutputChange.compute(reference, other, logProbabilities: outputIsLogits)
    }
}

/// KL divergence between next-token distributions, or cosine change of hidden states.
public enum OutputChange {
    public static func compute(_ a: [Float], _ b: [Float], logProbabilities: Bool) -> Double {
        precondition(a.count == b.count)
        if logProbabilities {
            var kl = 0.0
            for i in a.indices {
                let la = Double(a[i])
                kl += exp(la) * (la - Double(b[i]))
            }
            return max(0, kl)
        }
        var dot = 0.0, na = 0.0, nb = 0.0
        for i in a.indices {
            dot += Double(a[i]) * Double(b[i]); na += Double(a[i]) * Double(a[i]); nb += Double(b[i]) * Double(b[i])
        }
        return na > 0 && nb > 0 ? 1 - dot / (na * nb).squareRoot() : 0
    }
}
