#!/usr/bin/env python3
"""Text -> ids reference cases for the Swift tokenizers, from the HF tokenizers.

Writes
  Tests/Fixtures/tokenizers/austen-bpe-4096/{vocab.json, merges.txt, cases.json}
      the default models' byte-level BPE (made by tools/train_default_models.py in
      tools/.cache/tokenizer-austen-4096/), cases encoded with transformers'
      GPT2Tokenizer (add_prefix_space=False, no special tokens added)
  Tests/Fixtures/minilm/tokenizer_cases.json
      the same texts through all-MiniLM-L6-v2's BertTokenizer (WordPiece, uncased,
      [CLS] ... [SEP], no truncation); vocab.txt is not committed: it is in the
      checkpoint that scripts/fetch-minilm.sh prints.

cases.json: {"tokenizer", "add_special_tokens", "cases": [{"text", "ids", "tokens"}]}.
Texts: hand-written edge cases (whitespace runs, \\r\\n, tabs, contractions,
digits, accents, CJK, emoji, control characters, a literal "<|endoftext|>") and 80
corpus paragraphs (seeded sample, cut to at most 400 characters).

Usage: python3 tools/make_tokenizer_fixtures.py   (needs transformers, tokenizers; ~5 s)
"""
import glob
import json
import os
import random
import shutil
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BPE_SRC = os.path.join(ROOT, "tools", ".cache", "tokenizer-austen-4096")
BPE_OUT = os.path.join(ROOT, "Tests", "Fixtures", "tokenizers", "austen-bpe-4096")
MINILM_OUT = os.path.join(ROOT, "Tests", "Fixtures", "minilm", "tokenizer_cases.json")

EDGE = [
    "",
    " ",
    "   ",
    "Hello world",
    " Hello world",
    "Hello  world   spaced",
    "trailing space ",
    "trailing spaces and newline  \n",
    "line one\nline two\n\nparagraph",
    "windows\r\nline end",
    "tab\tseparated\tvalues",
    "I'm sure she's gone, they're here, we've seen, you'll go, he'd say, don't, can't, won't.",
    "SHE'S AND HE'LL AND I'M (upper-case contractions)",
    "Numbers: 1, 12, 123, 1234, 12345, 3.14159, 1,000,000 and 2nd.",
    "Punctuation!!! ... ?!? --- \"quoted\" 'single' (parens) [brackets] {braces}",
    "Mr. Darcy's £10,000 a-year; Mrs. Bennet's nerves.",
    "caf\u00e9 na\u00efve r\u00e9sum\u00e9 \u00c9MILE Stra\u00dfe \u00e5ngstr\u00f6m",
    "e\u0301 (combining acute) vs \u00e9 (precomposed)",
    "\u4e2d\u6587\u5b57\u7b26 \u65e5\u672c\u8a9e\u306e\u30c6\u30ad\u30b9\u30c8 \ud55c\uad6d\uc5b4",
    "emoji \U0001F600\U0001F44D\U0001F3FD family \U0001F468\u200D\U0001F469\u200D\U0001F467",
    "control\u0000char and \u0007bell and \u00adsoft hyphen",
    "non\u00a0breaking\u2003em-space\u3000ideographic",
    "end of text <|endoftext|> in the middle",
    "under_score and _italic_ and --dash-- and #hash @at",
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    "Supercalifragilisticexpialidocious antidisestablishmentarianism",
]


def corpus_sample(n=80, max_chars=400, seed=7):
    paras = []
    for f in sorted(glob.glob(os.path.join(ROOT, "corpora", "austen", "*.txt"))):
        paras += [p for p in open(f, encoding="utf-8").read().split("\n\n") if p.strip()]
    rng = random.Random(seed)
    return [p[:max_chars] for p in rng.sample(paras, n)]


def main():
    from transformers import BertTokenizer, GPT2Tokenizer

    texts = EDGE + corpus_sample()
    if not os.path.isdir(BPE_SRC):
        sys.exit(f"error: {BPE_SRC} missing: run tools/train_default_models.py first")
    os.makedirs(BPE_OUT, exist_ok=True)
    for f in ("vocab.json", "merges.txt"):
        shutil.copy(os.path.join(BPE_SRC, f), BPE_OUT)
    json.dump({"tokenizer_class": "GPT2Tokenizer", "add_prefix_space": False, "bos_token": "<|endoftext|>",
               "eos_token": "<|endoftext|>", "unk_token": "<|endoftext|>"},
              open(os.path.join(BPE_OUT, "tokenizer_config.json"), "w"), indent=2)
    bpe = GPT2Tokenizer.from_pretrained(BPE_OUT)
    cases = []
    for t in texts:
        ids = bpe(t, add_special_tokens=False)["input_ids"]
        assert bpe.decode(ids) == t, t  # byte-level BPE is lossless
        cases.append({"text": t, "ids": ids, "tokens": bpe.convert_ids_to_tokens(ids)})
    json.dump({"tokenizer": "byte-level BPE, vocab 4096, add_prefix_space false, <|endoftext|> = 0 "
                            "(transformers GPT2Tokenizer; a literal '<|endoftext|>' in text encodes to id 0)",
               "add_special_tokens": False, "cases": cases},
              open(os.path.join(BPE_OUT, "cases.json"), "w"), indent=1, ensure_ascii=False)
    os.remove(os.path.join(BPE_OUT, "tokenizer_config.json"))

    ckpt = subprocess.run([os.path.join(ROOT, "scripts", "fetch-minilm.sh")], check=True,
                          capture_output=True, text=True).stdout.strip()
    wp = BertTokenizer.from_pretrained(ckpt)
    wcases = []
    for t in texts:
        ids = wp(t, truncation=False)["input_ids"]
        wcases.append({"text": t, "ids": ids, "tokens": wp.convert_ids_to_tokens(ids)})
    json.dump({"tokenizer": "all-MiniLM-L6-v2 BertTokenizer (WordPiece, vocab.txt of the fetched checkpoint, "
                            "do_lower_case, accents stripped, CJK split, [CLS] ... [SEP], no truncation)",
               "add_special_tokens": True, "cases": wcases},
              open(MINILM_OUT, "w"), indent=1, ensure_ascii=False)
    print(f"{len(cases)} cases -> {BPE_OUT}/cases.json; {len(wcases)} -> {MINILM_OUT}")


if __name__ == "__main__":
    main()
