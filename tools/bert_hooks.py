"""TransformerLens hook names of a Hugging Face BertModel, captured from its submodules.

TransformerLens's HookedEncoder / BertBlock name them (post-LN BERT):
  embed.hook_embed, embed.hook_pos_embed, embed.hook_token_type_embed  the three embeddings
  hook_full_embed                       embeddings.LayerNorm output (= blocks.0.hook_resid_pre)
  blocks.l.hook_resid_pre               input of encoder.layer[l]
  blocks.l.hook_attn_out                attention.output.dense output (before the residual)
  blocks.l.hook_resid_mid               resid_pre + attn_out: the input of attention.output.LayerNorm
  blocks.l.ln1.hook_normalized          attention.output.LayerNorm output (the MLP's input)
  blocks.l.mlp.hook_pre / hook_post     intermediate.dense output / intermediate output (after GELU)
  blocks.l.hook_mlp_out                 output.dense output
  blocks.l.hook_resid_post              ln1 + mlp_out: the input of output.LayerNorm
  blocks.l.ln2.hook_normalized          output.LayerNorm output = hook_normalized_resid_post
                                        = the layer's output (hidden_states[l + 1])
"""


def register(model, caps, layers=None):
    """Registers forward hooks filling caps[name] = tensor; returns the handles."""
    hs = []

    def out(name):
        return lambda m, a, o: caps.__setitem__(name, o[0] if isinstance(o, (tuple, list)) else o)

    def inp(name):
        return lambda m, a, kw: caps.__setitem__(name, a[0] if a else kw["hidden_states"])

    e = model.embeddings
    hs.append(e.word_embeddings.register_forward_hook(out("embed.hook_embed")))
    hs.append(e.position_embeddings.register_forward_hook(out("embed.hook_pos_embed")))
    hs.append(e.token_type_embeddings.register_forward_hook(out("embed.hook_token_type_embed")))
    hs.append(e.LayerNorm.register_forward_hook(out("hook_full_embed")))
    for l, layer in enumerate(model.encoder.layer):
        if layers is not None and l not in layers:
            hs.append(layer.intermediate.dense.register_forward_hook(out(f"blocks.{l}.mlp.hook_pre")))
            continue
        b = f"blocks.{l}."
        hs.append(layer.register_forward_pre_hook(inp(b + "hook_resid_pre"), with_kwargs=True))
        hs.append(layer.attention.output.dense.register_forward_hook(out(b + "hook_attn_out")))
        hs.append(layer.attention.output.LayerNorm.register_forward_pre_hook(inp(b + "hook_resid_mid"), with_kwargs=True))
        hs.append(layer.attention.output.LayerNorm.register_forward_hook(out(b + "ln1.hook_normalized")))
        hs.append(layer.intermediate.dense.register_forward_hook(out(b + "mlp.hook_pre")))
        hs.append(layer.intermediate.register_forward_hook(out(b + "mlp.hook_post")))
        hs.append(layer.output.dense.register_forward_hook(out(b + "hook_mlp_out")))
        hs.append(layer.output.LayerNorm.register_forward_pre_hook(inp(b + "hook_resid_post"), with_kwargs=True))
        hs.append(layer.output.LayerNorm.register_forward_hook(out(b + "ln2.hook_normalized")))
    return hs


def block_hooks(l):
    b = f"blocks.{l}."
    return [b + n for n in ["hook_resid_pre", "hook_attn_out", "hook_resid_mid", "ln1.hook_normalized", "mlp.hook_pre",
                            "mlp.hook_post", "hook_mlp_out", "hook_resid_post", "ln2.hook_normalized"]]


def check(caps, hidden_states, L, layers=None):
    """Cross-checks the captures against output_hidden_states and the residual identities."""
    import torch
    assert torch.equal(caps["hook_full_embed"], hidden_states[0])
    for l in range(L):
        if layers is not None and l not in layers:
            continue
        b = f"blocks.{l}."
        assert torch.equal(caps[b + "hook_resid_pre"], hidden_states[l]), l
        assert torch.equal(caps[b + "ln2.hook_normalized"], hidden_states[l + 1]), l
        assert torch.allclose(caps[b + "hook_resid_mid"], caps[b + "hook_resid_pre"] + caps[b + "hook_attn_out"], atol=1e-5)
        assert torch.allclose(caps[b + "hook_resid_post"], caps[b + "ln1.hook_normalized"] + caps[b + "hook_mlp_out"], atol=1e-5)
