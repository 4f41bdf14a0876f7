#!/usr/bin/env python3
"""Make tiny random-initialised HF checkpoints + PyTorch reference activations.

For each fixture under Tests/Fixtures/runtime/<name>/ this writes
  config.json, model.safetensors, tokenizer files          (the HF checkpoint)
  reference/inputs.json                                    (inputs, hook names, notes)
  reference/<seq>__<hook>.npy                              (float32, [tokens, width])

Fixtures (all seeded, deterministic):
  gpt2-relu       GPT2LMHeadModel, activation "relu", f32, keys "transformer.*"
  gpt2-relu-f16   same shape, own weights, saved in float16
  gpt2-gelu-new   activation "gelu_new" (tanh approximation), f32
  gpt2-gelu       activation "gelu" (exact, erf), f32, n_inner null (= 4*n_embd),
                  safetensors keys WITHOUT the "transformer." prefix (like the
                  openai-community/gpt2 checkpoint on the Hub)
  bert            BertModel, hidden_act "gelu" (erf), f32, token_type embeddings
  bert-bf16       same shape, own weights, saved in bfloat16

Weights are NOT the HF default init (std 0.02, LayerNorm 1/0, biases 0): every
tensor, LayerNorm gains and biases included, is drawn at random (see
`randomise`) so that a swapped, transposed or ignored tensor changes the
outputs. Reference outputs for f16/bf16 checkpoints are computed in float32
from the stored half-precision weights upcast to float32.

Usage:  pip install torch==2.13.0+cpu transformers safetensors tokenizers
        python3 tools/make_runtime_fixtures.py      (about 20 s)
        python3 tools/make_runtime_fixtures.py bert (only the BERT fixtures)
"""
import glob
import hashlib
import json
import os
import shutil
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Tests", "Fixtures", "runtime")
EOT = "<|endoftext|>"
GPT2_VOCAB = 384
N_POS = 64

TEXTS_GPT2 = [
    "It is a truth universally acknowledged, that a single man in possession of a good fortune, must be in want of a wife.",
    "\"My dear Mr. Bennet,\" said his lady to him one day, \"have you heard that Netherfield Park is let at last?\"",
    "  Two leading spaces, tabs\tand\nnewlines\n\nand digits 1813 and 2024's.",
    "Caf\u00e9 na\u00efve \u2014 r\u00e9sum\u00e9 \u00c9mile \U0001F600 \u4e2d\u6587!",
    "",
]
TEXTS_BERT = [
    "Emma Woodhouse, handsome, clever, and rich.",
    "She was the youngest of the two daughters.",
    "It is a truth universally acknowledged!",
    "Unfamiliarwordz and caf\u00e9 R\u00c9SUM\u00c9 ###",
]

BERT_WORDS = """the of and to a in was her it i that not be as she he had you his with for is
but have at so my all which by on this they could would no been were very from or an him
one me much there more must what will said any than such mr mrs miss emma elizabeth anne
jane lady sir time think little good never only well should some am being how every great
know did can man house do now father truth single wife fortune possession want universally
acknowledged youngest two daughters woodhouse handsome clever rich dear day heard park let
last de cafe""".split()
BERT_PIECES = ["##s", "##ed", "##ing", "##ly", "##er", "##e", "##n", "##t", "##d", "##y", "##r", "##l",
               "##a", "##o", "##i", "##u", "##h", "##m", "##z", "##ness", "##ful", "##ion"]


def sha256(path):
    return hashlib.sha256(open(path, "rb").read()).hexdigest()


def randomise(model, seed, scale=0.15):
    """Overwrite every parameter with seeded random values (LayerNorm gains ~1+0.2N)."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in model.named_parameters():
            r = torch.randn(p.shape, generator=g)
            if "ln" in name.split(".")[-2] or "LayerNorm" in name:
                p.copy_(1.0 + 0.2 * r if name.endswith("weight") else 0.1 * r)
            elif name.endswith("bias"):
                p.copy_(0.1 * r)
            elif "wpe" in name or "position_embeddings" in name or "token_type" in name:
                p.copy_(0.3 * r)
            elif "wte" in name or "word_embeddings" in name:
                p.copy_(0.5 * r)
            else:
                p.copy_(scale * r)


# ---------------------------------------------------------------- tokenizers

def train_tiny_bpe(out_dir):
    from tokenizers import ByteLevelBPETokenizer

    text = open(os.path.join(ROOT, "corpora", "austen", "pride_and_prejudice.txt"), encoding="utf-8").read()[:60000]
    tmp = os.path.join(ROOT, "tools", ".cache", "tiny_bpe_train.txt")
    os.makedirs(os.path.dirname(tmp), exist_ok=True)
    open(tmp, "w", encoding="utf-8").write(text)
    tok = ByteLevelBPETokenizer(add_prefix_space=False)
    tok.train(files=[tmp], vocab_size=GPT2_VOCAB, min_frequency=2, special_tokens=[EOT], show_progress=False)
    assert tok.get_vocab_size() == GPT2_VOCAB
    os.makedirs(out_dir, exist_ok=True)
    tok.save_model(out_dir)
    tok.save(os.path.join(out_dir, "tokenizer.json"))
    return tok


def write_gpt2_tokenizer(src, dst):
    for f in ("vocab.json", "merges.txt", "tokenizer.json"):
        shutil.copy(os.path.join(src, f), dst)
    json.dump({"tokenizer_class": "GPT2Tokenizer", "add_prefix_space": False, "bos_token": EOT, "eos_token": EOT,
               "unk_token": EOT, "model_max_length": N_POS, "clean_up_tokenization_spaces": False},
              open(os.path.join(dst, "tokenizer_config.json"), "w"), indent=2)


def write_bert_vocab(path):
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    punct = list(".,;:!?'\"-()#")
    letters = [chr(c) for c in range(ord("a"), ord("z") + 1)]
    vocab = specials + punct + letters + [w for w in dict.fromkeys(BERT_WORDS) if w not in letters] + BERT_PIECES
    assert len(vocab) == len(set(vocab))
    open(path, "w", encoding="utf-8").write("\n".join(vocab) + "\n")
    return vocab


def write_bert_tokenizer(dst):
    from transformers import BertTokenizer

    write_bert_vocab(os.path.join(dst, "vocab.txt"))
    json.dump({"tokenizer_class": "BertTokenizer", "do_lower_case": True, "strip_accents": None,
               "tokenize_chinese_chars": True, "unk_token": "[UNK]", "sep_token": "[SEP]", "pad_token": "[PAD]",
               "cls_token": "[CLS]", "mask_token": "[MASK]", "model_max_length": N_POS},
              open(os.path.join(dst, "tokenizer_config.json"), "w"), indent=2)
    return BertTokenizer.from_pretrained(dst)


# ---------------------------------------------------------------- capture

def save(ref_dir, seq, hook, t):
    a = t.detach().to(torch.float32).cpu().numpy()
    assert a.ndim == 2, (hook, a.shape)
    np.save(os.path.join(ref_dir, f"{seq}__{hook}.npy"), np.ascontiguousarray(a, dtype="<f4"))


def block_output(out):
    return out[0] if isinstance(out, (tuple, list)) else out


def capture_gpt2(model, ids):
    """Run one unbatched sequence; return {hook name: [tokens, width] tensor}."""
    caps, hs = {}, []
    tr = model.transformer
    for l, blk in enumerate(tr.h):
        hs.append(blk.register_forward_pre_hook(
            lambda m, a, kw, l=l: caps.__setitem__(f"blocks.{l}.hook_resid_pre", (a[0] if a else kw["hidden_states"])[0]),
            with_kwargs=True))
        hs.append(blk.register_forward_hook(
            lambda m, a, o, l=l: caps.__setitem__(f"blocks.{l}.hook_resid_post", block_output(o)[0])))
        hs.append(blk.mlp.c_fc.register_forward_hook(
            lambda m, a, o, l=l: caps.__setitem__(f"blocks.{l}.mlp.hook_pre", o[0])))
        hs.append(blk.mlp.c_proj.register_forward_pre_hook(
            lambda m, a, l=l: caps.__setitem__(f"blocks.{l}.mlp.hook_post", a[0][0])))
    hs.append(tr.ln_f.register_forward_hook(lambda m, a, o: caps.__setitem__("ln_final.hook_normalized", o[0])))
    with torch.no_grad():
        out = model(input_ids=torch.tensor([ids]), output_hidden_states=True)
    for h in hs:
        h.remove()
    caps["logits"] = out.logits[0]
    # cross-check the hooks against output_hidden_states (HF applies ln_f to the last one)
    L = len(tr.h)
    for l in range(L):
        assert torch.equal(out.hidden_states[l][0], caps[f"blocks.{l}.hook_resid_pre"]), l
    assert torch.equal(out.hidden_states[L][0], caps["ln_final.hook_normalized"])
    act = tr.h[0].mlp.act
    assert torch.allclose(act(caps["blocks.0.mlp.hook_pre"]), caps["blocks.0.mlp.hook_post"])
    return caps


def capture_bert(model, ids, mask, types):
    """Run a padded batch; return list (per row) of {hook name: [padded tokens, width]} with
    TransformerLens's HookedEncoder names (tools/bert_hooks.py)."""
    import bert_hooks
    caps = {}
    hs = bert_hooks.register(model, caps)
    with torch.no_grad():
        out = model(input_ids=torch.tensor(ids), attention_mask=torch.tensor(mask),
                    token_type_ids=torch.tensor(types), output_hidden_states=True)
    for h in hs:
        h.remove()
    L = len(model.encoder.layer)
    bert_hooks.check(caps, out.hidden_states, L)
    for l in range(L):
        caps[f"blocks.{l}.hook_normalized_resid_post"] = caps[f"blocks.{l}.ln2.hook_normalized"]
    caps["last_hidden_state"] = out.last_hidden_state
    assert torch.equal(out.hidden_states[L], out.last_hidden_state)
    return [{k: v[i if v.shape[0] > 1 else 0] for k, v in caps.items()} for i in range(len(ids))]


def hook_names(L, gpt2):
    if not gpt2:
        import bert_hooks
        names = ["embed.hook_embed", "embed.hook_pos_embed", "embed.hook_token_type_embed", "hook_full_embed"]
        for l in range(L):
            names += bert_hooks.block_hooks(l) + [f"blocks.{l}.hook_normalized_resid_post"]
        return names + ["last_hidden_state"]
    names = []
    for l in range(L):
        names += [f"blocks.{l}.hook_resid_pre", f"blocks.{l}.mlp.hook_pre", f"blocks.{l}.mlp.hook_post",
                  f"blocks.{l}.hook_resid_post"]
    return names + (["ln_final.hook_normalized", "logits"] if gpt2 else ["last_hidden_state"])


# ---------------------------------------------------------------- builders

def strip_prefix(path, prefix):
    from safetensors.torch import load_file, save_file

    sd = load_file(path)
    save_file({k[len(prefix):] if k.startswith(prefix) else k: v.contiguous() for k, v in sd.items()}, path,
              metadata={"format": "pt"})


def build_gpt2(name, act, seed, tok_dir, dtype=torch.float32, n_inner=128, strip=False):
    from safetensors import safe_open
    from transformers import GPT2Config, GPT2LMHeadModel, GPT2Tokenizer

    d = os.path.join(OUT, name)
    ref = os.path.join(d, "reference")
    os.makedirs(ref, exist_ok=True)
    cfg = GPT2Config(vocab_size=GPT2_VOCAB, n_positions=N_POS, n_embd=32, n_layer=2, n_head=4, n_inner=n_inner,
                     activation_function=act, resid_pdrop=0.0, embd_pdrop=0.0, attn_pdrop=0.0,
                     layer_norm_epsilon=1e-5, bos_token_id=0, eos_token_id=0, tie_word_embeddings=True)
    torch.manual_seed(seed)
    model = GPT2LMHeadModel(cfg).eval()
    randomise(model, seed)
    model = model.to(dtype)
    model.save_pretrained(d, safe_serialization=True)
    if strip:
        strip_prefix(os.path.join(d, "model.safetensors"), "transformer.")
    write_gpt2_tokenizer(tok_dir, d)

    # reload from disk exactly as a user would, upcast to f32 for the reference
    model = GPT2LMHeadModel.from_pretrained(d, dtype=torch.float32).eval()
    tok = GPT2Tokenizer.from_pretrained(d)
    with safe_open(os.path.join(d, "model.safetensors"), "pt") as f:
        keys = sorted(f.keys())
        stored = {k: str(f.get_slice(k).get_dtype()) for k in keys}
    g = torch.Generator().manual_seed(seed + 7)
    seqs = [
        {"source": "text", "text": TEXTS_GPT2[0], "ids": tok(TEXTS_GPT2[0])["input_ids"]},
        {"source": "text", "text": TEXTS_GPT2[1][:40], "ids": tok(TEXTS_GPT2[1][:40])["input_ids"]},
        {"source": "random", "ids": torch.randint(0, GPT2_VOCAB, (N_POS,), generator=g).tolist()},
    ]
    for s in seqs:
        assert 0 < len(s["ids"]) <= N_POS
    for f in glob.glob(os.path.join(ref, "*.npy")):
        os.remove(f)
    for i, s in enumerate(seqs):
        for hook, t in capture_gpt2(model, s["ids"]).items():
            save(ref, i, hook, t)
    tok_cases = [{"text": t, "ids": tok(t)["input_ids"], "tokens": tok.convert_ids_to_tokens(tok(t)["input_ids"])}
                 for t in TEXTS_GPT2]
    for c in tok_cases:  # our own files must reproduce the tokenizers-library encoding
        from tokenizers import Tokenizer
        assert Tokenizer.from_file(os.path.join(d, "tokenizer.json")).encode(c["text"]).ids == c["ids"]
    info = {
        "model": name, "architecture": "GPT2LMHeadModel", "activation_function": act,
        "checkpoint_dtype": str(dtype).replace("torch.", ""),
        "reference_dtype": "float32",
        "reference_note": ("references computed in float32 from the stored weights upcast to float32"
                           if dtype != torch.float32 else "float32 checkpoint, float32 compute"),
        "safetensors_key_prefix": "" if strip else "transformer.",
        "safetensors_keys": {k: stored[k] for k in keys},
        "tied_embeddings": "lm_head.weight is not stored; logits = ln_final.hook_normalized @ wte.weight^T",
        "batching": "each sequence run alone (batch 1, no padding, positions 0..n-1)",
        "sequences": seqs,
        "hooks": hook_names(2, True),
        "file_pattern": "{seq}__{hook}.npy  (float32 little-endian, shape [tokens, width])",
        "widths": {"hook_resid_*": 32, "mlp.hook_pre/post": cfg.n_inner or 4 * 32, "ln_final.hook_normalized": 32,
                   "logits": GPT2_VOCAB},
        "tokenizer_cases": tok_cases,
        "init": f"transformers GPT2LMHeadModel(config) then tools/make_runtime_fixtures.py randomise(seed={seed})",
    }
    json.dump(info, open(os.path.join(ref, "inputs.json"), "w"), indent=1, ensure_ascii=False)
    return d


def build_bert(name, seed, dtype=torch.float32):
    from safetensors import safe_open
    from transformers import BertConfig, BertModel

    d = os.path.join(OUT, name)
    ref = os.path.join(d, "reference")
    os.makedirs(ref, exist_ok=True)
    tok = write_bert_tokenizer(d)
    cfg = BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=2, num_attention_heads=4,
                     intermediate_size=128, hidden_act="gelu", hidden_dropout_prob=0.0,
                     attention_probs_dropout_prob=0.0, max_position_embeddings=N_POS, type_vocab_size=2,
                     layer_norm_eps=1e-12, pad_token_id=0)
    torch.manual_seed(seed)
    model = BertModel(cfg).eval()
    randomise(model, seed)
    model = model.to(dtype)
    model.save_pretrained(d, safe_serialization=True)
    tok.save_pretrained(d)
    model = BertModel.from_pretrained(d, dtype=torch.float32).eval()
    with safe_open(os.path.join(d, "model.safetensors"), "pt") as f:
        keys = sorted(f.keys())
        stored = {k: str(f.get_slice(k).get_dtype()) for k in keys}

    # four rows: single sentence, sentence pair (token types 0/1), short (most padding), unknown words
    rows = [tok(TEXTS_BERT[0]), tok(TEXTS_BERT[1], TEXTS_BERT[2]), tok("Emma was clever."), tok(TEXTS_BERT[3])]
    width = max(len(r["input_ids"]) for r in rows)
    ids, mask, types = [], [], []
    for r in rows:
        n = len(r["input_ids"])
        ids.append(r["input_ids"] + [0] * (width - n))
        mask.append([1] * n + [0] * (width - n))
        types.append(r["token_type_ids"] + [0] * (width - n))
    for f in glob.glob(os.path.join(ref, "*.npy")):
        os.remove(f)
    per_row = capture_bert(model, ids, mask, types)
    # unpadded run of each row must agree on the valid tokens (mask handled right)
    for i, r in enumerate(rows):
        n = len(r["input_ids"])
        alone = capture_bert(model, [ids[i][:n]], [[1] * n], [types[i][:n]])[0]
        err = (alone["last_hidden_state"] - per_row[i]["last_hidden_state"][:n]).abs().max().item()
        assert err < 1e-4, err
    for i, caps in enumerate(per_row):
        for hook, t in caps.items():
            save(ref, i, hook, t)
    texts = [TEXTS_BERT[0], [TEXTS_BERT[1], TEXTS_BERT[2]], "Emma was clever.", TEXTS_BERT[3]]
    info = {
        "model": name, "architecture": "BertModel", "hidden_act": "gelu (exact erf)", "layer_norm_eps": 1e-12,
        "post_layer_norm": True,
        "checkpoint_dtype": str(dtype).replace("torch.", ""),
        "reference_dtype": "float32",
        "reference_note": ("references computed in float32 from the stored weights upcast to float32"
                           if dtype != torch.float32 else "float32 checkpoint, float32 compute"),
        "safetensors_key_prefix": "",
        "safetensors_keys": {k: stored[k] for k in keys},
        "batching": ("all sequences run as ONE padded batch; rows are padded at the end with [PAD]=0, "
                     "attention_mask 0, token_type 0. Each .npy has shape [padded_length, width]; rows where "
                     "attention_mask is 0 are padding (HF values, deterministic but meaningless: tests may "
                     "compare only the first valid_length rows, which equal an unpadded run within 1e-4)"),
        "padded_length": width,
        "sequences": [{"text": texts[i], "ids": ids[i], "attention_mask": mask[i], "token_type_ids": types[i],
                       "valid_length": sum(mask[i]),
                       "tokens": tok.convert_ids_to_tokens(ids[i][:sum(mask[i])])} for i in range(len(rows))],
        "hooks": hook_names(2, False),
        "hook_meaning": "TransformerLens HookedEncoder names, captured from transformers' submodules: see tools/bert_hooks.py; "
                        "last_hidden_state == blocks.{L-1}.ln2.hook_normalized",
        "file_pattern": "{seq}__{hook}.npy  (float32 little-endian, shape [padded_length, width])",
        "widths": {"hook_resid_*": 32, "mlp.hook_pre/post": 128, "last_hidden_state": 32},
        "tokenizer": "BertTokenizer (WordPiece, do_lower_case, strip accents via lowercasing, [CLS] ... [SEP] [SEP])",
        "tokenizer_cases": [{"text": t, "ids": tok(t)["input_ids"], "tokens": tok.convert_ids_to_tokens(tok(t)["input_ids"])}
                            for t in TEXTS_BERT + ["", "Hello, World!"]],
        "init": f"transformers BertModel(config) then tools/make_runtime_fixtures.py randomise(seed={seed})",
    }
    json.dump(info, open(os.path.join(ref, "inputs.json"), "w"), indent=1, ensure_ascii=False)
    return d


def main():
    torch.set_num_threads(1)
    if sys.argv[1:] == ["bert"]:
        # Only the BERT fixtures (their hooks changed), leaving the GPT-2 ones as they are.
        for d in [build_bert("bert", 201), build_bert("bert-bf16", 202, dtype=torch.bfloat16)]:
            print(os.path.relpath(d, ROOT))
        return 0
    tok_dir = os.path.join(ROOT, "tools", ".cache", "tiny-bpe-384")
    train_tiny_bpe(tok_dir)
    if os.path.isdir(OUT):
        shutil.rmtree(OUT)
    dirs = [
        build_gpt2("gpt2-relu", "relu", 101, tok_dir),
        build_gpt2("gpt2-relu-f16", "relu", 102, tok_dir, dtype=torch.float16),
        build_gpt2("gpt2-gelu-new", "gelu_new", 103, tok_dir),
        build_gpt2("gpt2-gelu", "gelu", 104, tok_dir, n_inner=None, strip=True),
        build_bert("bert", 201),
        build_bert("bert-bf16", 202, dtype=torch.bfloat16),
    ]
    total = 0
    for d in dirs:
        size = sum(os.path.getsize(f) for f in glob.glob(os.path.join(d, "**", "*"), recursive=True) if os.path.isfile(f))
        total += size
        print(f"{os.path.relpath(d, ROOT):40s} {size:8d} bytes")
    print(f"total {total} bytes")


if __name__ == "__main__":
    sys.exit(main())
