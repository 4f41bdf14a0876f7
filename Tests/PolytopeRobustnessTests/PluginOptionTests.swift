import Foundation
import PolytopeTestSupport
import XCTest

/// Every command that loads a model takes `--plugin` (`stats` did not: a probe of a model with
/// plugin kinds could not be analysed). Walks the command tree through `--help`.
final class PluginOptionTests: XCTestCase {
    func help(_ binary: String, _ args: [String]) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: binary)
        p.arguments = args + ["--help"]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = out
        try p.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        return text
    }

    /// Subcommand names listed under SUBCOMMANDS.
    func subcommands(_ text: String) -> [String] {
        guard let r = text.range(of: "SUBCOMMANDS:") else { return [] }
        return text[r.upperBound...].split(separator: "\n").compactMap { line in
            guard line.hasPrefix("  "), !line.hasPrefix("   ") else { return nil }
            return line.split(separator: " ").first.map(String.init)
        }.filter { $0 != "See" }
    }

    func testEveryCommandWithAModelOptionTakesPlugin() throws {
        let binary = try Robust.polytopeBinary()
        var queue = subcommands(try help(binary, [])).map { [$0] }
        XCTAssertGreaterThan(queue.count, 10)
        var withModel: [String] = []
        while let cmd = queue.popLast() {
            let text = try help(binary, cmd)
            queue += subcommands(text).map { cmd + [$0] }
            // `tokenize --model` reads only the tokenizer stored in the file, never builds a layer.
            guard text.contains("--model"), cmd != ["tokenize"] else { continue }
            withModel.append(cmd.joined(separator: " "))
            XCTAssertTrue(text.contains("--plugin"), "`polytope \(cmd.joined(separator: " "))` takes --model but not --plugin")
        }
        XCTAssertTrue(withModel.contains("stats"), "\(withModel)")
        XCTAssertTrue(withModel.contains("run") && withModel.contains("probe"), "\(withModel)")
    }
}
