import Foundation
import XCTest

/// The bad-input suite (issue 7): every broken input is run through the real `polytope`
/// binary, which must exit with a non-zero status (no signal, no trap), print exactly one line
/// `Error: ...` naming what is wrong and where, and leave every existing file byte-identical
/// with no temporary or half-written file behind.
final class BadInputTests: XCTestCase {
    static var allCases: [BadInput] {
        ModelFileCases.all + InputFileCases.plugins + InputFileCases.tokenizers + InputFileCases.corpora
            + InputFileCases.codes + CommandCases.arguments + CommandCases.fullDisk + CommandCases.budgets
            + FamilyImportCases.all + MergeCases.all + GGUFCases.all
    }

    /// Runs a group. A group whose every case was skipped checked nothing: that fails (a
    /// missing C compiler must not pass the plugin cases), except under ThreadSanitizer, whose
    /// runtime cannot survive the file-size limit the full-disk cases use: then it is a skip.
    func runAll(_ cases: [BadInput]) throws {
        _ = try Robust.polytopeBinary()
        var skipped: [String] = []
        for c in cases {
            do {
                let line = try Robust.check(c)
                if ProcessInfo.processInfo.environment["POLYTOPE_ROBUST_VERBOSE"] != nil { print("\(c.name): \(line)") }
            } catch let skip as XCTSkip {
                let why = skip.message ?? "no reason"
                print("\(c.name): skipped (\(why))")
                skipped.append(why)
            }
        }
        guard !cases.isEmpty, skipped.count == cases.count else { return }
        if Robust.underThreadSanitizer { throw XCTSkip("every case of this group needs what ThreadSanitizer forbids") }
        XCTFail("every one of the \(cases.count) cases of this group was skipped, so nothing was checked: \(Set(skipped).sorted().joined(separator: "; "))")
    }

    /// The suite holds at least the cases it had when this count was set: a case lost by
    /// accident fails here (new cases raise the count).
    func testCaseCount() {
        XCTAssertGreaterThanOrEqual(Self.allCases.count, 102)
        XCTAssertEqual(Set(Self.allCases.map(\.name)).count, Self.allCases.count, "case names are unique")
    }

    func testModelFiles() throws { try runAll(ModelFileCases.all) }
    func testPlugins() throws { try runAll(InputFileCases.plugins) }
    func testTokenizerFiles() throws { try runAll(InputFileCases.tokenizers) }
    func testCorpora() throws { try runAll(InputFileCases.corpora) }
    func testCodeFiles() throws { try runAll(InputFileCases.codes) }
    func testCommandLines() throws { try runAll(CommandCases.arguments) }
    func testFullDiskLeavesPreviousOutputs() throws { try runAll(CommandCases.fullDisk) }
    func testBudgets() throws { try runAll(CommandCases.budgets) }
    func testFamilyImports() throws { try runAll(FamilyImportCases.all) }
    func testMerges() throws {
        defer { try? FileManager.default.removeItem(at: MergeCases.template) }
        try runAll(MergeCases.all)
    }
    func testGGUFFiles() throws { try runAll(GGUFCases.all) }
}
