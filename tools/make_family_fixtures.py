#!/usr/bin/env python3
"""Tiny random Llama / Qwen2 / GPT-NeoX / OPT checkpoints + PyTorch reference activations.

For each fixture under Tests/Fixtures/families/<name>/ this writes
  config.json, model.safetensors (or shards + model.safetensors.index.json), tokenizer files
  reference/inputs.json          (token ids, hook names, what each hook is in HF terms)
  reference/<seq>__<hook>.npy    (float32, [tokens, width]; each sequence run alone)

Fixtures (seeded, deterministic; every weight drawn at random, norms ~1+0.2N):
  llama-gqa        LlamaForCausalLM, 4 query / 2 key-value heads, tied embeddings, theta 500000, f32
  llama-untied     LlamaForCausalLM, 4/4 heads, untied lm_head, mlp/attention bias off, bf16 weights,
                   config in the pre-v5 style (rope_theta, rope_scaling null)
  qwen2-bias       Qwen2ForCausalLM: q/k/v bias, 4/1 heads, untied, f32
  neox-parallel    GPTNeoXForCausalLM, parallel residual, partial rotary 0.25 (4 of 16 dims), f32,
                   config in Pythia's style (rotary_pct, rotary_emb_base)
  neox-sequential  GPTNeoXForCausalLM, use_parallel_residual false, rotary 0.5, f16 weights,
                   saved as shards with model.safetensors.index.json
  opt              OPTForCausalLM, pre-LN (do_layer_norm_before), ReLU, learned positions offset 2, f32

Hook names follow TransformerLens: blocks.L.hook_resid_pre, ln1.hook_normalized, hook_attn_out,
hook_resid_mid (not for parallel blocks), ln2.hook_normalized, mlp.hook_pre (gate projection for
gated MLPs), mlp.hook_pre_linear (up projection, gated only), mlp.hook_post, hook_mlp_out,
hook_resid_post, ln_final.hook_normalized, logits. References are float32 computed from the
stored weights upcast to float32 (eager attention). The script also checks that a right-padded
batch gives the same valid rows (1e-5), which is what the Swift tests rely on when they compare
their batched run with these unbatched references.

Usage:  python3 tools/make_family_fixtures.py   (about 20 s; torch + transformers)
"""
import glob
import json
import os
import shutil
import sys

import numpy as np
import torch

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Tests", "Fixtures", "families")
TOK = os.path.join(ROOT, "Tests", "Fixtures", "runtime", "gpt2-relu")  # tiny byte-level BPE, 384 tokens
VOCAB = 384
N_POS = 64


def randomise(model, seed):
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in model.named_parameters():
            r = torch.randn(p.shape, generator=g)
            if "norm" in name or "layer_norm" in name:
                p.copy_(1.0 + 0.2 * r if name.endswith("weight") else 0.1 * r)
            elif name.endswith("bias"):
                p.copy_(0.1 * r)
            elif "embed" in name and "embed_out" not in name:
                p.copy_(0.5 * r)
            else:
                p.copy_(0.15 * r)


def first_row(t):
    """[1, tokens, width] -> [tokens, width]; OPT's MLP runs on [tokens, width] already."""
    return t[0] if t.dim() == 3 else t


class Capture:
    """Forward (pre-)hooks on named submodules, storing [tokens, width] of a batch of one."""

    def __init__(self):
        self.caps, self.handles = {}, []

    def out(self, module, hook):
        self.handles.append(module.register_forward_hook(
            lambda m, a, o: self.caps.__setitem__(hook, first_row(o[0] if isinstance(o, tuple) else o))))

    def inp(self, module, hook):
        self.handles.append(module.register_forward_pre_hook(
            lambda m, a, kw: self.caps.__setitem__(hook, first_row(a[0] if a else kw["hidden_states"])), with_kwargs=True))

    def close(self):
        for h in self.handles:
            h.remove()


def hooks_llama(model, c):
    m = model.model
    for l, blk in enumerate(m.layers):
        b = f"blocks.{l}."
        c.inp(blk, b + "hook_resid_pre")
        c.out(blk, b + "hook_resid_post")
        c.out(blk.input_layernorm, b + "ln1.hook_normalized")
        c.out(blk.self_attn.o_proj, b + "hook_attn_out")
        c.inp(blk.post_attention_layernorm, b + "hook_resid_mid")
        c.out(blk.post_attention_layernorm, b + "ln2.hook_normalized")
        c.out(blk.mlp.gate_proj, b + "mlp.hook_pre")
        c.out(blk.mlp.up_proj, b + "mlp.hook_pre_linear")
        c.inp(blk.mlp.down_proj, b + "mlp.hook_post")
        c.out(blk.mlp, b + "hook_mlp_out")
    c.out(m.norm, "ln_final.hook_normalized")
    return len(m.layers), False


def hooks_neox(model, c):
    m = model.gpt_neox
    for l, blk in enumerate(m.layers):
        b = f"blocks.{l}."
        c.inp(blk, b + "hook_resid_pre")
        c.out(blk, b + "hook_resid_post")
        c.out(blk.input_layernorm, b + "ln1.hook_normalized")
        c.out(blk.attention.dense, b + "hook_attn_out")
        if not model.config.use_parallel_residual:
            c.inp(blk.post_attention_layernorm, b + "hook_resid_mid")
        c.out(blk.post_attention_layernorm, b + "ln2.hook_normalized")
        c.out(blk.mlp.dense_h_to_4h, b + "mlp.hook_pre")
        c.inp(blk.mlp.dense_4h_to_h, b + "mlp.hook_post")
        c.out(blk.mlp.dense_4h_to_h, b + "hook_mlp_out")
    c.out(m.final_layer_norm, "ln_final.hook_normalized")
    return len(m.layers), model.config.use_parallel_residual


def hooks_opt(model, c):
    m = model.model.decoder
    c.out(m.embed_tokens, "hook_embed")
    c.out(m.embed_positions, "hook_pos_embed")
    for l, blk in enumerate(m.layers):
        b = f"blocks.{l}."
        c.inp(blk, b + "hook_resid_pre")
        c.out(blk, b + "hook_resid_post")
        c.out(blk.self_attn_layer_norm, b + "ln1.hook_normalized")
        c.out(blk.self_attn.out_proj, b + "hook_attn_out")
        c.inp(blk.final_layer_norm, b + "hook_resid_mid")
        c.out(blk.final_layer_norm, b + "ln2.hook_normalized")
        c.out(blk.fc1, b + "mlp.hook_pre")
        c.inp(blk.fc2, b + "mlp.hook_post")
        c.out(blk.fc2, b + "hook_mlp_out")
    c.out(m.final_layer_norm, "ln_final.hook_normalized")
    return len(m.layers), False


def run(model, family, ids, mask=None):
    c = Capture()
    L, _ = {"llama": hooks_llama, "neox": hooks_neox, "opt": hooks_opt}[family](model, c)
    with torch.no_grad():
        kw = {"attention_mask": torch.tensor(mask)} if mask is not None else {}
        out = model(input_ids=torch.tensor(ids), **kw)
    c.close()
    c.caps["logits"] = out.logits[0]
    return c.caps, out.logits


def build(name, cls, cfg, family, seed, dtype=torch.float32, legacy=None, shard=False, notes=""):
    from safetensors import safe_open

    d = os.path.join(OUT, name)
    ref = os.path.join(d, "reference")
    os.makedirs(ref, exist_ok=True)
    torch.manual_seed(seed)
    model = cls(cfg).eval()
    randomise(model, seed)
    model = model.to(dtype)
    model.save_pretrained(d, safe_serialization=True, max_shard_size="150KB" if shard else "5GB")
    if legacy:  # rewrite the config as checkpoints on the Hub spell it (pre-v5 keys)
        path = os.path.join(d, "config.json")
        c = json.load(open(path))
        c.pop("rope_parameters", None)
        c.update(legacy)
        json.dump(c, open(path, "w"), indent=2)
    for f in ("tokenizer.json", "vocab.json", "merges.txt", "tokenizer_config.json"):
        shutil.copy(os.path.join(TOK, f), d)
    model = cls.from_pretrained(d, dtype=torch.float32, attn_implementation="eager").eval()
    assert model.config.tie_word_embeddings == cfg.tie_word_embeddings

    g = torch.Generator().manual_seed(seed + 7)
    lengths = [11, 5, 1]
    seqs = [torch.randint(1, VOCAB, (n,), generator=g).tolist() for n in lengths]
    for f in glob.glob(os.path.join(ref, "*.npy")):
        os.remove(f)
    hooks = None
    for i, ids in enumerate(seqs):
        caps, _ = run(model, family, [ids])
        hooks = hooks or list(caps.keys())
        for hook, t in caps.items():
            a = t.detach().to(torch.float32).numpy()
            np.save(os.path.join(ref, f"{i}__{hook}.npy"), np.ascontiguousarray(a, dtype="<f4"))
    # a right-padded batch gives the same valid rows
    T = max(lengths)
    _, logits = run(model, family, [s + [0] * (T - len(s)) for s in seqs],
                    [[1] * len(s) + [0] * (T - len(s)) for s in seqs])
    for i, s in enumerate(seqs):
        alone = np.load(os.path.join(ref, f"{i}__logits.npy"))
        err = np.abs(logits[i, :len(s)].numpy() - alone).max()
        assert err < 1e-4, (name, i, err)
    files = sorted(os.path.basename(f) for f in glob.glob(os.path.join(d, "*.safetensors")))
    dtypes = {}
    for f in files:
        with safe_open(os.path.join(d, f), "pt") as st:
            for k in st.keys():
                dtypes[k] = str(st.get_slice(k).get_dtype())
    info = {
        "model": name, "architecture": cls.__name__, "checkpoint_dtype": str(dtype).replace("torch.", ""),
        "reference_dtype": "float32", "weight_files": files, "safetensors_keys": dtypes,
        "tied_embeddings": cfg.tie_word_embeddings, "notes": notes,
        "batching": "each sequence run alone (positions 0..n-1); a right-padded batch was checked to agree",
        "sequences": [{"ids": s} for s in seqs], "hooks": hooks,
        "file_pattern": "{seq}__{hook}.npy  (float32 little-endian, shape [tokens, width])",
        "init": f"transformers {cls.__name__}(config), tools/make_family_fixtures.py randomise(seed={seed})",
    }
    json.dump(info, open(os.path.join(ref, "inputs.json"), "w"), indent=1)
    return d


def main():
    from transformers import (GPTNeoXConfig, GPTNeoXForCausalLM, LlamaConfig, LlamaForCausalLM, OPTConfig,
                              OPTForCausalLM, Qwen2Config, Qwen2ForCausalLM)

    torch.set_num_threads(1)
    if os.path.isdir(OUT):
        shutil.rmtree(OUT)
    common = dict(vocab_size=VOCAB, hidden_size=64, num_hidden_layers=2, intermediate_size=96,
                  max_position_embeddings=N_POS, bos_token_id=0, eos_token_id=0, pad_token_id=None)
    dirs = [
        build("llama-gqa", LlamaForCausalLM,
              LlamaConfig(**common, num_attention_heads=4, num_key_value_heads=2, rms_norm_eps=1e-5,
                          rope_parameters={"rope_type": "default", "rope_theta": 500000.0}, tie_word_embeddings=True),
              "llama", 301, notes="GQA 4/2, head_dim 16, tied"),
        build("llama-untied", LlamaForCausalLM,
              LlamaConfig(**common, num_attention_heads=4, num_key_value_heads=4, rms_norm_eps=1e-6,
                          tie_word_embeddings=False),
              "llama", 302, dtype=torch.bfloat16, legacy={"rope_theta": 10000.0, "rope_scaling": None},
              notes="MHA, untied, bf16 weights"),
        build("qwen2-bias", Qwen2ForCausalLM,
              Qwen2Config(**common, num_attention_heads=4, num_key_value_heads=1, rms_norm_eps=1e-6,
                          tie_word_embeddings=False, use_sliding_window=False),
              "llama", 303, notes="q/k/v bias, 4/1 heads"),
        build("neox-parallel", GPTNeoXForCausalLM,
              GPTNeoXConfig(**common, num_attention_heads=4, use_parallel_residual=True, hidden_act="gelu",
                            rope_parameters={"rope_type": "default", "rope_theta": 10000.0, "partial_rotary_factor": 0.25},
                            tie_word_embeddings=False),
              "neox", 401, legacy={"rotary_pct": 0.25, "rotary_emb_base": 10000},
              notes="parallel residual, rotary on 4 of 16 head dims"),
        build("neox-sequential", GPTNeoXForCausalLM,
              GPTNeoXConfig(**common, num_attention_heads=4, use_parallel_residual=False, hidden_act="gelu",
                            rope_parameters={"rope_type": "default", "rope_theta": 20000.0, "partial_rotary_factor": 0.5},
                            tie_word_embeddings=False),
              "neox", 402, dtype=torch.float16, shard=True, notes="sequential residual, rotary 0.5, f16, sharded"),
        build("opt", OPTForCausalLM,
              OPTConfig(vocab_size=VOCAB, hidden_size=64, num_hidden_layers=2, ffn_dim=96, num_attention_heads=4,
                        max_position_embeddings=N_POS, do_layer_norm_before=True, word_embed_proj_dim=64,
                        activation_function="relu", dropout=0.0, attention_dropout=0.0, enable_bias=True,
                        bos_token_id=2, eos_token_id=2, pad_token_id=1, tie_word_embeddings=True),
              "opt", 501, notes="pre-LN, relu, positions offset 2, tied"),
    ]
    total = 0
    for d in dirs:
        size = sum(os.path.getsize(f) for f in glob.glob(os.path.join(d, "**", "*"), recursive=True) if os.path.isfile(f))
        total += size
        print(f"{os.path.relpath(d, ROOT):40s} {size:8d} bytes")
    print(f"total {total} bytes")


if __name__ == "__main__":
    sys.exit(main())
