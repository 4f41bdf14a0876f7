import PolytopeModel

/// Anatomies for model files written before anatomies were stored. GPT-2-style files load:
/// their node names already were the `HookName`s, so the GPT-2 family's anatomy is read off
/// the graph once, here. BERT-style files are refused: their `hook_resid_mid` /
/// `hook_resid_post` were the layer-norm outputs, not TransformerLens's pre-norm sums. Other
/// graphs (built by hand, for a plugin) get none: they run, and the tools that need an
/// anatomy (probe, geometry) say so.
enum AnatomyInference {
    static func infer(_ spec: ModelSpec, path: String) throws -> Anatomy? {
        let names = Set(spec.nodes.flatMap { [$0.name] + $0.aliases })
        if spec.architecture == "bert" || names.contains(HookName.encoderEmbedNormalized) {
            throw ModelError.malformed(path: path, reason: "it is a BERT model written before model files described their anatomy, and its hook names have changed meaning since (hook_resid_mid/hook_resid_post are now the pre-norm sums): re-import it with `polytope import`")
        }
        var blocks: [BlockAnatomy] = []
        while true {
            let b = GPT2Family.anatomy(block: blocks.count)
            guard b.roles.allSatisfy({ names.contains($0.hook) }) else { break }
            blocks.append(b)
        }
        guard !blocks.isEmpty else { return nil }
        let embed = GPT2Family.anatomy(block: 0).residPre
        let logits = names.contains(HookName.logits) ? HookName.logits : nil
        var tied = false
        if let u = spec.node(named: HookName.logits), let e = spec.node(named: HookName.embed) {
            tied = u.params["weight"] == e.params["weight"]
        }
        return Anatomy(family: "gpt2", blocks: blocks, tiedUnembedding: tied, embed: embed,
                       finalNorm: names.contains(HookName.lnFinal) ? HookName.lnFinal : nil, logits: logits)
    }
}
