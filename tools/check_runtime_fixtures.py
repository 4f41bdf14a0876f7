#!/usr/bin/env python3
"""Independent NumPy re-implementation of the fixture models, checked against the
PyTorch references in Tests/Fixtures/runtime/*/reference and Tests/Fixtures/minilm.

Reads only config.json + model.safetensors (parsed by hand: 8-byte little-endian
header length, JSON header, raw little-endian data; F16 via numpy, BF16 as the
high 16 bits of an f32) and computes every hook with plain NumPy in float64. This
is a second, transformers-free statement of the conventions the Swift runtime
must follow:

GPT-2 (pre-LN):
  x0 = wte[ids] + wpe[0..n-1]                      -> blocks.0.hook_resid_pre
  a  = LN(x; ln_1) ; qkv = a @ c_attn.w + c_attn.b (Conv1D: weight is [in, out])
  q,k,v split in that order along the 3*d axis, heads = contiguous d/h chunks,
  scores = q k^T / sqrt(d/h), causal mask, softmax; o = concat(heads) @ c_proj.w + b
  x = x + o ; pre = LN(x; ln_2) @ c_fc.w + c_fc.b   -> blocks.l.mlp.hook_pre
  post = act(pre)                                   -> blocks.l.mlp.hook_post
  x = x + post @ mlp.c_proj.w + b                   -> blocks.l.hook_resid_post
  ln_f(x) -> ln_final.hook_normalized ; logits = ln_f(x) @ wte^T (tied)
  LN eps = layer_norm_epsilon (1e-5); gelu_new = tanh approximation; gelu = erf.
BERT (post-LN, nn.Linear weights are [out, in]):
  x0 = LN(word[ids] + pos[0..n-1] + type[token_type_ids]; embeddings.LayerNorm)
  attn: q/k/v = x W^T + b, scores/sqrt(d/h) + (mask ? 0 : -inf-ish), softmax
  x = LN(x + attn_out(o); attention.output.LayerNorm)
  pre = x Wi^T + bi (intermediate.dense) ; post = gelu_erf(pre)
  x = LN(x + post Wo^T + bo; output.LayerNorm) ; LN eps = layer_norm_eps (1e-12)

Usage: python3 tools/check_runtime_fixtures.py   (needs only numpy; ~5 s)
Exit status 1 if any hook differs by more than the tolerance.
"""
import glob
import json
import math
import os
import sys

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def load_safetensors(path):
    raw = open(path, "rb").read()
    n = int.from_bytes(raw[:8], "little")
    header = json.loads(raw[8:8 + n])
    base = 8 + n
    out = {}
    for k, v in header.items():
        if k == "__metadata__":
            continue
        a, b = v["data_offsets"]
        buf = raw[base + a: base + b]
        dt = v["dtype"]
        if dt == "F32":
            arr = np.frombuffer(buf, "<f4")
        elif dt == "F16":
            arr = np.frombuffer(buf, "<f2")
        elif dt == "BF16":
            arr = (np.frombuffer(buf, "<u2").astype(np.uint32) << 16).view(np.float32)
        elif dt == "I64":  # e.g. BERT's embeddings.position_ids buffer
            out[k] = np.frombuffer(buf, "<i8").reshape(v["shape"])
            continue
        else:
            raise ValueError(f"{path}: tensor {k}: unsupported dtype {dt}")
        out[k] = arr.astype(np.float64).reshape(v["shape"])
    return out


def ln(x, w, b, eps):
    mu = x.mean(-1, keepdims=True)
    var = ((x - mu) ** 2).mean(-1, keepdims=True)
    return (x - mu) / np.sqrt(var + eps) * w + b


def softmax(s):
    s = s - s.max(-1, keepdims=True)
    e = np.exp(s)
    return e / e.sum(-1, keepdims=True)


_erf = np.vectorize(math.erf)
ACTS = {
    "relu": lambda x: np.maximum(x, 0.0),
    "gelu": lambda x: 0.5 * x * (1.0 + _erf(x / math.sqrt(2.0))),
    "gelu_new": lambda x: 0.5 * x * (1.0 + np.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * x ** 3))),
}


def attention(q, k, v, heads, mask_add):
    n, d = q.shape
    dh = d // heads
    out = np.zeros_like(q)
    for h in range(heads):
        sl = slice(h * dh, (h + 1) * dh)
        p = softmax(q[:, sl] @ k[:, sl].T / math.sqrt(dh) + mask_add)
        out[:, sl] = p @ v[:, sl]
    return out


def gpt2_forward(cfg, W, ids):
    pre = "transformer." if "transformer.wte.weight" in W else ""
    g = lambda k: W[pre + k]
    d, H, eps = cfg["n_embd"], cfg["n_head"], cfg["layer_norm_epsilon"]
    act = ACTS[cfg["activation_function"]]
    n = len(ids)
    x = g("wte.weight")[ids] + g("wpe.weight")[:n]
    causal = np.triu(np.full((n, n), -np.inf), 1)
    caps = {}
    for l in range(cfg["n_layer"]):
        p = f"h.{l}."
        caps[f"blocks.{l}.hook_resid_pre"] = x
        a = ln(x, g(p + "ln_1.weight"), g(p + "ln_1.bias"), eps)
        qkv = a @ g(p + "attn.c_attn.weight") + g(p + "attn.c_attn.bias")
        o = attention(qkv[:, :d], qkv[:, d:2 * d], qkv[:, 2 * d:], H, causal)
        x = x + o @ g(p + "attn.c_proj.weight") + g(p + "attn.c_proj.bias")
        m = ln(x, g(p + "ln_2.weight"), g(p + "ln_2.bias"), eps)
        hp = m @ g(p + "mlp.c_fc.weight") + g(p + "mlp.c_fc.bias")
        caps[f"blocks.{l}.mlp.hook_pre"] = hp
        caps[f"blocks.{l}.mlp.hook_post"] = act(hp)
        x = x + act(hp) @ g(p + "mlp.c_proj.weight") + g(p + "mlp.c_proj.bias")
        caps[f"blocks.{l}.hook_resid_post"] = x
    f = ln(x, g("ln_f.weight"), g("ln_f.bias"), eps)
    caps["ln_final.hook_normalized"] = f
    caps["logits"] = f @ g("wte.weight").T
    return caps


def bert_forward(cfg, W, ids, mask, types, layers=None):
    pre = "bert." if "bert.embeddings.word_embeddings.weight" in W else ""
    g = lambda k: W[pre + k]
    lin = lambda x, k: x @ g(k + ".weight").T + g(k + ".bias")
    H, eps = cfg["num_attention_heads"], cfg["layer_norm_eps"]
    act = ACTS[cfg["hidden_act"]]
    n = len(ids)
    e = g("embeddings.word_embeddings.weight")[ids] + g("embeddings.position_embeddings.weight")[:n] \
        + g("embeddings.token_type_embeddings.weight")[types]
    x = ln(e, g("embeddings.LayerNorm.weight"), g("embeddings.LayerNorm.bias"), eps)
    # HF uses the dtype minimum as the additive mask; exp() of it is 0 either way
    mask_add = np.where(np.asarray(mask)[None, :] > 0, 0.0, np.finfo(np.float32).min)
    caps = {}
    for l in range(cfg["num_hidden_layers"] if layers is None else layers):
        p = f"encoder.layer.{l}."
        caps[f"blocks.{l}.hook_resid_pre"] = x
        q, k, v = (lin(x, p + "attention.self." + s) for s in ("query", "key", "value"))
        o = lin(attention(q, k, v, H, mask_add), p + "attention.output.dense")
        x = ln(x + o, g(p + "attention.output.LayerNorm.weight"), g(p + "attention.output.LayerNorm.bias"), eps)
        hp = lin(x, p + "intermediate.dense")
        caps[f"blocks.{l}.mlp.hook_pre"] = hp
        caps[f"blocks.{l}.mlp.hook_post"] = act(hp)
        x = ln(x + lin(act(hp), p + "output.dense"), g(p + "output.LayerNorm.weight"), g(p + "output.LayerNorm.bias"), eps)
        caps[f"blocks.{l}.hook_resid_post"] = x
    caps["last_hidden_state"] = x
    return caps


def compare(tag, ref_dir, seq, caps, rows=None, tol=2e-4):
    worst = 0.0
    for hook, mine in caps.items():
        path = os.path.join(ref_dir, f"{seq}__{hook}.npy")
        if not os.path.exists(path):
            continue
        ref = np.load(path).astype(np.float64)
        if rows is not None:
            ref, mine = ref[:rows], mine[:rows]
        assert ref.shape == mine.shape, (tag, hook, ref.shape, mine.shape)
        err = np.abs(ref - mine).max() / max(1.0, np.abs(ref).max())
        worst = max(worst, err)
        if err > tol:
            print(f"FAIL {tag} seq {seq} {hook}: max rel err {err:.2e}")
            return False, worst
    return True, worst


def main():
    ok = True
    for d in sorted(glob.glob(os.path.join(ROOT, "Tests", "Fixtures", "runtime", "*"))):
        cfg = json.load(open(os.path.join(d, "config.json")))
        W = load_safetensors(os.path.join(d, "model.safetensors"))
        info = json.load(open(os.path.join(d, "reference", "inputs.json")))
        worst = 0.0
        for i, s in enumerate(info["sequences"]):
            if cfg["model_type"] == "gpt2":
                good, w = compare(d, os.path.join(d, "reference"), i, gpt2_forward(cfg, W, s["ids"]))
            else:
                n = s["valid_length"]  # padding rows are not part of the contract
                caps = bert_forward(cfg, W, s["ids"][:n], [1] * n, s["token_type_ids"][:n])
                good, w = compare(d, os.path.join(d, "reference"), i, caps, rows=n)
            ok &= good
            worst = max(worst, w)
        print(f"{'ok  ' if ok else 'FAIL'} {os.path.relpath(d, ROOT)}: worst rel err {worst:.1e}")
    mdir = os.path.join(ROOT, "Tests", "Fixtures", "minilm")
    ckpt = os.environ.get("POLYTOPE_MINILM_DIR")
    if ckpt and os.path.isdir(mdir):
        cfg = json.load(open(os.path.join(ckpt, "config.json")))
        W = load_safetensors(os.path.join(ckpt, "model.safetensors"))
        info = json.load(open(os.path.join(mdir, "inputs.json")))
        worst = 0.0
        for i, s in enumerate(info["sequences"]):
            caps = bert_forward(cfg, W, s["ids"], [1] * len(s["ids"]), s["token_type_ids"])
            good, w = compare("minilm", mdir, i, caps)
            ok &= good
            worst = max(worst, w)
        print(f"{'ok  ' if ok else 'FAIL'} minilm ({ckpt}): worst rel err {worst:.1e}")
    elif os.path.isdir(mdir):
        print("skip minilm: set POLYTOPE_MINILM_DIR=$(scripts/fetch-minilm.sh) to check it")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
