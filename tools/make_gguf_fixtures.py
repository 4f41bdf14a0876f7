#!/usr/bin/env python3
"""GGUF test files, written with the `gguf` package, and references made without our code.

Tests/Fixtures/gguf/
  types.gguf + types.json      every metadata value type (arrays too) and one tensor per supported
                               element type (F32, F16, BF16, Q8_0, Q4_0, Q4_1) plus a Q4_K tensor
                               (refused by name); types.json holds the metadata values and
                               types/<tensor>.npy the values `gguf.quants.dequantize` gives.
  tiny-llama-<v>.gguf          the llama-gqa / llama-untied fixtures of make_family_fixtures.py
                               converted as llama.cpp's convert_hf_to_gguf.py does (q / k rows
                               permuted per head, tied output omitted) with quantised matrices,
                               and an embedded byte-level BPE vocabulary;
  tiny-llama-<v>/reference/    Hugging Face transformers' own GGUF loading of that file
                               (`from_pretrained(dir, gguf_file=...)`, dequantised to f32, its own
                               reverse permutation) run at every hook: the reference our GGUF
                               import must match.

Usage:  python3 tools/make_gguf_fixtures.py    (needs tools/make_family_fixtures.py's output)
"""
import importlib.util
import json
import os
import shutil
import sys

import gguf
import numpy as np
import torch
from gguf import GGMLQuantizationType as Q

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Tests", "Fixtures", "gguf")
FAM = os.path.join(ROOT, "Tests", "Fixtures", "families")

spec = importlib.util.spec_from_file_location("fam", os.path.join(ROOT, "tools", "make_family_fixtures.py"))
fam = importlib.util.module_from_spec(spec)
spec.loader.exec_module(fam)


def add_quant(w, name, x, qtype):
    data = gguf.quants.quantize(x, qtype) if qtype not in (Q.F32, Q.F16) else x.astype(np.float32 if qtype == Q.F32 else np.float16)
    w.add_tensor(name, data, raw_dtype=qtype)
    return gguf.quants.dequantize(data, qtype) if qtype not in (Q.F32, Q.F16) else data.astype(np.float32)


def make_types():
    path = os.path.join(OUT, "types.gguf")
    w = gguf.GGUFWriter(path, arch="test")
    meta = {
        "t.u8": (200, gguf.GGUFValueType.UINT8), "t.i8": (-100, gguf.GGUFValueType.INT8),
        "t.u16": (60000, gguf.GGUFValueType.UINT16), "t.i16": (-30000, gguf.GGUFValueType.INT16),
        "t.u32": (4000000000, gguf.GGUFValueType.UINT32), "t.i32": (-2000000000, gguf.GGUFValueType.INT32),
        "t.f32": (0.5, gguf.GGUFValueType.FLOAT32), "t.bool": (True, gguf.GGUFValueType.BOOL),
        "t.string": ("caf\u00e9 \U0001F600", gguf.GGUFValueType.STRING),
        "t.u64": (2 ** 63 + 5, gguf.GGUFValueType.UINT64), "t.i64": (-(2 ** 62), gguf.GGUFValueType.INT64),
        "t.f64": (-1.25e-300, gguf.GGUFValueType.FLOAT64),
    }
    for k, (v, t) in meta.items():
        w.add_key_value(k, v, t)
    w.add_array("t.ints", [1, -2, 3])
    w.add_array("t.strings", ["a", "", "\u00e9\u00e9"])
    w.add_array("t.floats", [0.25, -8.0])
    g = np.random.default_rng(7)
    ref = {}
    for name, qt, shape in [("f32", Q.F32, (3, 5)), ("f16", Q.F16, (2, 7)), ("bf16", Q.BF16, (2, 32)),
                            ("q8_0", Q.Q8_0, (3, 64)), ("q4_0", Q.Q4_0, (2, 96)), ("q4_1", Q.Q4_1, (4, 32)),
                            ("vector", Q.F32, (6,))]:
        x = (g.standard_normal(shape) * 2).astype(np.float32)
        ref[name] = add_quant(w, name, x, qt)
    w.add_tensor("q4_k", g.integers(0, 255, (2, 144), dtype=np.uint8), raw_dtype=Q.Q4_K)  # 2 rows of 256
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    d = os.path.join(OUT, "types")
    os.makedirs(d, exist_ok=True)
    for k, v in ref.items():
        np.save(os.path.join(d, f"{k}.npy"), np.ascontiguousarray(v, dtype="<f4"))
    info = {"metadata": {k: v for k, (v, _) in meta.items()}, "arrays": {"t.ints": [1, -2, 3], "t.strings": ["a", "", "\u00e9\u00e9"],
            "t.floats": [0.25, -8.0]}, "shapes": {k: list(v.shape) for k, v in ref.items()},
            "types": {"f32": "F32", "f16": "F16", "bf16": "BF16", "q8_0": "Q8_0", "q4_0": "Q4_0", "q4_1": "Q4_1", "vector": "F32", "q4_k": "Q4_K"}}
    json.dump(info, open(os.path.join(OUT, "types.json"), "w"), indent=1, ensure_ascii=False)


def permute(w, n_head):
    """llama.cpp convert_hf_to_gguf.py LlamaModel.permute: rotate-half rows -> interleaved pairs."""
    return w.reshape(n_head, 2, w.shape[0] // n_head // 2, *w.shape[1:]).swapaxes(1, 2).reshape(w.shape)


def make_llama(src_name, out_name, qtypes):
    from safetensors.numpy import load_file
    from transformers import LlamaForCausalLM

    src = os.path.join(FAM, src_name)
    cfg = json.load(open(os.path.join(src, "config.json")))
    sd = {k: v.astype(np.float32) for k, v in load_file(os.path.join(src, "model.safetensors")).items()} \
        if cfg.get("dtype", "float32") == "float32" else \
        {k: v.float().numpy() for k, v in __import__("safetensors.torch", fromlist=["load_file"]).load_file(os.path.join(src, "model.safetensors")).items()}
    H, KV = cfg["num_attention_heads"], cfg["num_key_value_heads"]
    path = os.path.join(OUT, f"{out_name}.gguf")
    w = gguf.GGUFWriter(path, arch="llama")
    w.add_name(out_name)
    w.add_block_count(cfg["num_hidden_layers"])
    w.add_context_length(cfg["max_position_embeddings"])
    w.add_embedding_length(cfg["hidden_size"])
    w.add_feed_forward_length(cfg["intermediate_size"])
    w.add_head_count(H)
    w.add_head_count_kv(KV)
    theta = cfg.get("rope_theta") or cfg["rope_parameters"]["rope_theta"]
    w.add_rope_freq_base(theta)
    w.add_layer_norm_rms_eps(cfg["rms_norm_eps"])
    w.add_rope_dimension_count(cfg["hidden_size"] // H)
    w.add_vocab_size(cfg["vocab_size"])
    vocab = json.load(open(os.path.join(src, "vocab.json")))
    tokens = [t for t, _ in sorted(vocab.items(), key=lambda kv: kv[1])]
    merges = [l for l in open(os.path.join(src, "merges.txt"), encoding="utf-8").read().split("\n")[1:] if l]
    w.add_tokenizer_model("gpt2")
    w.add_tokenizer_pre("gpt-2")
    w.add_token_list(tokens)
    w.add_token_merges(merges)
    w.add_token_types([3 if t == "<|endoftext|>" else 1 for t in tokens])
    w.add_bos_token_id(0)
    w.add_eos_token_id(0)
    w.add_add_bos_token(False)
    names = {"model.embed_tokens.weight": "token_embd.weight", "model.norm.weight": "output_norm.weight",
             "lm_head.weight": "output.weight"}
    for l in range(cfg["num_hidden_layers"]):
        for a, b in [("input_layernorm", "attn_norm"), ("self_attn.q_proj", "attn_q"), ("self_attn.k_proj", "attn_k"),
                     ("self_attn.v_proj", "attn_v"), ("self_attn.o_proj", "attn_output"), ("post_attention_layernorm", "ffn_norm"),
                     ("mlp.gate_proj", "ffn_gate"), ("mlp.up_proj", "ffn_up"), ("mlp.down_proj", "ffn_down")]:
            names[f"model.layers.{l}.{a}.weight"] = f"blk.{l}.{b}.weight"
    for k, x in sd.items():
        if k.endswith("q_proj.weight"):
            x = permute(x, H)
        elif k.endswith("k_proj.weight"):
            x = permute(x, KV)
        qt = Q.F32 if x.ndim == 1 else qtypes.get(names[k].split(".")[-2], qtypes["default"])
        add_quant(w, names[k], np.ascontiguousarray(x), qt)
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()

    model = LlamaForCausalLM.from_pretrained(OUT, gguf_file=os.path.basename(path), dtype=torch.float32,
                                             attn_implementation="eager").eval()
    ref = os.path.join(OUT, out_name, "reference")
    os.makedirs(ref, exist_ok=True)
    seqs = json.load(open(os.path.join(src, "reference", "inputs.json")))["sequences"]
    hooks = None
    for i, s in enumerate(seqs):
        caps, _ = fam.run(model, "llama", [s["ids"]])
        hooks = hooks or list(caps.keys())
        for hook, t in caps.items():
            np.save(os.path.join(ref, f"{i}__{hook}.npy"), np.ascontiguousarray(t.detach().numpy(), dtype="<f4"))
    json.dump({"model": out_name, "source": f"Tests/Fixtures/families/{src_name}", "gguf": os.path.basename(path),
               "tensor_types": {k: v.name for k, v in qtypes.items()}, "tied_embeddings": "lm_head.weight" not in sd,
               "reference": "transformers LlamaForCausalLM.from_pretrained(gguf_file=...), f32, eager attention",
               "sequences": seqs, "hooks": hooks}, open(os.path.join(ref, "inputs.json"), "w"), indent=1)


def main():
    torch.set_num_threads(1)
    if os.path.isdir(OUT):
        shutil.rmtree(OUT)
    os.makedirs(OUT)
    make_types()
    make_llama("llama-gqa", "tiny-llama-q4_1", {"token_embd": Q.Q8_0, "default": Q.Q4_1})
    make_llama("llama-untied", "tiny-llama-mixed", {"token_embd": Q.F16, "output": Q.Q8_0, "attn_q": Q.Q4_0, "attn_k": Q.BF16,
                                                    "ffn_gate": Q.Q8_0, "default": Q.Q4_1})
    total = sum(os.path.getsize(os.path.join(dp, f)) for dp, _, fs in os.walk(OUT) for f in fs)
    print(f"{OUT}: {total} bytes")


if __name__ == "__main__":
    sys.exit(main())
