#!/usr/bin/env python3
"""End-to-end probe throughput and peak memory, for the default model and for MiniLM.

    python3 bench/probe_bench.py [--skip-minilm]

Runs the release `polytope probe` (under /usr/bin/time -v for the peak resident set) on
  - the default model (models/gpt2-relu.pb) over the whole embedded corpus (4.0 MB), and
  - all-MiniLM-L6-v2 (fetched by scripts/fetch-minilm.sh, imported with --external-weights)
    over two novels (pride_and_prejudice.txt + persuasion.txt, 1.15 MB),
and prints tokens seen per second of collection, total seconds and peak RSS for each, from
each run's summary.json. No peer: this is the pipeline's own speed.
"""
import argparse, json, os, re, subprocess, sys, tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def probe(exe, args, out):
    cmd = ["/usr/bin/time", "-v", exe, "probe", "--quiet", "--restart", "--out", out] + args
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"probe failed: {' '.join(cmd)}\n{r.stderr}")
    peak_kb = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", r.stderr).group(1))
    s = json.load(open(os.path.join(out, "summary.json")))
    return {
        "model": s["model"], "layers": s["layers"], "tokens_seen": s["tokens_seen"], "tokens_recorded": s["tokens_recorded"],
        "collection_seconds": round(s["collection_seconds"], 1), "analysis_seconds": round(s["analysis_seconds"], 1),
        "total_seconds": round(s["total_seconds"], 1),
        "tokens_per_second": round(s["tokens_seen"] / s["collection_seconds"]),
        "peak_rss_mib": round(peak_kb / 1024),
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--skip-minilm", action="store_true")
    a = ap.parse_args()
    if not os.path.exists("/usr/bin/time"):
        sys.exit("needs /usr/bin/time (apt-get install time)")
    subprocess.check_call(["swift", "build", "-c", "release", "--product", "polytope"], cwd=ROOT, stdout=subprocess.DEVNULL)
    exe = os.path.join(ROOT, ".build/release/polytope")
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        results.append(probe(exe, ["--model", os.path.join(ROOT, "models/gpt2-relu.pb"),
                                   "--corpus", os.path.join(ROOT, "corpora")], os.path.join(tmp, "default")))
        if not a.skip_minilm:
            ckpt = subprocess.check_output([os.path.join(ROOT, "scripts/fetch-minilm.sh")], text=True).strip()
            pb = os.path.join(tmp, "minilm.pb")
            subprocess.check_call([exe, "import", ckpt, "-o", pb, "--external-weights"], stdout=subprocess.DEVNULL)
            novels = [os.path.join(ROOT, "corpora/austen", f) for f in ("pride_and_prejudice.txt", "persuasion.txt")]
            results.append(probe(exe, ["--model", pb, "--corpus", *novels, "--layer", "3"], os.path.join(tmp, "minilm")))
    print(json.dumps(results, indent=1))


if __name__ == "__main__":
    sys.exit(main())
