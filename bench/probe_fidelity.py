#!/usr/bin/env python3
"""What --precision bf16 costs the probe: its codes against the fp32 run's, bit by bit.

    python3 bench/probe_fidelity.py [--model MODEL.pb] [--layer 3] [--max-windows N] [--threads 2]

Runs `polytope probe --tokens all --shard 0/1` (every token of every window, collection only,
no clustering) over the embedded corpus (corpora/) with --precision fp32 and each of
--precisions (default bf16 and bf16-mixed), reads the code files (docs/code-format.md) and
prints, against fp32, the share of polytope bits that agree, the share of tokens whose whole
code agrees, and the collection throughput of each run (from probe-state.json). Default model: all-MiniLM-L6-v2 from scripts/fetch-minilm.sh. Needs numpy.
"""
import argparse, json, os, struct, subprocess, sys, tempfile
import numpy as np

from precision_fidelity import minilm_model

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def read_codes(path):
    """The committed rows of a .plcodes file as a uint8 [rows, ceil(bits/8)] array, and bits."""
    with open(path, "rb") as f:
        head = f.read(64)
        assert head[:8] == b"PLCODES\0", path
        header, = struct.unpack_from("<I", head, 12)
        bits, stride, rows = struct.unpack_from("<QQQ", head, 16)
        f.seek(header)
        data = np.frombuffer(f.read(rows * stride), dtype=np.uint8).reshape(rows, stride)
    return data[:, :(bits + 7) // 8], bits


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model")
    ap.add_argument("--layer", type=int, default=3)
    ap.add_argument("--max-windows", type=int)
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--corpus", default=os.path.join(ROOT, "corpora"))
    ap.add_argument("--exe", default=os.path.join(ROOT, ".build/release/polytope"))
    ap.add_argument("--precisions", default="bf16,bf16-mixed", help="compared with fp32, comma-separated")
    a = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="probe-fidelity-") as tmp:  # ~200 MB of codes per run
        compare(a, tmp, a.model or minilm_model(a.exe, tmp))


def compare(a, tmp, model):
    codes, rates = {}, {}
    others = a.precisions.split(",")
    for prec in ["fp32"] + others:
        out = os.path.join(tmp, prec)
        cmd = [a.exe, "probe", "--model", model, "--corpus", a.corpus, "--layer", str(a.layer), "--tokens", "all",
               "--shard", "0/1", "--precision", prec, "--threads", str(a.threads), "--quiet", "--out", out]
        if a.max_windows:
            cmd += ["--max-windows", str(a.max_windows)]
        subprocess.check_call(cmd, stdout=subprocess.DEVNULL)
        codes[prec], bits = read_codes(os.path.join(out, "codes-layer%d.plcodes" % a.layer))
        state = json.load(open(os.path.join(out, "probe-state.json")))
        rates[prec] = state["tokens_seen"] / max(1e-9, state["seconds_collecting"])
    f = codes["fp32"]
    fb = np.unpackbits(f, axis=1)[:, :bits]
    print("model %s, layer %d, corpus %s: %d tokens x %d bits; %d threads"
          % (os.path.basename(model), a.layer, a.corpus, fb.shape[0], bits, a.threads))
    print("fp32: collection %.0f tokens/s" % rates["fp32"])
    for prec in others:
        b = codes[prec]
        assert f.shape == b.shape, (f.shape, b.shape)
        bb = np.unpackbits(b, axis=1)[:, :bits]
        agree = int((fb == bb).sum())
        print("%s: bits agreeing with fp32 %d / %d = %.4f%%; tokens with the whole code equal %.2f%%; collection %.0f tokens/s (%.2fx fp32)"
              % (prec, agree, fb.size, 100.0 * agree / fb.size, 100.0 * float((fb == bb).all(axis=1).mean()),
                 rates[prec], rates[prec] / rates["fp32"]))

if __name__ == "__main__":
    sys.exit(main())
