import Foundation
import PolytopeBuiltins
import PolytopeArchitectures
import PolytopeModel
import KindActivations
import XCTest

/// The forward pass's kernels (CKernels via PackedWeight / AttentionKernel) against naive
/// double-precision references, the run-time kernel choice, and bf16 fidelity.
final class ForwardKernelTests: XCTestCase {
    /// Deterministic values in [-1, 1).
    func values(_ n: Int, seed: UInt64) -> [Float] {
        var s = seed &* 0x9E37_79B9_7F4A_7C15 &+ 1
        return (0..<n).map { _ in
            s = s &* 6364136223846793005 &+ 1442695040888963407
            return Float(Int64(bitPattern: s >> 11) % 2_000_000) / 1_000_000 - 1
        }
    }

    func test_kernelChoiceOnAVX512IsNeverGeneric() throws {
        // The rule itself, on synthetic feature sets.
        XCTAssertEqual(GEMMKernel.choose(features: [.avx2, .avx512], forced: nil), .avx512)
        XCTAssertEqual(GEMMKernel.choose(features: [.avx2, .avx512, .avx512bf16], forced: nil), .avx512)
        XCTAssertEqual(GEMMKernel.choose(features: [.avx2], forced: nil), .openBLAS)
        XCTAssertEqual(GEMMKernel.choose(features: [.avx2, .avx512], forced: "openblas"), .openBLAS)
        // This machine: print what was chosen, and fail if it is generic on an AVX-512 CPU.
        print("CPU: \(CPU.brand) [\(CPU.featureNames.joined(separator: ", "))]; GEMM: \(GEMMKernel.chosen.description); OpenBLAS core: \(BLAS.coreName)")
        if CPU.features.contains(.avx512) {
            if ProcessInfo.processInfo.environment["POLYTOPE_GEMM"] == nil {
                XCTAssertEqual(GEMMKernel.chosen, .avx512, "AVX-512 CPU but the GEMM is \(GEMMKernel.chosen.description)")
            }
            XCTAssertFalse(GEMMKernel.avx512.isGenericOnThisCPU)
            XCTAssertTrue(FastMath.hasVectorKernels)
        }
        XCTAssertFalse(GEMMKernel.chosen.isGenericOnThisCPU, "generic kernel \(GEMMKernel.chosen.description) on an AVX-512 CPU")
    }

    /// c = a W + bias in double, W given as [k, n] or (transposed) [n, k].
    func naive(_ a: [Float], _ w: [Float], m: Int, k: Int, n: Int, transposed: Bool, bias: [Float]?) -> [Double] {
        var c = [Double](repeating: 0, count: m * n)
        for i in 0..<m {
            for j in 0..<n {
                var s = Double(bias?[j] ?? 0)
                for p in 0..<k { s += Double(a[i * k + p]) * Double(transposed ? w[j * k + p] : w[p * n + j]) }
                c[i * n + j] = s
            }
        }
        return c
    }

    func kernels() -> [GEMMKernel] { CPU.features.contains(.avx512) ? [.avx512, .openBLAS] : [.openBLAS] }

    func test_packedGEMMMatchesNaive() throws {
        // Tails on every axis: rows not a multiple of 12, columns not of 32, K over one 384 slice.
        let shapes = [(1, 1, 1), (13, 7, 33), (25, 385, 70), (100, 800, 64), (3, 40, 300)]
        for (si, (m, k, n)) in shapes.enumerated() {
            for transposed in [false, true] {
                let a = values(m * k, seed: UInt64(si)), w = values(k * n, seed: UInt64(si + 100))
                let bias = si % 2 == 0 ? values(n, seed: 7) : nil
                let ref = naive(a, w, m: m, k: k, n: n, transposed: transposed, bias: bias)
                for kernel in kernels() {
                    let pw = PackedWeight(w, inWidth: k, outWidth: n, transposed: transposed, kernel: kernel)
                    for threads in [1, 2, 3] {
                        let got = pw.apply(Matrix(rows: m, cols: k, data: a), bias: bias, threading: Threading(threads: threads))
                        var worst = 0.0
                        for i in 0..<(m * n) { worst = max(worst, abs(Double(got.data[i]) - ref[i]) / (1 + abs(ref[i]))) }
                        XCTAssertLessThan(worst, 1e-6 * Double(k).squareRoot() + 1e-6, "\(kernel) \(m)x\(k)x\(n) transposed \(transposed) threads \(threads)")
                    }
                }
            }
        }
    }

    /// bf16: inputs rounded to bf16 (products exact in fp32), fp32 accumulation.
    func test_bf16GEMMMatchesRoundedReference() throws {
        guard Precision.bf16.isSupported else {
            throw XCTSkip("bf16 kernels need AVX512-BF16: \(Precision.bf16.unsupportedReason ?? "")")
        }
        for (m, k, n) in [(13, 7, 33), (30, 385, 70), (5, 800, 100)] {
            let a = values(m * k, seed: 3), w = values(k * n, seed: 4), bias = values(n, seed: 5)
            let ref = naive(a.map(bf16), w.map(bf16), m: m, k: k, n: n, transposed: true, bias: bias)
            let pw = PackedWeight(w, inWidth: k, outWidth: n, transposed: true, kernel: .avx512)
            for threads in [1, 2] {
                let got = pw.apply(Matrix(rows: m, cols: k, data: a), bias: bias, threading: Threading(threads: threads), precision: .bf16)
                var worst = 0.0
                for i in 0..<(m * n) { worst = max(worst, abs(Double(got.data[i]) - ref[i])) }
                XCTAssertLessThan(worst, 1e-4 * Double(k).squareRoot(), "bf16 \(m)x\(k)x\(n) threads \(threads)")
                // And it really is reduced precision: fp32 inputs give a different answer.
                let exact = naive(a, w, m: m, k: k, n: n, transposed: true, bias: bias)
                XCTAssertGreaterThan(zip(got.data, exact).map { abs(Double($0) - $1) }.max()!, 1e-6)
            }
        }
    }

    /// Precision bf16: the fused kernel's q.k and p.v in bf16 against a double-precision
    /// reference over bf16-rounded q, k, v and probabilities (both products' inputs rounded
    /// as the kernel rounds them): much closer to it than to the unrounded reference.
    func test_bf16AttentionMatchesRoundedReference() throws {
        guard Precision.bf16.isSupported else {
            throw XCTSkip("bf16 kernels need AVX512-BF16: \(Precision.bf16.unsupportedReason ?? "")")
        }
        let batch = 2, t = 37, lengths = [37, 19]
        for (heads, kvHeads, dh) in [(4, 4, 32), (4, 2, 24), (2, 1, 17)] {
            let ld = heads * dh + 2, ldk = kvHeads * dh + 3
            let q = values(batch * t * ld, seed: 21), k = values(batch * t * ldk, seed: 22), v = values(batch * t * ldk, seed: 23)
            for causal in [false, true] {
                func reference(_ r: (Float) -> Float) -> [Double] {
                    var out = [Double](repeating: 0, count: batch * t * ld)
                    for b in 0..<batch {
                        for h in 0..<heads {
                            let g = h / (heads / kvHeads)
                            for i in 0..<t {
                                let vis = causal ? min(lengths[b], i + 1) : lengths[b]
                                var sc = [Double](repeating: 0, count: vis)
                                for j in 0..<vis {
                                    for c in 0..<dh { sc[j] += Double(r(q[(b * t + i) * ld + h * dh + c])) * Double(r(k[(b * t + j) * ldk + g * dh + c])) }
                                    sc[j] /= Double(dh).squareRoot()
                                }
                                let mx = sc.max() ?? 0
                                let e = sc.map { Foundation.exp($0 - mx) }, sum = e.reduce(0, +)
                                for c in 0..<dh {
                                    var o = 0.0
                                    for j in 0..<vis { o += Double(r(Float(e[j] / sum))) * Double(r(v[(b * t + j) * ldk + g * dh + c])) }
                                    out[(b * t + i) * ld + h * dh + c] = o
                                }
                            }
                        }
                    }
                    return out
                }
                let rounded = reference(bf16), exact = reference { $0 }
                for threads in [1, 2] {
                    var out = [Float](repeating: .nan, count: batch * t * ld)
                    q.withUnsafeBufferPointer { qp in k.withUnsafeBufferPointer { kp in v.withUnsafeBufferPointer { vp in
                        out.withUnsafeMutableBufferPointer { op in
                            AttentionKernel.run(batch: batch, seqLen: t, heads: heads, kvHeads: kvHeads, headDim: dh,
                                                q: qp.baseAddress!, ldq: ld, k: kp.baseAddress!, ldk: ldk, v: vp.baseAddress!, ldv: ldk,
                                                out: op.baseAddress!, ldo: ld, lengths: lengths, causal: causal,
                                                scale: 1 / Float(dh).squareRoot(), threading: Threading(threads: threads), precision: .bf16)
                        }
                    } } }
                    var errRounded = 0.0, errExact = 0.0, worst = 0.0
                    for r in 0..<(batch * t) {
                        for c in 0..<(heads * dh) {
                            let d = abs(Double(out[r * ld + c]) - rounded[r * ld + c])
                            worst = max(worst, d)
                            errRounded += d
                            errExact += abs(Double(out[r * ld + c]) - exact[r * ld + c])
                        }
                        XCTAssertTrue(out[r * ld + heads * dh].isNaN, "wrote past the heads' columns")
                    }
                    let label = "heads \(heads)/\(kvHeads) dh \(dh) causal \(causal) threads \(threads)"
                    XCTAssertLessThan(worst, 5e-3, label)
                    XCTAssertGreaterThan(errExact, 0, label)
                    XCTAssertLessThan(errRounded, 0.2 * errExact, "\(label): not the bf16 products")
                }
            }
        }
    }

    func test_attentionKernelMatchesNaive() throws {
        let batch = 3, t = 21
        let lengths = [21, 5, 0]
        let kernels: [GEMMKernel] = CPU.features.contains(.avx512) ? [.avx512, .openBLAS] : [.openBLAS]
        for (heads, kvHeads, dh) in [(4, 4, 24), (4, 2, 64), (2, 1, 40)] {
            let ldq = heads * dh + 3, ldk = kvHeads * dh + 5, ldo = heads * dh + 1
            let q = values(batch * t * ldq, seed: 11), k = values(batch * t * ldk, seed: 12), v = values(batch * t * ldk, seed: 13)
            for causal in [false, true] {
                // Reference in double.
                var ref = [Double](repeating: 0, count: batch * t * ldo)
                for b in 0..<batch {
                    for h in 0..<heads {
                        let g = h / (heads / kvHeads)
                        for i in 0..<t {
                            let vis = causal ? min(lengths[b], i + 1) : lengths[b]
                            guard vis > 0 else { continue }
                            var s = [Double](repeating: 0, count: vis)
                            for j in 0..<vis {
                                for c in 0..<dh { s[j] += Double(q[(b * t + i) * ldq + h * dh + c]) * Double(k[(b * t + j) * ldk + g * dh + c]) }
                                s[j] /= Double(dh).squareRoot()
                            }
                            let mx = s.max()!
                            let e = s.map { Foundation.exp($0 - mx) }, sum = e.reduce(0, +)
                            for c in 0..<dh {
                                var o = 0.0
                                for j in 0..<vis { o += e[j] / sum * Double(v[(b * t + j) * ldk + g * dh + c]) }
                                ref[(b * t + i) * ldo + h * dh + c] = o
                            }
                        }
                    }
                }
                for kernel in kernels {
                    for threads in [1, 2] {
                        var out = [Float](repeating: .nan, count: batch * t * ldo)
                        q.withUnsafeBufferPointer { qp in k.withUnsafeBufferPointer { kp in v.withUnsafeBufferPointer { vp in
                            out.withUnsafeMutableBufferPointer { op in
                                AttentionKernel.run(batch: batch, seqLen: t, heads: heads, kvHeads: kvHeads, headDim: dh,
                                                    q: qp.baseAddress!, ldq: ldq, k: kp.baseAddress!, ldk: ldk, v: vp.baseAddress!, ldv: ldk,
                                                    out: op.baseAddress!, ldo: ldo, lengths: lengths, causal: causal,
                                                    scale: 1 / Float(dh).squareRoot(), threading: Threading(threads: threads), kernel: kernel)
                            }
                        } } }
                        var worst = 0.0
                        for r in 0..<(batch * t) {
                            for c in 0..<(heads * dh) { worst = max(worst, abs(Double(out[r * ldo + c]) - ref[r * ldo + c])) }
                            XCTAssertTrue(out[r * ldo + heads * dh].isNaN, "wrote past the heads' columns")
                        }
                        XCTAssertLessThan(worst, 1e-5, "\(kernel) heads \(heads)/\(kvHeads) dh \(dh) causal \(causal) threads \(threads)")
                    }
                }
            }
        }
    }

    /// The share of polytope bits (mlp.hook_pre > 0, every layer) that a bf16 pass agrees on
    /// with the fp32 pass, on the GELU GPT-2 and BERT fixtures' reference inputs: at least 99.5%.
    func test_bf16PolytopeBitsAgreeWithFP32() throws {
        guard Precision.bf16.isSupported else {
            throw XCTSkip("bf16 needs AVX512-BF16: \(Precision.bf16.unsupportedReason ?? "")")
        }
        for name in ["gpt2-gelu", "bert"] {
            let out = Fixtures.tempDir().appendingPathComponent("\(name).pb").path
            let spec = try HFImporter.convert(directory: Fixtures.runtime(name).path, options: .init(outputPath: out, externalWeights: false))
            try ModelFile.write(spec, to: out)
            let model = try Model.load(path: out, registry: .builtins())
            let inputs = try Fixtures.inputs(name)
            let hooks = model.hookNames.filter { $0.hasSuffix("mlp.hook_pre") }
            XCTAssertFalse(hooks.isEmpty)
            let ctx = ForwardContext(sequences: inputs.sequences.map(\.ids))
            let f32 = try model.forward(ctx, capture: hooks)
            let b16 = try model.forward(ctx.with(precision: .bf16), capture: hooks)
            var agree = 0, total = 0, maxErr: Float = 0
            for hook in hooks {
                let a = try XCTUnwrap(f32[hook]), b = try XCTUnwrap(b16[hook])
                for (x, y) in zip(a.data, b.data) {
                    total += 1
                    if (x > 0) == (y > 0) { agree += 1 }
                    maxErr = max(maxErr, abs(x - y))
                }
            }
            let share = Double(agree) / Double(total)
            print("\(name): bf16 bits agreeing with fp32 \(agree)/\(total) = \(share); max |error| at mlp.hook_pre \(maxErr)")
            XCTAssertGreaterThanOrEqual(share, 0.995, name)
            XCTAssertGreaterThan(maxErr, 0, "bf16 pass identical to fp32: the bf16 path did not run")
        }
    }

    /// bf16-mixed: every MLP input projection runs in fp32 on the (bf16-computed) residual
    /// stream, everything else in bf16. Checked against a double-precision product of the
    /// captured MLP input with the file's weights (fp32 agrees to ~1e-6; bf16 would miss by
    /// ~1e-2), while the attention output differs from the fp32 pass (bf16 ran there).
    func test_bf16MixedKeepsMLPInputProjectionsInFP32() throws {
        guard Precision.bf16Mixed.isSupported else {
            throw XCTSkip("bf16-mixed needs AVX512-BF16: \(Precision.bf16Mixed.unsupportedReason ?? "")")
        }
        for name in ["gpt2-gelu", "bert", "llama-gqa"] {
            let out = Fixtures.tempDir().appendingPathComponent("\(name).pb").path
            let dir = name == "llama-gqa" ? Fixtures.repoRoot.appendingPathComponent("Tests/Fixtures/families/llama-gqa") : Fixtures.runtime(name)
            let spec = try HFImporter.convert(directory: dir.path, options: .init(outputPath: out, externalWeights: false))
            try ModelFile.write(spec, to: out)
            let model = try Model.load(path: out, registry: .builtins())
            let anatomy = try model.requireAnatomy()
            let ctx = ForwardContext(sequences: [Array(1...20).map(Int32.init), Array(3...14).map(Int32.init)])
            for (l, block) in anatomy.blocks.enumerated() {
                let m = block.mlp
                let sites = [m.pre] + (m.up.map { [$0] } ?? [])
                let mixed = try model.forward(ctx.with(precision: .bf16Mixed), capture: [m.input] + sites + [block.attention!])
                let f32 = try model.forward(ctx, capture: [block.attention!])
                let attnDiff = zip(mixed[block.attention!]!.data, f32[block.attention!]!.data).map { abs($0 - $1) }.max()!
                XCTAssertGreaterThan(attnDiff, 1e-5, "\(name) block \(l): attention identical to fp32, so bf16 did not run there")
                let x = mixed[m.input]!
                for site in sites {
                    let i = try model.nodeIndex(hook: site)
                    let (w, b) = try XCTUnwrap(model.layers[i] as? AffineLayer).affineWeights(model.weights)
                    let units = model.widths[i], y = mixed[site]!
                    var worst = 0.0
                    for r in 0..<x.rows {
                        for j in 0..<units {
                            var acc = Double(b.isEmpty ? 0 : b[j])
                            for k in 0..<x.cols { acc += Double(x.data[r * x.cols + k]) * Double(w[k * units + j]) }
                            worst = max(worst, abs(acc - Double(y.data[r * units + j])) / max(1, abs(acc)))
                        }
                    }
                    XCTAssertLessThan(worst, 1e-5, "\(name) block \(l) \(site): not an fp32 product of its input")
                }
            }
        }
    }

    func test_bf16RefusedWhereUnsupported() throws {
        let model = try Model.load(path: Fixtures.repoRoot.appendingPathComponent("models/gpt2-relu.pb").path, registry: .builtins())
        let ctx = ForwardContext(sequences: [[1, 2, 3]]).with(precision: .bf16)
        if Precision.bf16.isSupported {
            XCTAssertNoThrow(try model.forward(ctx, capture: ["blocks.0.mlp.hook_pre"]))
        } else {
            XCTAssertThrowsError(try model.forward(ctx, capture: ["blocks.0.mlp.hook_pre"])) { e in
                XCTAssertTrue("\(e)".contains("AVX512-BF16"), "\(e)")
            }
        }
    }

    /// The AVX-512 GELU and gelu_new against the scalar definitions, over [-12, 12] and beyond.
    func test_vectorGELUsMatchScalar() throws {
        guard FastMath.hasVectorKernels else { throw XCTSkip("no AVX-512 on this CPU") }
        let x = (0..<4001).map { Float($0 - 2000) / 160 } + [-100, 100, 0]
        var y = [Float](repeating: .nan, count: x.count), z = y
        x.withUnsafeBufferPointer { xp in
            y.withUnsafeMutableBufferPointer { FastMath.geluVector(xp.baseAddress!, $0.baseAddress!, count: x.count) }
            z.withUnsafeMutableBufferPointer { FastMath.geluTanhVector(xp.baseAddress!, $0.baseAddress!, count: x.count) }
        }
        for (i, v) in x.enumerated() {
            XCTAssertEqual(y[i], ActivationFunctions.gelu(v), accuracy: 2e-6 * max(1, abs(v)), "gelu(\(v))")
            XCTAssertEqual(z[i], ActivationFunctions.geluTanh(v), accuracy: 2e-6 * max(1, abs(v)), "gelu_new(\(v))")
        }
    }
}

/// x rounded to bfloat16 (round to nearest even), back as a Float.
private func bf16(_ x: Float) -> Float {
    var u = x.bitPattern
    u = u &+ 0x7fff &+ ((u >> 16) & 1)
    return Float(bitPattern: u & 0xffff_0000)
}
