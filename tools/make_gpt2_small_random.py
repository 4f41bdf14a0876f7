#!/usr/bin/env python3
"""A GPT-2-small-shaped checkpoint with random weights, for the forward benchmark only.

    python3 tools/make_gpt2_small_random.py OUT_DIR [--layers 12] [--width 768] [--heads 12]

Writes OUT_DIR/{config.json, model.safetensors, vocab.json, merges.txt}: transformers'
GPT2LMHeadModel at its own random initialisation (torch.manual_seed(0), so re-runs are
identical), GPT-2's tokenizer files copied from the tokenizer test fixtures. About 500 MB,
so bench/forward_bench.py makes it in a temporary folder at bench time; it is never
committed. Needs torch and transformers. ~20 s.
"""
import argparse, os, shutil, sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--layers", type=int, default=12)
    ap.add_argument("--width", type=int, default=768)
    ap.add_argument("--heads", type=int, default=12)
    a = ap.parse_args()
    import torch
    from transformers import GPT2Config, GPT2LMHeadModel
    torch.manual_seed(0)
    cfg = GPT2Config(n_layer=a.layers, n_embd=a.width, n_head=a.heads, n_positions=1024, vocab_size=50257,
                     activation_function="gelu_new")
    model = GPT2LMHeadModel(cfg).eval()
    os.makedirs(a.out, exist_ok=True)
    model.save_pretrained(a.out, safe_serialization=True)
    tok = os.path.join(ROOT, "Tests/PolytopeTokenizersTests/Fixtures/gpt2")
    for f in ("vocab.json", "merges.txt"):
        shutil.copy(os.path.join(tok, f), os.path.join(a.out, f))
    print(a.out)


if __name__ == "__main__":
    sys.exit(main())
