import Foundation
import XCTest

/// Only the architecture module (`Sources/PolytopeArchitectures`) knows how a model family is
/// built: outside it no source file builds a hook name or matches a layer kind's name; the
/// rest reads the model's `Anatomy` and asks layers for their capabilities. (Built-in kinds in
/// `Plugins/` define their own names; generated C is not scanned.)
final class ArchitectureBoundaryTests: XCTestCase {
    static let patterns: [(String, String)] = [
        (#""blocks\.\\\("#, "builds a hook name"),
        (#"has(Prefix|Suffix)\("(blocks|\.mlp|\.hook|hook_)"#, "parses a hook name"),
        (#"(hookIndex\[|nodeIndex\(hook:\s*|knots\(hook:\s*)""#, "looks a hook up by a literal name"),
        (#"kind\s*[!=]=\s*""#, "compares a layer kind's name"),
        (#"kind:\s*"[a-z_]+""#, "builds a node of a named kind"),
        (#""(token_embedding|pos_embedding|token_type_embedding|layer_norm|linear|attention|unembed|gelu|gelu_new|relu|solu)"\s*[,\]:)]"#,
         "names a layer kind"),
    ]

    func testNoHookNamesOrKindNamesOutsideTheArchitectureModule() throws {
        let sources = Fixtures.repoRoot.appendingPathComponent("Sources")
        let files = try XCTUnwrap(FileManager.default.enumerator(atPath: sources.path)).compactMap { $0 as? String }
            .filter { $0.hasSuffix(".swift") && !$0.hasPrefix("PolytopeArchitectures/") }
        XCTAssertGreaterThan(files.count, 100, "the scan found too few sources to mean anything")
        let regexes = try Self.patterns.map { (try NSRegularExpression(pattern: $0.0), $0.1) }
        var findings: [String] = []
        for file in files {
            let text = try String(contentsOf: sources.appendingPathComponent(file), encoding: .utf8)
            for (n, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let code = String(line)
                if code.trimmingCharacters(in: .whitespaces).hasPrefix("//") { continue }
                let range = NSRange(code.startIndex..., in: code)
                for (re, what) in regexes where re.firstMatch(in: code, range: range) != nil {
                    findings.append("Sources/\(file):\(n + 1): \(what): \(code.trimmingCharacters(in: .whitespaces))")
                }
            }
        }
        XCTAssertEqual(findings, [], findings.joined(separator: "\n"))
    }

    /// The scan itself finds what it is meant to find.
    func testThePatternsCatchTheOldHabits() throws {
        let bad = [#"let pre = "blocks.\(layer).mlp.hook_pre""#, #"guard n.name.hasSuffix(".mlp.hook_pre")"#,
                   #"if model.hookIndex["logits"] != nil {"#, #"$0.kind == "attention""#,
                   #"for name in ["gelu", "gelu_new"] {"#, #"NodeSpec(name: "x", kind: "linear")"#]
        let regexes = try Self.patterns.map { try NSRegularExpression(pattern: $0.0) }
        for b in bad {
            XCTAssertTrue(regexes.contains { $0.firstMatch(in: b, range: NSRange(b.startIndex..., in: b)) != nil }, b)
        }
    }
}
