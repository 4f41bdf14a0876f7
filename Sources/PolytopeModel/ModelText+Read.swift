import Foundation

extension ModelText {
    /// Reads a text model (see `ModelText`) and resolves its references: `.pb` tensor
    /// references become the referenced model's tensor (inline bytes, or its safetensors
    /// reference), tokenizer `"@PATH"` fields the referenced bytes. Safetensors paths are
    /// rebased to `outputDirectory`, where the binary model will be written.
    ///
    /// - Throws: `ModelError.malformed` naming the text file and line, or the referenced
    ///   file's own error.
    public static func read(path: String, outputDirectory: String) throws -> ModelSpec {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ModelError.unreadable(path: path, reason: "no such file or not readable")
        }
        let dir = (path as NSString).deletingLastPathComponent
        func fail(_ line: Int, _ m: String) -> ModelError { .malformed(path: path, reason: "line \(line): \(m)") }
        let root: TextProto
        do { root = try TextProto.parse(data) } catch let e as TextProto.ParseError {
            throw fail(e.line, e.message)
        }
        var models: [String: ModelSpec] = [:]
        func referenced(_ p: String, line: Int) throws -> ModelSpec {
            let full = resolve(p, in: dir)
            if let m = models[full] { return m }
            guard FileManager.default.fileExists(atPath: full) else { throw fail(line, "referenced file \(p) does not exist") }
            let m = try ModelFile.read(path: full)
            models[full] = m
            return m
        }
        var r = Reader(fail: fail)
        var spec = ModelSpec()
        for f in root.fields {
            switch f.name {
            case "format_version": spec.formatVersion = UInt32(try r.int(f, min: 0, max: Int(UInt32.max)))
            case "name": spec.name = try r.string(f)
            case "architecture": spec.architecture = try r.string(f)
            case "context_length": spec.contextLength = try r.int(f, min: 0, max: Int(UInt32.max))
            case "metadata":
                let (k, v) = try r.mapEntry(f)
                spec.metadata[try r.string(k)] = try r.string(v)
            case "nodes": spec.nodes.append(try node(f, &r))
            case "tensors": spec.tensors.append(try tensor(f, &r, referenced: referenced, dir: dir, outputDirectory: outputDirectory))
            case "tokenizer": spec.tokenizer = try tokenizer(f, &r, referenced: referenced, dir: dir)
            case "anatomy": spec.anatomy = try anatomy(f, &r)
            default: throw fail(f.line, "polytope.Model has no field '\(f.name)'")
            }
        }
        return spec
    }

    static func resolve(_ p: String, in dir: String) -> String {
        p.hasPrefix("/") || dir.isEmpty ? p : (dir as NSString).appendingPathComponent(p)
    }

    private static func anatomy(_ f: TextProto.Field, _ r: inout Reader) throws -> Anatomy {
        var a = Anatomy(family: "", blocks: [], embed: "")
        func opt(_ s: String) -> String? { s.isEmpty ? nil : s }
        for g in try r.message(f).fields {
            switch g.name {
            case "family": a.family = try r.string(g)
            case "prefix_tokens": a.prefixTokens.append(Int32(try r.int(g, min: 0, max: Int(Int32.max))))
            case "suffix_tokens": a.suffixTokens.append(Int32(try r.int(g, min: 0, max: Int(Int32.max))))
            case "tied_unembedding": a.tiedUnembedding = try r.bool(g)
            case "embed": a.embed = try r.string(g)
            case "final_norm": a.finalNorm = opt(try r.string(g))
            case "logits": a.logits = opt(try r.string(g))
            case "blocks":
                var b = BlockAnatomy(residPre: "", residMid: nil, residPost: "", attention: nil, causal: false,
                                     mlp: MLPAnatomy(norm: nil, input: "", pre: "", activation: "", post: "", out: ""))
                for h in try r.message(g).fields {
                    switch h.name {
                    case "resid_pre": b.residPre = try r.string(h)
                    case "resid_mid": b.residMid = opt(try r.string(h))
                    case "resid_post": b.residPost = try r.string(h)
                    case "attn": b.attention = opt(try r.string(h))
                    case "causal": b.causal = try r.bool(h)
                    case "parallel": b.parallel = try r.bool(h)
                    case "mlp":
                        for k in try r.message(h).fields {
                            let v = try r.string(k)
                            switch k.name {
                            case "norm": b.mlp.norm = opt(v)
                            case "input": b.mlp.input = v
                            case "pre": b.mlp.pre = v
                            case "activation": b.mlp.activation = v
                            case "up": b.mlp.up = opt(v)
                            case "post": b.mlp.post = v
                            case "out": b.mlp.out = v
                            default: throw r.fail(k.line, "polytope.MLPAnatomy has no field '\(k.name)'")
                            }
                        }
                    default: throw r.fail(h.line, "polytope.BlockAnatomy has no field '\(h.name)'")
                    }
                }
                a.blocks.append(b)
            default: throw r.fail(g.line, "polytope.Anatomy has no field '\(g.name)'")
            }
        }
        return a
    }

    private static func node(_ f: TextProto.Field, _ r: inout Reader) throws -> NodeSpec {
        let m = try r.message(f)
        var n = NodeSpec(name: "", kind: "")
        for g in m.fields {
            switch g.name {
            case "name": n.name = try r.string(g)
            case "kind": n.kind = try r.string(g)
            case "kind_version": n.kindVersion = UInt32(try r.int(g, min: 0, max: Int(UInt32.max)))
            case "inputs": n.inputs.append(try r.string(g))
            case "aliases": n.aliases.append(try r.string(g))
            case "params":
                let (k, v) = try r.mapEntry(g)
                n.params[try r.string(k)] = try r.string(v)
            case "attrs":
                let (k, v) = try r.mapEntry(g)
                n.attrs[try r.string(k)] = try attr(v, &r)
            default: throw r.fail(g.line, "polytope.Node has no field '\(g.name)'")
            }
        }
        return n
    }

    private static func attr(_ f: TextProto.Field, _ r: inout Reader) throws -> AttrValue {
        let m = try r.message(f)
        guard m.fields.count == 1, let g = m.fields.first else { throw r.fail(f.line, "an attribute value holds exactly one of i, f, s, b, ints, floats, strings") }
        func values() throws -> [TextProto.Field] {
            let l = try r.message(g)
            for v in l.fields where v.name != "values" { throw r.fail(v.line, "a list holds only 'values'") }
            return l.fields
        }
        switch g.name {
        case "i": return .int(Int64(try r.int(g, min: Int(Int64.min), max: Int(Int64.max))))
        case "f": return .float(try r.double(g))
        case "s": return .string(try r.string(g))
        case "b": return .bool(try r.bool(g))
        case "ints": return .ints(try values().map { Int64(try r.int($0, min: Int(Int64.min), max: Int(Int64.max))) })
        case "floats": return .floats(try values().map { try r.double($0) })
        case "strings": return .strings(try values().map { try r.string($0) })
        default: throw r.fail(g.line, "polytope.Attr has no field '\(g.name)'")
        }
    }

    private static func tensor(_ f: TextProto.Field, _ r: inout Reader, referenced: (String, Int) throws -> ModelSpec,
                               dir: String, outputDirectory: String) throws -> TensorSpec {
        let m = try r.message(f)
        var name = "", dtype: DType?, shape: [Int] = [], storage: TensorStorage?
        for g in m.fields {
            switch g.name {
            case "name": name = try r.string(g)
            case "dtype":
                guard case .token(let t) = g.value, let d = DType(rawValue: t.lowercased()) else { throw r.fail(g.line, "dtype must be F32, F16 or BF16") }
                dtype = d
            case "shape": shape.append(try r.int(g, min: 0, max: Int(Int64.max)))
            case "data": storage = .inline(try r.bytes(g))
            case "external":
                let e = try r.message(g)
                var path = "", key = ""
                for h in e.fields {
                    switch h.name {
                    case "path": path = try r.string(h)
                    case "key": key = try r.string(h)
                    default: throw r.fail(h.line, "polytope.ExternalRef has no field '\(h.name)'")
                    }
                }
                if path.hasSuffix(".pb") {
                    let other = try referenced(path, g.line)
                    guard let t = other.tensor(named: key) else { throw r.fail(g.line, "\(path) has no tensor '\(key)'") }
                    switch t.storage {
                    case .inline: storage = t.storage
                    case .external(let p, let k):
                        let otherDir = (resolve(path, in: dir) as NSString).deletingLastPathComponent
                        storage = .external(path: relativePath(absolute(resolve(p, in: otherDir)), from: outputDirectory), key: k)
                    }
                } else {
                    storage = .external(path: relativePath(absolute(resolve(path, in: dir)), from: outputDirectory), key: key)
                }
            default: throw r.fail(g.line, "polytope.Tensor has no field '\(g.name)'")
            }
        }
        guard let dtype else { throw r.fail(f.line, "tensor '\(name)' has no dtype") }
        guard let storage else { throw r.fail(f.line, "tensor '\(name)' has neither data nor external") }
        return TensorSpec(name: name, dtype: dtype, shape: shape, storage: storage)
    }

    private static func tokenizer(_ f: TextProto.Field, _ r: inout Reader, referenced: (String, Int) throws -> ModelSpec,
                                  dir: String) throws -> TokenizerSpec {
        let m = try r.message(f)
        var t = TokenizerSpec(kind: .byteLevelBPE)
        func bytes(_ g: TextProto.Field, _ field: KeyPath<TokenizerSpec, Data>) throws -> Data {
            let d = try r.bytes(g)
            guard d.first == UInt8(ascii: "@") else { return d }
            let p = String(decoding: d.dropFirst(), as: UTF8.self)
            if p.hasSuffix(".pb") {
                guard let tok = try referenced(p, g.line).tokenizer else { throw r.fail(g.line, "\(p) has no tokenizer") }
                return tok[keyPath: field]
            }
            guard let raw = FileManager.default.contents(atPath: resolve(p, in: dir)) else { throw r.fail(g.line, "cannot read \(p)") }
            return raw
        }
        for g in m.fields {
            switch g.name {
            case "kind":
                guard case .token(let k) = g.value, k == "BYTE_LEVEL_BPE" || k == "WORDPIECE" else {
                    throw r.fail(g.line, "tokenizer kind must be BYTE_LEVEL_BPE or WORDPIECE")
                }
                t.kind = k == "WORDPIECE" ? .wordPiece : .byteLevelBPE
            case "vocab_json": t.vocabJSON = try bytes(g, \.vocabJSON)
            case "merges_txt": t.mergesTXT = try bytes(g, \.mergesTXT)
            case "vocab_txt": t.vocabTXT = try bytes(g, \.vocabTXT)
            case "tokenizer_json": t.tokenizerJSON = try bytes(g, \.tokenizerJSON)
            case "lower_case": t.lowerCase = try r.bool(g)
            case "unk_token": t.unkToken = try r.string(g)
            case "max_input_chars_per_word": t.maxInputCharsPerWord = try r.int(g, min: 0, max: Int(UInt32.max))
            case "add_special_tokens": t.addSpecialTokens = try r.bool(g)
            case "special_tokens":
                let (k, v) = try r.mapEntry(g)
                t.specialTokens[try r.string(k)] = try r.int(v, min: 0, max: Int(UInt32.max))
            default: throw r.fail(g.line, "polytope.TokenizerSpec has no field '\(g.name)'")
            }
        }
        return t
    }
}

/// Typed access to text-format fields, each error naming the line.
private struct Reader {
    let fail: (Int, String) -> ModelError

    func message(_ f: TextProto.Field) throws -> TextProto {
        guard case .message(let m) = f.value else { throw fail(f.line, "'\(f.name)' must be a message ({ ... })") }
        return m
    }

    func bytes(_ f: TextProto.Field) throws -> Data {
        guard case .string(let d) = f.value else { throw fail(f.line, "'\(f.name)' must be a quoted string") }
        return d
    }

    func string(_ f: TextProto.Field) throws -> String {
        guard let s = String(data: try bytes(f), encoding: .utf8) else { throw fail(f.line, "'\(f.name)' is not valid UTF-8") }
        return s
    }

    func int(_ f: TextProto.Field, min: Int, max: Int) throws -> Int {
        guard case .token(let t) = f.value, let v = Int(t), v >= min, v <= max else {
            throw fail(f.line, "'\(f.name)' must be an integer in \(min)...\(max)")
        }
        return v
    }

    func double(_ f: TextProto.Field) throws -> Double {
        guard case .token(let t) = f.value else { throw fail(f.line, "'\(f.name)' must be a number") }
        switch t.lowercased() {
        case "inf", "infinity", "+inf": return .infinity
        case "-inf", "-infinity": return -.infinity
        case "nan": return .nan
        default:
            guard let v = Double(t.hasSuffix("f") || t.hasSuffix("F") ? String(t.dropLast()) : t) else { throw fail(f.line, "'\(f.name)' must be a number") }
            return v
        }
    }

    func bool(_ f: TextProto.Field) throws -> Bool {
        guard case .token(let t) = f.value, ["true", "false", "1", "0", "True", "False"].contains(t) else {
            throw fail(f.line, "'\(f.name)' must be true or false")
        }
        return t == "true" || t == "1" || t == "True"
    }

    func mapEntry(_ f: TextProto.Field) throws -> (TextProto.Field, TextProto.Field) {
        let m = try message(f)
        guard let k = m.all("key").first, let v = m.all("value").first, m.fields.count == 2 else {
            throw fail(f.line, "'\(f.name)' map entry needs exactly one key and one value")
        }
        return (k, v)
    }
}
