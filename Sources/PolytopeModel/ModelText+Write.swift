import Foundation

/// A model description as protobuf text format (the message `polytope.Model` of
/// `proto/polytope.proto`), small enough to read and edit: weights and tokenizer files are
/// kept by reference instead of inline.
///
/// References (the one extension to plain text format, resolved by `ModelText.read`):
/// - a tensor `external { path: "gpt2-relu.pb" key: "wte" }` whose path ends in `.pb` names
///   the tensor `key` of another model file (inline or external there); other paths are
///   safetensors files, as in binary model files;
/// - a tokenizer `bytes` field whose value is `"@PATH"` takes that field from the model file
///   PATH (`.pb`) or the raw contents of the file PATH.
///
/// Paths are relative to the text file's folder (or absolute).
public enum ModelText {
    /// The text of `spec`, read from the model file `source` (referenced by its path relative
    /// to `textDirectory`, the folder the text will live in). External safetensors references
    /// are rebased to `textDirectory` as well.
    ///
    /// - Complexity: O(nodes + tensors + metadata); no tensor data is copied.
    public static func text(_ spec: ModelSpec, source: String, textDirectory: String) -> String {
        let sourceDir = (source as NSString).deletingLastPathComponent
        let ref = relativePath(absolute(source), from: textDirectory)
        var o = """
            # polytope.Model in protobuf text format, written by `polytope model to-text`.
            # Weights and tokenizer files are kept by reference (to \(ref)); edit, then
            # `polytope model from-text THIS -o MODEL.pb` (validates and resolves the references).

            """
        o += "format_version: \(spec.formatVersion)\n"
        o += "name: \(quote(spec.name))\n"
        if !spec.architecture.isEmpty { o += "architecture: \(quote(spec.architecture))\n" }
        if spec.contextLength > 0 { o += "context_length: \(spec.contextLength)\n" }
        for (k, v) in spec.metadata.sorted(by: { $0.key < $1.key }) {
            o += "metadata { key: \(quote(k)) value: \(quote(v)) }\n"
        }
        if let t = spec.tokenizer { o += tokenizer(t, ref: ref) }
        for n in spec.nodes { o += node(n) }
        if let a = spec.anatomy { o += anatomy(a) }
        for t in spec.tensors {
            let shape = t.shape.map { " shape: \($0)" }.joined()
            let storage: String
            switch t.storage {
            case .inline:
                storage = "external { path: \(quote(ref)) key: \(quote(t.name)) }"
            case .external(let path, let key):
                let abs = path.hasPrefix("/") ? path : (sourceDir.isEmpty ? path : sourceDir + "/" + path)
                storage = "external { path: \(quote(relativePath(absolute(abs), from: textDirectory))) key: \(quote(key)) }"
            }
            o += "tensors { name: \(quote(t.name)) dtype: \(t.dtype.rawValue.uppercased())\(shape) \(storage) }\n"
        }
        return o
    }

    static func node(_ n: NodeSpec) -> String {
        var o = "nodes {\n  name: \(quote(n.name))\n  kind: \(quote(n.kind))\n  kind_version: \(n.kindVersion)\n"
        for i in n.inputs { o += "  inputs: \(quote(i))\n" }
        for (k, v) in n.params.sorted(by: { $0.key < $1.key }) { o += "  params { key: \(quote(k)) value: \(quote(v)) }\n" }
        for (k, v) in n.attrs.sorted(by: { $0.key < $1.key }) { o += "  attrs { key: \(quote(k)) value { \(attr(v)) } }\n" }
        for a in n.aliases { o += "  aliases: \(quote(a))\n" }
        return o + "}\n"
    }

    static func attr(_ v: AttrValue) -> String {
        switch v {
        case .int(let x): return "i: \(x)"
        case .float(let x): return "f: \(double(x))"
        case .string(let x): return "s: \(quote(x))"
        case .bool(let x): return "b: \(x)"
        case .ints(let x): return "ints { " + x.map { "values: \($0)" }.joined(separator: " ") + " }"
        case .floats(let x): return "floats { " + x.map { "values: \(double($0))" }.joined(separator: " ") + " }"
        case .strings(let x): return "strings { " + x.map { "values: \(quote($0))" }.joined(separator: " ") + " }"
        }
    }

    static func tokenizer(_ t: TokenizerSpec, ref: String) -> String {
        var o = "tokenizer {\n  kind: \(t.kind == .byteLevelBPE ? "BYTE_LEVEL_BPE" : "WORDPIECE")\n"
        for (field, data) in [("vocab_json", t.vocabJSON), ("merges_txt", t.mergesTXT), ("vocab_txt", t.vocabTXT), ("tokenizer_json", t.tokenizerJSON)]
        where !data.isEmpty {
            o += "  \(field): \(quote("@" + ref))\n"
        }
        if t.lowerCase { o += "  lower_case: true\n" }
        for (k, v) in t.specialTokens.sorted(by: { $0.key < $1.key }) { o += "  special_tokens { key: \(quote(k)) value: \(v) }\n" }
        if !t.unkToken.isEmpty { o += "  unk_token: \(quote(t.unkToken))\n" }
        if t.maxInputCharsPerWord != 0 { o += "  max_input_chars_per_word: \(t.maxInputCharsPerWord)\n" }
        if t.addSpecialTokens { o += "  add_special_tokens: true\n" }
        return o + "}\n"
    }

    /// Shortest round-tripping decimal; `inf`, `-inf`, `nan` as text format spells them.
    static func double(_ x: Double) -> String {
        if x.isNaN { return "nan" }
        if x.isInfinite { return x > 0 ? "inf" : "-inf" }
        return AttrValue.floatText(x)
    }

    /// A text-format string literal: printable ASCII kept, `"` and `\` escaped, everything else
    /// as octal escapes of its UTF-8 bytes (valid for protoc and for `ModelText.read`).
    static func quote(_ s: String) -> String {
        var o = "\""
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "\""): o += "\\\""
            case UInt8(ascii: "\\"): o += "\\\\"
            case UInt8(ascii: "\n"): o += "\\n"
            case 0x20...0x7E: o.append(Character(Unicode.Scalar(b)))
            default: o += "\\" + String(b, radix: 8).leftPadded(to: 3)
            }
        }
        return o + "\""
    }

    /// `path` made absolute (against the working folder) and standardised.
    public static func absolutePath(_ path: String) -> String { absolute(path) }
    /// `path` (absolute) relative to the folder `dir` when inside it, else unchanged.
    public static func relative(_ path: String, to dir: String) -> String { relativePath(path, from: dir) }

    static func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? (path as NSString).standardizingPath
            : ((FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(path) as NSString).standardizingPath
    }

    /// `path` (absolute) relative to the folder `dir` when it lies inside it, else absolute.
    static func relativePath(_ path: String, from dir: String) -> String {
        let base = absolute(dir.isEmpty ? "." : dir)
        let prefix = base.hasSuffix("/") ? base : base + "/"
        return path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : path
    }
}

extension String {
    func leftPadded(to n: Int) -> String { count >= n ? self : String(repeating: "0", count: n - count) + self }
}
