import Foundation
import XCTest

/// Inside the architecture module, node names of imported models come only from `HookName`
/// (Sources/PolytopeArchitectures/HookName.swift): no other file there spells a block's hook
/// name (`"blocks.…`), glues a hook-name piece onto a prefix (`b + "mlp.hook_pre"`,
/// `"\(b)hook_attn_out"`) or spells a top-level hook name (`"hook_embed"`, `"logits"`).
/// Checkpoint tensor keys (`h + "mlp.c_fc.weight"`) are Hugging Face parameter names, not
/// hook names, and are not matched. The scan is line-based: O(total source size).
final class HookNameBoundaryTests: XCTestCase {
    static let piece = #"(hook_|mlp\.hook|attn\.hook|ln1\.|ln2\.)"#
    static let patterns: [(String, String)] = [
        (#""blocks\."#, "spells a block hook name"),
        (#"\+\s*""# + piece, "concatenates a hook name"),
        (#"\\\([^"]*\)"# + piece, "interpolates a hook name"),
        (#""(hook_[a-z_]+|ln_final\.hook_[a-z_]+|embed\.[a-z_.]*hook_[a-z_]+|logits)""#, "spells a top-level hook name"),
    ]

    func testArchitectureModuleTakesNodeNamesFromHookName() throws {
        let module = Fixtures.repoRoot.appendingPathComponent("Sources/PolytopeArchitectures")
        let files = try XCTUnwrap(FileManager.default.enumerator(atPath: module.path)).compactMap { $0 as? String }
            .filter { $0.hasSuffix(".swift") && $0 != "HookName.swift" }
        XCTAssertTrue(files.contains("Families/Llama.swift") && files.count > 10,
                      "the scan found too few sources to mean anything: \(files)")
        let regexes = try Self.patterns.map { (try NSRegularExpression(pattern: $0.0), $0.1) }
        var findings: [String] = []
        for file in files.sorted() {
            let text = try String(contentsOf: module.appendingPathComponent(file), encoding: .utf8)
            for (n, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let code = String(line)
                if code.trimmingCharacters(in: .whitespaces).hasPrefix("//") { continue }
                let range = NSRange(code.startIndex..., in: code)
                if let what = regexes.first(where: { $0.0.firstMatch(in: code, range: range) != nil })?.1 {
                    findings.append("Sources/PolytopeArchitectures/\(file):\(n + 1): \(what): \(code.trimmingCharacters(in: .whitespaces))")
                }
            }
        }
        XCTAssertEqual(findings, [], findings.joined(separator: "\n"))
    }

    /// The scan catches the habits it is meant to catch, and leaves checkpoint keys and
    /// messages alone.
    func testThePatternsCatchHookNameBuilding() throws {
        let regexes = try Self.patterns.map { try NSRegularExpression(pattern: $0.0) }
        func flagged(_ s: String) -> Bool { regexes.contains { $0.firstMatch(in: s, range: NSRange(s.startIndex..., in: s)) != nil } }
        let bad = [#"let h = "layers.\(l).", b = "blocks.\(l).""#, #"aliases: ["blocks.0.hook_resid_pre"]"#,
                   #"try norm(b + "ln1.hook_normalized", resid, h + "input_layernorm")"#,
                   #"NodeSpec(name: b + "mlp.hook_act", kind: act)"#, #"inputs: [resid, b + "hook_attn_out"]"#,
                   #"name: b +  "attn.hook_z""#, #"let n = "\(b)hook_resid_mid""#, #"NodeSpec(name: "hook_embed", kind: k)"#,
                   #"inputs: ["ln_final.hook_normalized"]"#, #"names.contains("embed.ln.hook_normalized")"#,
                   #"NodeSpec(name: "logits", kind: k)"#]
        for b in bad { XCTAssertTrue(flagged(b), "not caught: \(b)") }
        let fine = [#"try tensors.add(h + "mlp.c_fc.weight")"#, #"try linear(b.mlpPre, b.ln2Normalized, h + "mlp.gate_proj")"#,
                    #"let wte = try tensors.add(k("embed_tokens.weight"))"#, #"params: try ln(h + "attention.output.LayerNorm")"#,
                    #"reason: "its hook names have changed meaning since (hook_resid_mid/hook_resid_post are now the pre-norm sums)""#,
                    #"spec.nodes.append(NodeSpec(name: HookName.logits, kind: k, inputs: [HookName.lnFinal]))"#]
        for f in fine { XCTAssertFalse(flagged(f), "wrongly caught: \(f)") }
    }
}
