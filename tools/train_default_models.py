#!/usr/bin/env python3
"""Train PolytopeLens' two small default models on corpora/austen.

1. A byte-level BPE tokenizer (HF `tokenizers` ByteLevelBPETokenizer, GPT-2
   pre-tokenizer regex, add_prefix_space=False, vocab 4096 = 1 special token
   `<|endoftext|>` (id 0) + 256 byte symbols + 3839 merges), trained on the corpus,
   saved in GPT-2 format (vocab.json + merges.txt, plus tokenizer.json).
2. Two GPT-2 style models (transformers GPT2LMHeadModel, tied embeddings) that
   differ only in the MLP activation: `relu` and `gelu_new` (tanh approximation).

Data: each novel is tokenized as one stream (paragraph breaks kept as "\n\n"),
streams joined by `<|endoftext|>`. The stream is cut into blocks of 2048 tokens;
every 20th block (index % 20 == 19) is validation (5%), the rest training.
Training samples random windows of `--ctx` tokens from training blocks (a window
never crosses a block boundary); validation loss is the mean over all
non-overlapping windows of the validation blocks.

Writes (not committed) tools/.cache/models/polytope-gpt2-{relu,gelu}/:
config.json, model.safetensors, vocab.json, merges.txt, tokenizer.json,
tokenizer_config.json, special_tokens_map.json, training.json.
With --copy-to-models it also copies each dir to models/hf/<name>/ (only when
the lead asks for it).

Usage:
    pip install torch==2.13.0+cpu transformers safetensors tokenizers
    python3 tools/train_default_models.py                 # both models, one after the other
    python3 tools/train_default_models.py --only relu &   # or one process per model,
    python3 tools/train_default_models.py --only gelu &   # in parallel (what was done)
Each process uses 1 CPU thread (--threads): on a shared, busy 2-core machine two
1-thread processes are far faster than one 2-thread process, whose threads spin
waiting for each other. 1500 steps x 16 windows x 128 tokens take about 8 minutes
per model on an idle core (0.3 s/step), much longer when the machine is busy.
"""
import argparse
import glob
import hashlib
import json
import math
import os
import platform
import random
import shutil
import sys
import time

import numpy as np
import torch

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CACHE = os.path.join(ROOT, "tools", ".cache")
CORPUS_GLOB = os.path.join(ROOT, "corpora", "austen", "*.txt")
EOT = "<|endoftext|>"
VOCAB_SIZE = 4096
BLOCK = 2048
VAL_EVERY = 20

VARIANTS = {
    "relu": ("polytope-gpt2-relu", "relu"),
    "gelu": ("polytope-gpt2-gelu", "gelu_new"),
}


def sha256(path):
    return hashlib.sha256(open(path, "rb").read()).hexdigest()


def corpus_files():
    files = sorted(glob.glob(CORPUS_GLOB))
    if not files:
        sys.exit(f"error: no corpus files match {CORPUS_GLOB}; run tools/make_corpus.py first")
    return files


def train_tokenizer(files, out_dir):
    """Train the byte-level BPE and save GPT-2 style files into out_dir."""
    from tokenizers import ByteLevelBPETokenizer

    tok = ByteLevelBPETokenizer(add_prefix_space=False)
    tok.train(files=files, vocab_size=VOCAB_SIZE, min_frequency=2, special_tokens=[EOT], show_progress=False)
    os.makedirs(out_dir, exist_ok=True)
    tok.save_model(out_dir)  # vocab.json, merges.txt
    tok.save(os.path.join(out_dir, "tokenizer.json"))
    assert tok.get_vocab_size() == VOCAB_SIZE, tok.get_vocab_size()
    assert tok.token_to_id(EOT) == 0
    return tok


def tokenizer_side_files(out_dir, ctx):
    cfg = {
        "tokenizer_class": "GPT2Tokenizer",
        "add_prefix_space": False,
        "bos_token": EOT,
        "eos_token": EOT,
        "unk_token": EOT,
        "model_max_length": ctx,
        "clean_up_tokenization_spaces": False,
    }
    json.dump(cfg, open(os.path.join(out_dir, "tokenizer_config.json"), "w"), indent=2)
    json.dump({"bos_token": EOT, "eos_token": EOT, "unk_token": EOT},
              open(os.path.join(out_dir, "special_tokens_map.json"), "w"), indent=2)


def encode_corpus(tok, files):
    ids = []
    for i, f in enumerate(files):
        if i:
            ids.append(tok.token_to_id(EOT))
        ids.extend(tok.encode(open(f, encoding="utf-8").read()).ids)
    return np.array(ids, dtype=np.int64)


def split_blocks(ids):
    n = len(ids) // BLOCK
    blocks = ids[: n * BLOCK].reshape(n, BLOCK)
    is_val = (np.arange(n) % VAL_EVERY) == VAL_EVERY - 1
    return torch.from_numpy(blocks[~is_val]), torch.from_numpy(blocks[is_val])


def make_model(act, ctx, args):
    from transformers import GPT2Config, GPT2LMHeadModel

    cfg = GPT2Config(
        vocab_size=VOCAB_SIZE, n_positions=ctx, n_embd=args.d_model, n_layer=args.layers,
        n_head=args.heads, n_inner=args.d_mlp, activation_function=act,
        resid_pdrop=0.0, embd_pdrop=0.0, attn_pdrop=0.0, layer_norm_epsilon=1e-5,
        bos_token_id=0, eos_token_id=0, tie_word_embeddings=True,
    )
    return GPT2LMHeadModel(cfg)


@torch.no_grad()
def evaluate(model, blocks, ctx):
    model.eval()
    windows = blocks[:, : (BLOCK // ctx) * ctx].reshape(-1, ctx)
    total, count = 0.0, 0
    for i in range(0, len(windows), 64):
        x = windows[i:i + 64]
        loss = model(input_ids=x, labels=x).loss
        total += loss.item() * len(x)
        count += len(x)
    model.train()
    return total / count


def train_one(key, tok_dir, train_blocks, val_blocks, files, args):
    name, act = VARIANTS[key]
    torch.manual_seed(args.seed)
    random.seed(args.seed)
    gen = torch.Generator().manual_seed(args.seed)
    ctx = args.ctx
    model = make_model(act, ctx, args)
    decay = [p for n, p in model.named_parameters() if p.dim() >= 2]
    no_decay = [p for n, p in model.named_parameters() if p.dim() < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.1}, {"params": no_decay, "weight_decay": 0.0}],
                            lr=args.lr, betas=(0.9, 0.95))
    warmup = max(1, args.steps // 20)

    def lr_at(step):
        if step < warmup:
            return args.lr * (step + 1) / warmup
        t = (step - warmup) / max(1, args.steps - warmup)
        return args.lr * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * t)))

    nb = len(train_blocks)
    t0 = time.time()
    log = []
    ema = None
    steps_done = args.steps
    for step in range(args.steps):
        if args.max_minutes and time.time() - t0 > 60 * args.max_minutes:
            steps_done = step
            print(f"[{name}] stopping early at step {step}: --max-minutes {args.max_minutes} reached", flush=True)
            break
        for g in opt.param_groups:
            g["lr"] = lr_at(step)
        bi = torch.randint(0, nb, (args.batch,), generator=gen)
        oi = torch.randint(0, BLOCK - ctx + 1, (args.batch,), generator=gen)
        x = torch.stack([train_blocks[b, o:o + ctx] for b, o in zip(bi.tolist(), oi.tolist())])
        loss = model(input_ids=x, labels=x).loss
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        ema = loss.item() if ema is None else 0.98 * ema + 0.02 * loss.item()
        if (step + 1) % args.log_every == 0 or step == 0:
            el = time.time() - t0
            print(f"[{name}] step {step + 1}/{args.steps} loss {loss.item():.4f} ema {ema:.4f} "
                  f"lr {lr_at(step):.2e} {el:.0f}s", flush=True)
            entry = {"step": step + 1, "loss": round(loss.item(), 4), "ema": round(ema, 4), "seconds": round(el, 1)}
            if (step + 1) % (5 * args.log_every) == 0:
                entry["validation_loss"] = round(evaluate(model, val_blocks, ctx), 4)
                print(f"[{name}] step {step + 1} validation loss {entry['validation_loss']:.4f}", flush=True)
            log.append(entry)
    train_time = time.time() - t0

    # Final train loss: mean over a fixed sample of 256 training windows (eval mode).
    g2 = torch.Generator().manual_seed(args.seed + 1)
    sample = train_blocks[torch.randperm(nb, generator=g2)[: max(1, 256 // (BLOCK // ctx))]]
    train_loss = evaluate(model, sample, ctx)
    val_loss = evaluate(model, val_blocks, ctx)
    print(f"[{name}] done in {train_time:.0f}s: train loss {train_loss:.4f}  val loss {val_loss:.4f} "
          f"(val ppl {math.exp(val_loss):.1f})", flush=True)

    out = os.path.join(args.out, name)
    if os.path.exists(out):
        shutil.rmtree(out)
    model.save_pretrained(out, safe_serialization=True)
    for f in ("vocab.json", "merges.txt", "tokenizer.json"):
        shutil.copy(os.path.join(tok_dir, f), out)
    tokenizer_side_files(out, ctx)
    import safetensors
    import tokenizers
    import transformers

    info = {
        "name": name,
        "architecture": "GPT2LMHeadModel",
        "activation_function": act,
        "n_layer": args.layers, "n_embd": args.d_model, "n_head": args.heads, "n_inner": args.d_mlp,
        "n_positions": ctx, "vocab_size": VOCAB_SIZE, "tie_word_embeddings": True,
        "parameters": sum(p.numel() for p in model.parameters()),
        "corpus": [{"file": os.path.relpath(f, ROOT), "bytes": os.path.getsize(f), "sha256": sha256(f)} for f in files],
        "tokens": {"train": int(train_blocks.numel()), "validation": int(val_blocks.numel()),
                   "split": f"blocks of {BLOCK} tokens, every {VAL_EVERY}th block (index % {VAL_EVERY} == {VAL_EVERY - 1}) is validation"},
        "tokenizer": {"type": "byte-level BPE (tokenizers.ByteLevelBPETokenizer, GPT-2 regex pre-tokenizer)",
                      "vocab_size": VOCAB_SIZE, "add_prefix_space": False, "special_tokens": {EOT: 0},
                      "min_frequency": 2, "trained_on": "the corpus files above",
                      "vocab_sha256": sha256(os.path.join(out, "vocab.json")),
                      "merges_sha256": sha256(os.path.join(out, "merges.txt"))},
        "training": {"steps": steps_done, "planned_steps": args.steps, "batch_size": args.batch, "context_length": ctx,
                     "tokens_seen": steps_done * args.batch * ctx,
                     "optimizer": "AdamW betas (0.9, 0.95), weight decay 0.1 on matrices/embeddings, grad clip 1.0",
                     "lr_schedule": f"linear warmup {warmup} steps to {args.lr}, cosine decay to {args.lr * 0.1}",
                     "dropout": 0.0, "seed": args.seed, "threads": torch.get_num_threads()},
        "results": {"final_train_loss": round(train_loss, 4), "validation_loss": round(val_loss, 4),
                    "validation_perplexity": round(math.exp(val_loss), 2),
                    "loss_definition": "mean next-token cross-entropy (nats) over non-overlapping windows; train loss on a fixed sample of 256 training windows"},
        "training_time_seconds": round(train_time, 1),
        "log": log,
        "versions": {"python": platform.python_version(), "torch": torch.__version__,
                     "transformers": transformers.__version__, "tokenizers": tokenizers.__version__,
                     "safetensors": safetensors.__version__, "numpy": np.__version__},
        "machine": platform.machine(),
    }
    json.dump(info, open(os.path.join(out, "training.json"), "w"), indent=2)
    print(f"[{name}] wrote {out} (model.safetensors {os.path.getsize(os.path.join(out, 'model.safetensors'))} bytes)")
    if args.copy_to_models:
        dst = os.path.join(ROOT, "models", "hf", name)
        if os.path.exists(dst):
            shutil.rmtree(dst)
        shutil.copytree(out, dst)
        print(f"[{name}] copied to {dst}")
    return info


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", choices=sorted(VARIANTS), action="append", help="train only this variant (repeatable)")
    ap.add_argument("--steps", type=int, default=1500)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--ctx", type=int, default=128)
    ap.add_argument("--layers", type=int, default=4)
    ap.add_argument("--d-model", type=int, default=128)
    ap.add_argument("--heads", type=int, default=4)
    ap.add_argument("--d-mlp", type=int, default=512)
    ap.add_argument("--lr", type=float, default=3e-3)
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--log-every", type=int, default=100)
    ap.add_argument("--max-minutes", type=float, default=0, help="stop training early after this long (0: never)")
    ap.add_argument("--out", default=os.path.join(CACHE, "models"))
    ap.add_argument("--copy-to-models", action="store_true", help="also copy checkpoints to models/hf/<name>/")
    ap.add_argument("--bench", type=int, default=0, help="only time this many steps and exit")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)

    files = corpus_files()
    # Each process trains the (deterministic) tokenizer into its own folder, so that
    # parallel runs never read a half-written file; the shared copy is made once.
    tok_dir = os.path.join(CACHE, f"tokenizer-austen-4096.{os.getpid()}")
    shared = os.path.join(CACHE, "tokenizer-austen-4096")
    t0 = time.time()
    tok = train_tokenizer(files, tok_dir)
    if not os.path.isdir(shared):
        shutil.copytree(tok_dir, shared + f".tmp{os.getpid()}")
        try:
            os.rename(shared + f".tmp{os.getpid()}", shared)
        except OSError:
            shutil.rmtree(shared + f".tmp{os.getpid()}")
    for f in ("vocab.json", "merges.txt"):
        if sha256(os.path.join(shared, f)) != sha256(os.path.join(tok_dir, f)):
            print(f"warning: {shared}/{f} differs from this run's tokenizer", file=sys.stderr)
    ids = encode_corpus(tok, files)
    train_blocks, val_blocks = split_blocks(ids)
    print(f"tokenizer trained + corpus encoded in {time.time() - t0:.0f}s: {len(ids)} tokens, "
          f"{len(train_blocks)} train / {len(val_blocks)} validation blocks of {BLOCK}", flush=True)
    if args.bench:
        args.steps, args.log_every = args.bench, 10
        torch.manual_seed(0)
        model = make_model("relu", args.ctx, args)
        opt = torch.optim.AdamW(model.parameters(), lr=1e-3)
        t = time.time()
        for s in range(args.bench):
            x = train_blocks[s % len(train_blocks), : args.ctx].repeat(args.batch, 1)
            loss = model(input_ids=x, labels=x).loss
            opt.zero_grad()
            loss.backward()
            opt.step()
        print(f"{(time.time() - t) / args.bench:.3f} s/step, params {sum(p.numel() for p in model.parameters())}")
        return
    for key in args.only or ["relu", "gelu"]:
        train_one(key, tok_dir, train_blocks, val_blocks, files, args)
    shutil.rmtree(tok_dir)


if __name__ == "__main__":
    main()
