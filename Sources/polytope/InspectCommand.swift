import ArgumentParser
import Foundation
import PolytopeArchitectures
import PolytopeModel

struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "List a model's nodes, kinds, shapes, parameter count, hook names and kind providers.",
        discussion: """
        Example:
          polytope inspect --model models/gpt2-relu.pb
          polytope inspect --model models/minilm.pb --json > minilm.json
        """)

    @OptionGroup var modelOptions: ModelOptions

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    func run() throws {
        let registry = try modelOptions.registry()
        let model = try ModelLoader.load(path: try modelOptions.modelPath, registry: registry)
        let spec = model.spec
        if json {
            let nodes: [[String: Any]] = spec.nodes.enumerated().map { i, n in
                [
                    "name": n.name, "kind": n.kind, "kind_version": Int(n.kindVersion), "inputs": n.inputs,
                    "aliases": n.aliases, "width": model.widths[i], "provider": model.kinds[i].provider,
                    "params": Dictionary(uniqueKeysWithValues: n.params.map { ($0.key, ["tensor": $0.value, "shape": model.weights.shape(of: $0.value) ?? []] as [String: Any]) }),
                    "attrs": Dictionary(uniqueKeysWithValues: n.attrs.map { ($0.key, $0.value.description) }),
                    "knots": (try? model.knots(hook: n.name)).flatMap { $0 }.map { $0.map(Double.init) } as Any,
                ]
            }
            let obj: [String: Any] = [
                "name": spec.name, "architecture": spec.architecture, "format_version": Int(spec.formatVersion),
                "context_length": spec.contextLength, "parameters": model.parameterCount,
                "tokenizer": spec.tokenizer?.kind.rawValue as Any, "metadata": spec.metadata,
                "nodes": nodes, "hooks": model.hookNames,
                "kinds": Dictionary(grouping: model.kinds, by: \.id).mapValues { $0[0].provider },
                "available_kinds": Dictionary(uniqueKeysWithValues: registry.all.map { ($0.id, $0.provider) }),
                "schemas": Dictionary(uniqueKeysWithValues: registry.all.map { ($0.id, $0.schema.map(Self.schemaJSON) as Any? ?? NSNull()) }),
                "runtime": ForwardRuntime.report,
            ]
            let data = try JSONSerialization.data(withJSONObject: obj, options: [.prettyPrinted, .sortedKeys])
            print(String(decoding: data, as: UTF8.self))
            return
        }
        print("model: \(spec.name)  architecture: \(spec.architecture)  format: v\(spec.formatVersion)")
        print("context length: \(spec.contextLength)  parameters: \(model.parameterCount)  tokenizer: \(spec.tokenizer?.kind.rawValue ?? "none")")
        for (k, v) in spec.metadata.sorted(by: { $0.key < $1.key }) where !v.contains("\n") && v.count < 120 {
            print("  \(k): \(v)")
        }
        print("\nnodes (hook names; aliases in brackets):")
        for (i, n) in spec.nodes.enumerated() {
            let params = n.params.sorted { $0.key < $1.key }.map { "\($0.key)=\(model.weights.shape(of: $0.value) ?? [])" }.joined(separator: " ")
            let alias = n.aliases.isEmpty ? "" : " [\(n.aliases.joined(separator: ", "))]"
            print("  \(n.name)\(alias)  \(n.kind)@\(n.kindVersion)  width \(model.widths[i])  \(params)")
        }
        print("\nkinds used:")
        var seen = Set<String>()
        for k in model.kinds where seen.insert(k.id).inserted { Self.printKind(k) }
        let others = registry.all.filter { !seen.contains($0.id) }
        if !others.isEmpty {
            print("\nother kinds available:")
            for k in others { Self.printKind(k) }
        }
    }

    /// `id  provider  summary`, then what it takes (the same schema form for built-in and plugin kinds).
    static func printKind(_ k: LayerKind) {
        print("  \(k.id)  \(k.provider)  \(k.summary)")
        print("      takes: \(k.schema?.signature ?? "(schema not declared)")")
    }

    static func schemaJSON(_ s: KindSchema) -> [String: Any] {
        [
            "doc": s.doc,
            "inputs": s.inputs.map { ["name": $0.name, "width": $0.width, "doc": $0.doc] },
            "params": s.params.map { ["role": $0.role, "shape": $0.shape, "optional": $0.optional, "doc": $0.doc] as [String: Any] },
            "attrs": s.attrs.map { a in
                ["name": a.name, "type": a.type.description, "default": a.defaultValue?.text ?? NSNull(), "doc": a.doc] as [String: Any]
            },
        ]
    }
}
