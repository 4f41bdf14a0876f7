#!/usr/bin/env python3
"""HDBSCAN: PolytopeLens next to scikit-learn's HDBSCAN(metric="precomputed"), same codes.

For each N (default 8,000 and 20,000): synthetic clustered codes of 1,536 bits (64 random
centres, each bit flipped with probability 0.15, NumPy seed 0, saved as packed .npy);
  * ours: `polytope bench cluster --method hdbscan --codes ...` (exact, no N x N matrix),
    under /usr/bin/time -v for the peak memory;
  * scikit-learn: the float64 Hamming matrix (computed by NumPy in the same child process, timed
    apart) then HDBSCAN(metric="precomputed", copy=False).fit, in a child process under
    /usr/bin/time -v (peak memory includes the matrix it needs);
  * agreement: adjusted Rand index between the two labelings (ties in integer distances can
    move a split, see docs/clustering.md).
Then, unless --skip-large: exact HDBSCAN on 100,000 x 1,536 (ours only: scikit-learn's matrix
would be 80 GB), the sample approximation against exact at 100,000 (--compare-exact), and
1,000,000 x 1,536 through the approximation.

Build first:  swift build -c release --scratch-path .build-codes-rel --product polytope
Usage:        python3 bench/hdbscan_bench.py [--threads 2] [--n 8000 --n 20000] [--skip-large]
Needs:        numpy, scikit-learn
"""
import argparse
import json
import os
import re
import subprocess
import sys
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TOOL = os.path.join(ROOT, ".build-codes-rel", "release", "polytope")
CACHE = os.path.join(ROOT, "tools", ".cache", "bench")


def synthetic_codes(n, bits, seed=0, clusters=64, flip=0.15):
    rng = np.random.default_rng(seed)
    centres = rng.integers(0, 2, size=(clusters, bits), dtype=np.uint8).astype(bool)
    which = rng.integers(0, clusters, size=n)
    flips = rng.random((n, bits)) < flip
    return np.packbits(centres[which] ^ flips, axis=1)


def timed(cmd, env=None):
    p = subprocess.run(["/usr/bin/time", "-v", *cmd], capture_output=True, text=True, env=env)
    if p.returncode != 0:
        raise RuntimeError(f"{cmd[:3]} failed: {p.stderr[-2000:]}")
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", p.stderr)
    return p.stdout, int(m.group(1)) * 1024 if m else None


def sklearn_child(path, mcs, ms, out):
    """Runs in a child process: matrix + HDBSCAN, prints timings, saves labels."""
    from sklearn.cluster import HDBSCAN
    codes = np.load(path)
    t0 = time.perf_counter()
    b = np.unpackbits(codes, axis=1).astype(np.float32)
    ones = b.sum(axis=1)
    d = ones[:, None] + ones[None, :] - 2.0 * (b @ b.T)
    del b
    d = np.rint(d).astype(np.float64)
    t1 = time.perf_counter()
    labels = HDBSCAN(min_cluster_size=mcs, min_samples=ms, metric="precomputed", copy=False).fit(d).labels_
    t2 = time.perf_counter()
    np.save(out, labels)
    print(json.dumps({"matrix_s": t1 - t0, "fit_s": t2 - t1}))


def ours(args, threads):
    out, rss = timed([TOOL, "bench", "cluster", "--method", "hdbscan", "--threads", str(threads), *args])
    r = json.loads(out)
    r["time_v_max_rss_bytes"] = rss
    return r


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--n", type=int, action="append")
    ap.add_argument("--bits", type=int, default=1536)
    ap.add_argument("--min-cluster-size", type=int, default=20)
    ap.add_argument("--min-samples", type=int, default=10)
    ap.add_argument("--skip-large", action="store_true")
    ap.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.child:
        sklearn_child(a.child[0], int(a.child[1]), int(a.child[2]), a.child[3])
        return
    from sklearn.metrics import adjusted_rand_score
    import sklearn
    os.makedirs(CACHE, exist_ok=True)
    report = {"threads": a.threads, "bits": a.bits, "min_cluster_size": a.min_cluster_size,
              "min_samples": a.min_samples, "sklearn_version": sklearn.__version__, "runs": []}
    params = ["--min-cluster-size", str(a.min_cluster_size), "--min-samples", str(a.min_samples)]
    env = dict(os.environ, OMP_NUM_THREADS=str(a.threads), OPENBLAS_NUM_THREADS=str(a.threads))
    for n in a.n or [8000, 20000]:
        path = os.path.join(CACHE, f"hdbscan_codes_{n}x{a.bits}.npy")
        np.save(path, synthetic_codes(n, a.bits))
        row = {"n": n}
        r = ours(["--codes", path, "--labels-out", path + ".ours.npy", *params], a.threads)
        row.update({"ours_s": r["seconds"], "ours_timings": r["timings"], "ours_peak_rss": r["time_v_max_rss_bytes"],
                    "ours_clusters": r["clusters"], "ours_noise": r["noise"]})
        lab_path = path + ".sklearn.npy"
        out, rss = timed([sys.executable, os.path.abspath(__file__), "--child", path, str(a.min_cluster_size),
                          str(a.min_samples), lab_path], env=env)
        sk = json.loads(out.strip().splitlines()[-1])
        theirs, mine = np.load(lab_path), np.load(path + ".ours.npy")
        row.update({"sklearn_matrix_s": sk["matrix_s"], "sklearn_fit_s": sk["fit_s"], "sklearn_peak_rss": rss,
                    "sklearn_clusters": int(theirs.max() + 1), "sklearn_noise": int((theirs < 0).sum()),
                    "ari": adjusted_rand_score(theirs, mine),
                    "ratio_sklearn_fit_over_ours": sk["fit_s"] / r["seconds"],
                    "ratio_sklearn_total_over_ours": (sk["fit_s"] + sk["matrix_s"]) / r["seconds"],
                    "ratio_sklearn_rss_over_ours": rss / r["time_v_max_rss_bytes"]})
        report["runs"].append(row)
        print(json.dumps(row), file=sys.stderr, flush=True)
    if not a.skip_large:
        report["exact_100k"] = ours(["--n", "100000", "--bits", str(a.bits), *params], a.threads)
        print(json.dumps(report["exact_100k"]), file=sys.stderr, flush=True)
        report["approx_100k_vs_exact"] = ours(["--n", "100000", "--bits", str(a.bits), "--hdbscan-sample", "20000",
                                                "--compare-exact", *params], a.threads)
        print(json.dumps(report["approx_100k_vs_exact"]), file=sys.stderr, flush=True)
        report["approx_1m"] = ours(["--n", "1000000", "--bits", str(a.bits), "--hdbscan-sample", "50000", *params], a.threads)
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
