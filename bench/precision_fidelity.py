#!/usr/bin/env python3
"""What bf16 costs in fidelity: polytope bits and pre-activations of a bf16 pass against fp32.

    python3 bench/precision_fidelity.py [--model MODEL.pb] [--layer 3] [--passages 40] [--chars 1500]

Cuts --passages passages of --chars characters, evenly spaced, out of corpora/austen (all six
novels in turn), runs `polytope run --hook blocks.L.mlp.hook_pre` on each in fp32 and in bf16,
and prints: the share of polytope bits (pre-activation > 0, every unit of every token) on
which the two agree, and the max / mean absolute error of the pre-activations. Default model:
all-MiniLM-L6-v2 imported from scripts/fetch-minilm.sh. Needs numpy.
"""
import argparse, glob, os, subprocess, sys, tempfile
import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def minilm_model(exe, folder):
    """all-MiniLM-L6-v2 from scripts/fetch-minilm.sh, imported into FOLDER/minilm.pb."""
    ckpt = subprocess.check_output([os.path.join(ROOT, "scripts/fetch-minilm.sh")], text=True).strip()
    model = os.path.join(folder, "minilm.pb")
    subprocess.check_call([exe, "import", ckpt, "-o", model, "--external-weights"], stdout=subprocess.DEVNULL)
    return model


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model")
    ap.add_argument("--layer", type=int, default=3)
    ap.add_argument("--passages", type=int, default=40)
    ap.add_argument("--chars", type=int, default=1500)
    ap.add_argument("--exe", default=os.path.join(ROOT, ".build/release/polytope"))
    a = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="fidelity-")
    model = a.model or minilm_model(a.exe, tmp)
    text = "".join(open(p, encoding="utf-8").read() for p in sorted(glob.glob(os.path.join(ROOT, "corpora/austen/*.txt"))))
    hook = "blocks.%d.mlp.hook_pre" % a.layer
    agree = total = 0
    max_err, err_sum, n = 0.0, 0.0, 0
    for i in range(a.passages):
        start = (len(text) - a.chars) * i // max(1, a.passages - 1)
        passage = text[start:start + a.chars]
        outs = {}
        for prec in ("fp32", "bf16"):
            d = os.path.join(tmp, "%d-%s" % (i, prec))
            subprocess.check_call([a.exe, "run", "--model", model, "--text", passage, "--hook", hook, "--precision", prec,
                                   "--out", d], stdout=subprocess.DEVNULL)
            outs[prec] = np.load(os.path.join(d, hook + ".npy"))
        f, b = outs["fp32"], outs["bf16"]
        agree += int(((f > 0) == (b > 0)).sum())
        total += f.size
        e = np.abs(f - b)
        max_err = max(max_err, float(e.max()))
        err_sum += float(e.sum())
        n += e.size
    print("model %s, %s, %d passages of %d chars: %d tokens x %d units" % (os.path.basename(model), hook, a.passages, a.chars,
                                                                           total // f.shape[1], f.shape[1]))
    print("bits agreeing with fp32: %d / %d = %.4f%%" % (agree, total, 100.0 * agree / total))
    print("|bf16 - fp32| at %s: max %.4g, mean %.4g" % (hook, max_err, err_sum / n))


if __name__ == "__main__":
    sys.exit(main())
