"""The README's notebook example as a script: codes from a model's MLP, Hamming k-medoids.

Usage: python quickstart.py [MODEL.pb]   (default: models/gpt2-relu.pb of the checkout)
"""
import sys
from pathlib import Path

import numpy as np

import polytopelens as pl

model_path = sys.argv[1] if len(sys.argv) > 1 else Path(__file__).resolve().parents[2] / "models" / "gpt2-relu.pb"
model = pl.Model(model_path)
print(model)

text = ("It is a truth universally acknowledged, that a single man in possession of a good fortune, "
        "must be in want of a wife. However little known the feelings or views of such a man may be.")
hook = "blocks.1.mlp.hook_pre"
pre = model.run(text, hooks=[hook])[hook]             # float32 [tokens, d_mlp]
codes = pl.codes_from_preacts(pre)                     # uint8 [tokens, d_mlp / 8], np.packbits order
assert np.array_equal(codes, np.packbits(pre > 0, axis=1))

d = pl.hamming(codes)                                   # uint16 [tokens, tokens]
print(f"{len(codes)} tokens, {pre.shape[1]} units; mean Hamming distance {d[np.triu_indices(len(d), 1)].mean():.1f}")

r = pl.kmedoids(codes, k=4, seed=0)                     # full matrix, matrix-free or CLARA by memory="4G"
ids, spans = model.tokenize(text, offsets=True)
raw = text.encode()
for c, m in enumerate(r.medoids):
    members = [raw[s:e].decode(errors="replace") for (s, e), lab in zip(spans, r.labels) if lab == c]
    print(f"cluster {c} (medoid {raw[spans[m][0]:spans[m][1]].decode(errors='replace')!r}): {members[:8]}")
print(f"loss {r.loss}, mode {r.mode}, silhouette {r.silhouette:.3f}")

# Errors are PolytopeError with the CLI's one-line message.
try:
    pl.kmedoids(codes, k=len(codes) + 1)
except pl.PolytopeError as e:
    print("PolytopeError:", e)
