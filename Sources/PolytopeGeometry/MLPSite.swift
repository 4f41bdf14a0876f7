import Foundation
import PolytopeModel

/// Where layer `L`'s MLP sits in a model graph, found from the graph rather than assumed:
/// the MLP input is whatever node feeds `blocks.L.mlp.hook_pre` (GPT-2: `blocks.L.ln2.hook_normalized`;
/// BERT: `blocks.L.hook_resid_mid`, itself a layer norm), and the node before the layer norm
/// is that layer norm's input (GPT-2: `blocks.L.hook_resid_mid`; BERT: `blocks.L.hook_attn_residual`).
public struct MLPSite: Sendable {
    public let layer: Int
    /// Hook of the MLP input (after the layer norm): the point a path or a scale acts on.
    public let inputHook: String
    /// Hook of the layer norm's input (the residual stream before it), if the MLP input is a layer norm.
    public let preNormHook: String?
    public let preHook: String
    public let postHook: String
    /// `blocks.L.hook_mlp_out` when present (the output projection).
    public let outHook: String?
    /// Knots of the activation (one bit per unit for a single knot).
    public let knots: [Float]
    /// Input projection, stored [in, out] row-major whatever the file's layout, and its bias.
    public let wIn: [Float]
    public let bIn: [Float]
    public let inWidth: Int
    public let units: Int

    /// The MLP layers present: every `l` with a `blocks.l.mlp.hook_pre` hook.
    public static func layers(of model: Model) -> [Int] {
        var ls: [Int] = []
        var l = 0
        while model.hookIndex["blocks.\(l).mlp.hook_pre"] != nil { ls.append(l); l += 1 }
        return ls
    }

    public init(model: Model, layer: Int) throws {
        let all = Self.layers(of: model)
        guard all.contains(layer) else {
            throw GeometryError.noSuchLayer(layer, available: all.isEmpty ? nil : all.first!...all.last!)
        }
        self.layer = layer
        preHook = "blocks.\(layer).mlp.hook_pre"
        postHook = "blocks.\(layer).mlp.hook_post"
        let preNode = model.spec.nodes[try model.nodeIndex(hook: preHook)]
        guard preNode.kind == "linear", preNode.inputs.count == 1 else {
            throw GeometryError.unsupportedMLP(layer: layer, reason: "'\(preHook)' is a '\(preNode.kind)' node with \(preNode.inputs.count) inputs; only a one-input 'linear' is supported")
        }
        inputHook = preNode.inputs[0]
        let inputNode = model.spec.nodes[try model.nodeIndex(hook: inputHook)]
        preNormHook = inputNode.kind == "layer_norm" ? inputNode.inputs.first : nil
        guard model.hookIndex[postHook] != nil, let k = try model.knots(hook: postHook), !k.isEmpty else {
            throw GeometryError.unsupportedMLP(layer: layer, reason: "'\(postHook)' is missing or is not an activation with knots")
        }
        knots = k
        let outName = "blocks.\(layer).hook_mlp_out"
        outHook = model.hookIndex[outName] != nil ? outName : nil
        (wIn, bIn, inWidth, units) = try Self.linearWeights(model: model, node: preNode, layer: layer)
    }

    /// The weight of a `linear` node as [in, out] row-major, its bias (zeros if absent), and widths.
    static func linearWeights(model: Model, node: NodeSpec, layer: Int) throws -> ([Float], [Float], Int, Int) {
        guard let wName = node.params["weight"] else {
            throw GeometryError.unsupportedMLP(layer: layer, reason: "'\(node.name)' has no weight")
        }
        let w = try model.weights.weight(wName)
        guard w.shape.count == 2 else {
            throw GeometryError.unsupportedMLP(layer: layer, reason: "weight '\(wName)' has shape \(w.shape)")
        }
        var layout = "in_out"
        if case .string(let s)? = node.attrs["layout"] { layout = s }
        var m = w.values
        let (din, dout) = layout == "out_in" ? (w.shape[1], w.shape[0]) : (w.shape[0], w.shape[1])
        if layout == "out_in" {
            m = [Float](repeating: 0, count: din * dout)
            for o in 0..<dout { for i in 0..<din { m[i * dout + o] = w.values[o * din + i] } }
        }
        var b = [Float](repeating: 0, count: dout)
        if let bName = node.params["bias"] { b = try model.weights.weight(bName).values }
        return (m, b, din, dout)
    }

    /// Pre-activations of one input row, in double precision: x · W_in + b_in.
    ///
    /// - Complexity: O(in · units).
    public func preActivations(_ x: [Float]) -> [Double] {
        precondition(x.count == inWidth)
        var out = bIn.map(Double.init)
        for i in 0..<inWidth {
            let xi = Double(x[i])
            if xi == 0 { continue }
            let base = i * units
            for j in 0..<units { out[j] += xi * Double(wIn[base + j]) }
        }
        return out
    }

    /// Region of a pre-activation among the knots: how many knots lie strictly below it.
    public func region(_ v: Double) -> UInt8 {
        var r: UInt8 = 0
        for k in knots where v > Double(k) { r += 1 }
        return r
    }
}
