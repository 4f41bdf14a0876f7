import CPolytopePlugin
import Foundation

/// A layer built by an ABI version 2 plugin kind: any number of inputs, the batch's sequence
/// information, the plugin's per-node state (handed back to `destroy` once, on release).
class PluginLayerV2: Layer, @unchecked Sendable {
    let node: String
    let kind: String
    let library: String
    let inputWidths: [Int]
    let outputWidth: Int
    private let state: UnsafeMutableRawPointer?
    private let functions: PluginKindFunctionsV2

    init(node: String, kind: String, library: String, inputWidths: [Int], outputWidth: Int,
         state: UnsafeMutableRawPointer?, functions: PluginKindFunctionsV2) {
        self.node = node
        self.kind = kind
        self.library = library
        self.inputWidths = inputWidths
        self.outputWidth = outputWidth
        self.state = state
        self.functions = functions
    }

    deinit { functions.destroy(state) }

    /// - Complexity: one call into the plugin for all rows of the batch, plus O(rows) for the
    ///   position table.
    func forward(_ inputs: [Matrix], context: ForwardContext) throws -> Matrix {
        guard inputs.count == inputWidths.count else {
            throw ModelError.wrongInputCount(node: node, kind: kind, expected: "\(inputWidths.count)", found: inputs.count)
        }
        let rows = inputs[0].rows
        for (x, w) in zip(inputs, inputWidths) {
            guard x.cols == w else { throw ModelError.inputWidthMismatch(node: node, expected: "\(w)", found: x.cols) }
            guard x.rows == rows else { throw ModelError.badInput("node '\(node)': inputs have \(rows) and \(x.rows) rows") }
        }
        var out = Matrix(zeros: rows, outputWidth)
        guard rows > 0 else { return out }
        // Sequence information: the context's when it describes these rows, else one sequence.
        let (batch, seqLen, lengths): (Int, Int, [Int64]) = context.rows == rows && context.seqLen > 0
            ? (context.batch, context.seqLen, context.lengths.map(Int64.init))
            : (1, rows, [Int64(rows)])
        let positions = (0..<rows).map { Int64($0 % seqLen) }
        let widths = inputWidths.map(Int64.init)
        let (rc, err): (Int32, [CChar]) = PluginLayerSupport.withFloatPointers(inputs.map(\.data), []) { pointers in
            pointers.withUnsafeBufferPointer { ptrs in
                widths.withUnsafeBufferPointer { w in
                    lengths.withUnsafeBufferPointer { l in
                        positions.withUnsafeBufferPointer { p in
                            out.data.withUnsafeMutableBufferPointer { o in
                                var args = PolytopeForwardArgs(
                                    struct_size: UInt32(MemoryLayout<PolytopeForwardArgs>.size), rows: Int64(rows),
                                    input_count: Int32(ptrs.count), inputs: ptrs.baseAddress, input_widths: w.baseAddress,
                                    output: o.baseAddress, output_width: Int64(outputWidth), batch: Int64(batch),
                                    seq_len: Int64(seqLen), lengths: l.baseAddress, positions: p.baseAddress)
                                return PluginHost.withError { e in functions.forward(UnsafeRawPointer(state), &args, e) }
                            }
                        }
                    }
                }
            }
        }
        guard rc == 0 else {
            throw ModelError.pluginKindFailed(node: node, kind: kind, library: library, message: PluginKindAdapter.message(err, call: "forward", code: rc))
        }
        return out
    }
}

/// An activation node of an ABI version 2 kind: knots chosen by `create` (or the kind's
/// defaults), shared by all units or per unit.
final class PluginActivationLayerV2: PluginLayerV2, ActivationLayer, @unchecked Sendable {
    let knots: [Float]
    let unitKnots: [Float]?

    init(node: String, kind: String, library: String, width: Int, knots: [Float], unitKnots: [Float]?,
         state: UnsafeMutableRawPointer?, functions: PluginKindFunctionsV2) {
        self.knots = knots
        self.unitKnots = unitKnots
        super.init(node: node, kind: kind, library: library, inputWidths: [width], outputWidth: width, state: state, functions: functions)
    }
}

enum PluginLayerSupport {
    /// Calls `body` with stable pointers to each array's elements (nested, so all stay valid).
    static func withFloatPointers<R>(_ arrays: [[Float]], _ acc: [UnsafePointer<Float>?],
                                     _ body: ([UnsafePointer<Float>?]) -> R) -> R {
        guard acc.count < arrays.count else { return body(acc) }
        return arrays[acc.count].withUnsafeBufferPointer { withFloatPointers(arrays, acc + [$0.baseAddress], body) }
    }
}

/// C memory that lives until the arena is released (strings, lists, shapes for `create`).
final class CArena {
    private var blocks: [UnsafeMutableRawPointer] = []
    deinit { blocks.forEach { free($0) } }

    func string(_ s: String) -> UnsafePointer<CChar> {
        let p = strdup(s)!
        blocks.append(UnsafeMutableRawPointer(p))
        return UnsafePointer(p)
    }

    func array<T>(_ values: [T]) -> UnsafePointer<T>? {
        guard !values.isEmpty else { return nil }
        // Only trivial C types go here, so malloc + initialize is enough (free needs no deinit).
        let raw = malloc(MemoryLayout<T>.stride * values.count)!
        let p = raw.bindMemory(to: T.self, capacity: values.count)
        p.initialize(from: values, count: values.count)
        blocks.append(raw)
        return UnsafePointer(p)
    }
}
