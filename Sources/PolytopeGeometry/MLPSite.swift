import Foundation
import PolytopeModel

/// Layer `L`'s MLP as the geometry needs it, from the model's anatomy: the MLP input (the
/// point a path or a scale acts on), the residual stream before its norm, the input projection
/// as an affine map, and the activation's knots.
///
/// For a gated MLP (SwiGLU, GeGLU: `W_down (act(W_gate x) ⊙ (W_up x))`) the input projection is
/// the gate projection, whose sign gives the code: gate crossings along a straight or spherical
/// path in the MLP input are still roots of functions of the path's coefficients, found exactly.
/// What rests on an affine map per region (`MLPAffineMap`) is refused there: inside a region a
/// gated MLP is quadratic in `x`.
public struct MLPSite: Sendable {
    public let layer: Int
    /// Hook of the MLP input (after the norm): the point a path or a scale acts on.
    public let inputHook: String
    /// Hook of the norm's input (the residual stream before it), when the MLP has an input norm.
    public let preNormHook: String?
    /// The gate (gated MLPs) or input projection: the codes' pre-activation.
    public let preHook: String
    /// The activation node (its kind declares the knots).
    public let activationHook: String
    /// Gated MLPs: the up projection (`mlp.hook_pre_linear`); nil for a plain MLP.
    public let upHook: String?
    /// The output projection's input: the activation's output, or act(gate) ⊙ up when gated.
    public let postHook: String
    /// The output projection.
    public let outHook: String
    /// Knots of the activation (one bit per unit for a single knot).
    public let knots: [Float]
    /// Input (gated: gate) projection, stored [in, out] row-major whatever the file's layout, and its bias.
    public let wIn: [Float]
    public let bIn: [Float]
    public let inWidth: Int
    public let units: Int

    /// A gated MLP: piecewise quadratic inside a region, not affine.
    public var isGated: Bool { upHook != nil }

    /// The MLP layers present.
    public static func layers(of model: Model) -> [Int] { model.mlpLayers }

    public init(model: Model, layer: Int) throws {
        let all = model.mlpLayers
        guard all.contains(layer) else {
            throw GeometryError.noSuchLayer(layer, available: all.isEmpty ? nil : all.first!...all.last!)
        }
        let m = try model.mlp(layer: layer)
        self.layer = layer
        activationHook = m.activation
        upHook = m.up
        preHook = m.pre
        postHook = m.post
        outHook = m.out
        inputHook = m.input
        preNormHook = try m.norm.flatMap { model.spec.nodes[try model.nodeIndex(hook: $0)].inputs.first }
        guard let k = try model.knots(hook: m.activation), !k.isEmpty else {
            throw GeometryError.unsupportedMLP(layer: layer, reason: "'\(m.activation)' is not an activation with knots")
        }
        knots = k
        (wIn, bIn, inWidth, units) = try Self.affine(model: model, hook: m.pre, input: m.input, layer: layer)
    }

    /// The affine map computed by node `hook` from `input`: W as [in, out] row-major, b, widths.
    static func affine(model: Model, hook: String, input: String, layer: Int) throws -> ([Float], [Float], Int, Int) {
        let i = try model.nodeIndex(hook: hook)
        guard let layerImpl = model.layers[i] as? AffineLayer,
              model.spec.nodes[i].inputs.map({ model.hookIndex[$0] }) == [model.hookIndex[input]] else {
            throw GeometryError.unsupportedMLP(layer: layer, reason: "'\(hook)' is not an affine map of '\(input)' alone")
        }
        let (w, b) = try layerImpl.affineWeights(model.weights)
        return (w, b, layerImpl.inWidth, layerImpl.outputWidth)
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
