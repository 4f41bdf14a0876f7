import PolytopeModel

/// Weight layout of a matrix parameter: GPT-2's Conv1D stores [in, out], torch.nn.Linear [out, in].
public enum WeightLayout: String, Sendable {
    case inOut = "in_out"
    case outIn = "out_in"

    public static func from(_ ctx: LayerBuildContext) throws -> WeightLayout {
        WeightLayout(rawValue: try ctx.string("layout", default: "in_out", oneOf: ["in_out", "out_in"]))!
    }

    public func shape(in i: LayerBuildContext.Dim, out o: LayerBuildContext.Dim) -> [LayerBuildContext.Dim] {
        self == .inOut ? [i, o] : [o, i]
    }
}

/// y = x W + b, batched over all rows of all sequences in one GEMM on the weight packed at load.
public final class LinearLayer: AffineLayer, @unchecked Sendable {
    public let weight: PackedWeight
    public let bias: [Float]?
    public let inWidth: Int
    public let outputWidth: Int
    public let layout: WeightLayout

    public init(weight: [Float], bias: [Float]?, inWidth: Int, outWidth: Int, layout: WeightLayout) {
        self.weight = PackedWeight(weight, inWidth: inWidth, outWidth: outWidth, transposed: layout == .outIn)
        self.bias = bias
        self.inWidth = inWidth
        self.outputWidth = outWidth
        self.layout = layout
    }

    public func forward(_ inputs: [Matrix], context: ForwardContext) throws -> Matrix {
        weight.apply(inputs[0], bias: bias, threading: context.threading, precision: context.precision)
    }

    /// Names of the weight tensor in the model's store (the packed copy cannot be read back).
    var weightTensor = ""

    public func affineWeights(_ store: WeightStore) throws -> (weight: [Float], bias: [Float]) {
        let w = try store.weight(weightTensor).values
        var m = w
        if layout == .outIn {
            m = [Float](repeating: 0, count: inWidth * outputWidth)
            for o in 0..<outputWidth { for i in 0..<inWidth { m[i * outputWidth + o] = w[o * inWidth + i] } }
        }
        return (m, bias ?? [Float](repeating: 0, count: outputWidth))
    }

    /// Builds from params `weight` and optional `bias`, inferring the output width.
    public static func build(_ ctx: LayerBuildContext, weightRole: String = "weight", biasRole: String = "bias") throws -> LinearLayer {
        let d = try ctx.singleInputWidth()
        let layout = try WeightLayout.from(ctx)
        let w = try ctx.param(weightRole, shape: layout.shape(in: .exactly(d), out: .any("out")))
        let out = layout == .inOut ? w.shape[1] : w.shape[0]
        let b = try ctx.optionalParam(biasRole, shape: [.exactly(out)])
        let layer = LinearLayer(weight: w.values, bias: b?.values, inWidth: d, outWidth: out, layout: layout)
        layer.weightTensor = ctx.node.params[weightRole] ?? ""
        return layer
    }
}

public enum LinearKinds {
    /// `linear`: params `weight` ([in, out] or [out, in] by attr `layout` = "in_out" | "out_in"), optional `bias` [out].
    public static let linear = LayerKind(name: "linear", summary: "affine map: weight [in, out] (layout in_out) or [out, in] (out_in), bias [out]") { ctx in
        try ctx.allowParams(["weight", "bias"])
        return try LinearLayer.build(ctx)
    }

    public static let all = [linear]
}
