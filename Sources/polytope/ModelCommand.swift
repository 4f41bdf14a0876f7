import ArgumentParser
import Foundation
import PolytopeBuiltins
import PolytopeIO
import PolytopeModel

struct ModelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "model",
        abstract: "Author model files: to and from protobuf text format (weights by reference), and edits.",
        discussion: """
        Example:
          polytope model to-text models/gpt2-relu.pb -o my.pbtxt
          polytope model from-text my.pbtxt -o my.pb
          polytope model edit --model models/gpt2-relu.pb --replace-kind relu=squared_relu --plugin lib.so -o my.pb
        """,
        subcommands: [ModelToTextCommand.self, ModelFromTextCommand.self, ModelEditCommand.self])
}

/// Validates `spec` by building every layer (kinds, shapes, attributes, unused tensors), then
/// writes it atomically.
func validateAndWrite(_ spec: ModelSpec, to out: String, plugins: [String]) throws {
    let registry = LayerRegistry.builtins()
    try PluginSupport.load(plugins, into: registry)
    let dir = (out as NSString).deletingLastPathComponent
    _ = try Model(spec: spec, baseDirectory: dir.isEmpty ? "." : dir, registry: registry)
    try ModelFile.write(spec, to: out)
}

struct ModelToTextCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "to-text",
        abstract: "Write a model file as protobuf text format, weights and tokenizer kept by reference.",
        discussion: """
        Tensors become `external { path: "MODEL.pb" key: "NAME" }` and tokenizer files \
        `"@MODEL.pb"`, so the text holds only the graph: nodes, kinds, inputs, params, attributes, \
        hooks. Paths are relative to the text file's folder.

        Example:
          polytope model to-text models/gpt2-relu.pb -o gpt2-relu.pbtxt
        """)

    @Argument(help: ArgumentHelp("The model file.", valueName: "MODEL.pb"))
    var model: String

    @Option(name: [.short, .long], help: ArgumentHelp("Output text file (default: standard output).", valueName: "OUT.pbtxt"))
    var out: String?

    func run() throws {
        let spec = try ModelFile.read(path: model)
        let dir = out.map { ($0 as NSString).deletingLastPathComponent } ?? ""
        let text = ModelText.text(spec, source: model, textDirectory: dir.isEmpty ? "." : dir)
        if let out {
            try AtomicFile.write(Data(text.utf8), to: URL(fileURLWithPath: out))
        } else {
            print(text, terminator: "")
        }
    }
}

struct ModelFromTextCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "from-text",
        abstract: "Build a model file from protobuf text format, resolving weight references; validated before writing.",
        discussion: """
        The model is built (every kind found, every shape and attribute checked, no unused tensor) \
        before OUT is written; OUT is written atomically.

        Example:
          polytope model from-text my.pbtxt -o my.pb --plugin .build/debug/libPolytopeHardTanh.so
        """)

    @Argument(help: ArgumentHelp("The text model.", valueName: "IN.pbtxt"))
    var text: String

    @Option(name: [.short, .long], help: ArgumentHelp("Output model file.", valueName: "OUT.pb"))
    var out: String

    @Option(name: .long, help: ArgumentHelp("Load layer kinds from a plugin shared library (repeatable; also $POLYTOPE_PLUGIN_PATH).", valueName: "PATH.so"))
    var plugin: [String] = []

    func run() throws {
        let dir = (out as NSString).deletingLastPathComponent
        let spec = try ModelText.read(path: text, outputDirectory: dir.isEmpty ? "." : dir)
        try validateAndWrite(spec, to: out, plugins: plugin)
        print("wrote \(out): \(spec.nodes.count) nodes, \(spec.tensors.count) tensors")
    }
}

struct ModelEditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "edit",
        abstract: "Edit a model file: replace a kind everywhere, set attributes, insert or remove nodes, rename hooks.",
        discussion: """
        Edits apply in this order: --rename, --remove, --insert-after, --replace-kind, --set (each \
        repeatable, in the order given). The edited model is built (kinds, shapes, attributes \
        checked) before OUT is written atomically; nothing is written on any error.

        Example:
          polytope model edit --model models/gpt2-relu.pb -o clipped.pb \\
            --plugin .build/debug/libPolytopeHardTanh.so --replace-kind relu=hardtanh \\
            --set blocks.0.mlp.hook_post:max_val=2.0
          polytope model edit --model m.pb -o n.pb --insert-after blocks.0.mlp.hook_pre:blocks.0.mlp.hook_sq:squared_relu
          polytope model edit --model m.pb -o n.pb --rename logits=hook_logits --remove blocks.0.mlp.hook_sq
        """)

    @OptionGroup var modelOptions: ModelOptions

    @Option(name: [.short, .long], help: ArgumentHelp("Output model file (may equal --model).", valueName: "OUT.pb"))
    var out: String

    @Option(help: ArgumentHelp("Replace a kind on every node that has it (attributes stay).", valueName: "OLD=NEW[@VERSION]"))
    var replaceKind: [String] = []

    @Option(help: ArgumentHelp("Set an attribute: 3, 0.5, true, \"text\", [1, 2] (typed by the kind's schema).", valueName: "NODE:ATTR=VALUE"))
    var set: [String] = []

    @Option(help: ArgumentHelp("Insert a node after AFTER, reading it; AFTER's readers read the new node.", valueName: "AFTER:NAME:KIND[@VERSION]"))
    var insertAfter: [String] = []

    @Option(help: ArgumentHelp("Remove a one-input node; its readers read its input.", valueName: "NODE"))
    var remove: [String] = []

    @Option(help: ArgumentHelp("Rename a node or hook alias, and every input naming it.", valueName: "OLD=NEW"))
    var rename: [String] = []

    func run() throws {
        let path = try modelOptions.modelPath
        var spec = try ModelFile.read(path: path)
        let edits = try rename.map(ModelEdit.parseRename) + remove.map { ModelEdit.removeNode($0) }
            + insertAfter.map(ModelEdit.parseInsert) + replaceKind.map(ModelEdit.parseKindReplacement) + set.map(ModelEdit.parseSet)
        guard !edits.isEmpty else { throw ValidationError("no edit given (--replace-kind, --set, --insert-after, --remove, --rename)") }
        let registry = try modelOptions.registry()
        for e in edits { try e.apply(to: &spec, registry: registry) }
        // External tensor paths are relative to the model's folder: rebase them to OUT's.
        let inDir = (path as NSString).deletingLastPathComponent, outDir = (out as NSString).deletingLastPathComponent
        for i in spec.tensors.indices {
            if case .external(let p, let k) = spec.tensors[i].storage, !p.hasPrefix("/") {
                let abs = ModelText.absolutePath((inDir.isEmpty ? "." : inDir) + "/" + p)
                spec.tensors[i].storage = .external(path: ModelText.relative(abs, to: outDir.isEmpty ? "." : outDir), key: k)
            }
        }
        try validateAndWrite(spec, to: out, plugins: modelOptions.plugin)
        print("wrote \(out): \(edits.count) edit(s), \(spec.nodes.count) nodes")
    }
}
