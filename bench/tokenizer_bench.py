#!/usr/bin/env python3
"""Tokenizer speed, one thread, in one run: tiktoken and Hugging Face `tokenizers` against
PolytopeTokenizers (through `polytope bench-tokenizer`, a release build), on the same text.

    swift build -c release --product polytope
    python3 -m venv .venv-tok && .venv-tok/bin/pip install tiktoken==0.14.0 tokenizers==0.23.3
    .venv-tok/bin/python bench/tokenizer_bench.py [--polytope .build/release/polytope] [--repeat 5]

Everything is local: tiktoken's Encoding is built directly from the committed gpt2.tiktoken with
GPT-2's pattern (what `tiktoken.get_encoding("gpt2")` builds, without the download). Each library
encodes each novel of corpora/austen/ as one string; the best of --repeat passes counts.
MB = 10^6 bytes. Hugging Face is also timed one line at a time (it is slow on very long strings);
ratios are against the faster of its two timings. Prints a JSON summary with the ratios.
"""
import argparse
import base64
import json
import os
import subprocess
import time

os.environ.setdefault("RAYON_NUM_THREADS", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import tiktoken  # noqa: E402
import tokenizers  # noqa: E402
from tokenizers import BertWordPieceTokenizer, ByteLevelBPETokenizer  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIX = os.path.join(ROOT, "Tests", "PolytopeTokenizersTests", "Fixtures")
GPT2_PAT = r"""'(?:[sdmt]|ll|ve|re)| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"""


def best_of(fn, texts, repeat):
    best, tokens = float("inf"), 0
    for _ in range(repeat):
        start = time.perf_counter()
        tokens = sum(fn(t) for t in texts)
        best = min(best, time.perf_counter() - start)
    return best, tokens


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--polytope", default=os.path.join(ROOT, ".build", "release", "polytope"))
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--corpus", default=os.path.join(ROOT, "corpora", "austen"))
    args = ap.parse_args()
    files = sorted(os.path.join(args.corpus, f) for f in os.listdir(args.corpus) if f.endswith(".txt"))
    texts = [open(f, encoding="utf-8").read() for f in files]
    nbytes = sum(len(t.encode()) for t in texts)

    ranks = {}
    with open(os.path.join(FIX, "gpt2", "gpt2.tiktoken"), "rb") as f:
        for line in f:
            if line.strip():
                tok, rank = line.split()
                ranks[base64.b64decode(tok)] = int(rank)
    enc = tiktoken.Encoding("gpt2", pat_str=GPT2_PAT, mergeable_ranks=ranks, special_tokens={"<|endoftext|>": 50256})
    hf_bpe = ByteLevelBPETokenizer(os.path.join(FIX, "gpt2", "vocab.json"), os.path.join(FIX, "gpt2", "merges.txt"))
    hf_bert = BertWordPieceTokenizer(os.path.join(FIX, "minilm", "vocab.txt"), lowercase=True)

    results = {}
    s, n = best_of(lambda t: len(enc.encode_ordinary(t)), texts, args.repeat)
    results["tiktoken gpt2"] = {"mb_per_s": nbytes / s / 1e6, "tokens": n}
    s, n = best_of(lambda t: len(hf_bpe.encode(t).ids), texts, args.repeat)
    results["hf tokenizers gpt2"] = {"mb_per_s": nbytes / s / 1e6, "tokens": n}
    s, n = best_of(lambda t: len(hf_bert.encode(t, add_special_tokens=False).ids), texts, args.repeat)
    results["hf tokenizers bert"] = {"mb_per_s": nbytes / s / 1e6, "tokens": n}
    # Hugging Face is much slower on one very long string than on many short ones: also give
    # it the text one line (paragraph) at a time, newlines kept.
    lines = [t.splitlines(keepends=True) for t in texts]
    s, n = best_of(lambda ls: sum(len(hf_bpe.encode(x).ids) for x in ls), lines, args.repeat)
    results["hf tokenizers gpt2 (per line)"] = {"mb_per_s": nbytes / s / 1e6, "tokens": n}
    s, n = best_of(lambda ls: sum(len(hf_bert.encode(x, add_special_tokens=False).ids) for x in ls), lines, args.repeat)
    results["hf tokenizers bert (per line)"] = {"mb_per_s": nbytes / s / 1e6, "tokens": n}

    def ours(name, tok_files):
        out = subprocess.run([args.polytope, "bench-tokenizer", *files, "--tokenizer", *tok_files,
                              "--repeat", str(args.repeat)], check=True, capture_output=True, text=True).stdout
        r = json.loads(out)
        results[name] = {"mb_per_s": r["mb_per_s"], "cold_mb_per_s": r["cold_mb_per_s"], "tokens": r["tokens"],
                         "load_seconds": r["load_seconds"]}

    ours("polytope gpt2 (.tiktoken)", [os.path.join(FIX, "gpt2", "gpt2.tiktoken")])
    ours("polytope gpt2 (vocab.json+merges.txt)", [os.path.join(FIX, "gpt2", "vocab.json"), os.path.join(FIX, "gpt2", "merges.txt")])
    ours("polytope bert (vocab.txt)", [os.path.join(FIX, "minilm", "vocab.txt")])

    tk = results["tiktoken gpt2"]["mb_per_s"]
    hf = max(results["hf tokenizers gpt2"]["mb_per_s"], results["hf tokenizers gpt2 (per line)"]["mb_per_s"])
    hf_bert_best = max(results["hf tokenizers bert"]["mb_per_s"], results["hf tokenizers bert (per line)"]["mb_per_s"])
    for name, r in results.items():
        r["vs_tiktoken"] = r["mb_per_s"] / tk
        r["vs_best_hf_same_family"] = r["mb_per_s"] / (hf_bert_best if "bert" in name else hf)
    summary = {"bytes": nbytes, "files": len(files), "repeat": args.repeat,
               "versions": {"tiktoken": tiktoken.__version__, "tokenizers": tokenizers.__version__},
               "results": results}
    print(json.dumps(summary, indent=1))
    assert results["polytope gpt2 (.tiktoken)"]["tokens"] == results["tiktoken gpt2"]["tokens"]
    assert results["polytope bert (vocab.txt)"]["tokens"] == results["hf tokenizers bert"]["tokens"]


if __name__ == "__main__":
    main()
