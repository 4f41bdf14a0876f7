// swift-tools-version:6.0
// libFuzzer targets for PolytopeLens (issue 7). Build and run with scripts/fuzz.sh; each target
// is an executable whose main hands over to libFuzzer's driver (`-sanitize=fuzzer`, passed by the script so
// that every module of the project is instrumented for coverage).
import Foundation
import PackageDescription

/// A path dependency's identity is its folder's name, whatever the checkout is called.
let project = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().lastPathComponent

func fuzzTarget(_ name: String) -> Target {
    .executableTarget(
        name: name,
        dependencies: ["CFuzzer", .product(name: "PolytopeLens", package: project)])
}

let package = Package(
    name: "PolytopeFuzz",
    dependencies: [.package(path: "..")],
    targets: [.target(name: "CFuzzer")] + ["FuzzModel", "FuzzSafetensors", "FuzzTokenizers", "FuzzCodes", "FuzzCorpus", "FuzzGGUF"].map(fuzzTarget),
    swiftLanguageModes: [.v5]
)
