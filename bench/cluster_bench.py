#!/usr/bin/env python3
"""Hamming distances and k-medoids: PolytopeLens next to FAISS and the `kmedoids` package.

On the same 10,000 codes of 1,536 bits (clustered synthetic codes, seeded):
  * all-pairs Hamming distances in `polytope bench hamming` (UInt16 N x N matrix)
    next to FAISS IndexBinaryFlat: a 64-NN search of all codes against all codes;
  * `polytope bench cluster` (matrix + FasterPAM, init BUILD) for k = 20 and 50 next to
    kmedoids.fasterpam on the same distance matrix (init "build", and the package's default
    "random"), with the losses reached.
Then one large run: 1,000,000 synthetic codes of 3,072 bits clustered (k = 50) within the
default 4 GiB budget (CLARA mode), timed with /usr/bin/time -v for the peak memory.

Build first:  swift build -c release --scratch-path .build-codes-rel --product polytope
Usage:        python3 bench/cluster_bench.py [--threads 2] [--skip-large]
Needs:        pip install numpy faiss-cpu kmedoids
"""
import argparse
import json
import os
import re
import subprocess
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


def tool(*args):
    out = subprocess.run([TOOL, *args], check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--bits", type=int, default=1536)
    ap.add_argument("--skip-large", action="store_true")
    a = ap.parse_args()
    os.makedirs(CACHE, exist_ok=True)
    path = os.path.join(CACHE, f"codes_{a.n}x{a.bits}.npy")
    codes = synthetic_codes(a.n, a.bits)
    np.save(path, codes)
    report = {"n": a.n, "bits": a.bits, "threads": a.threads}

    # --- all-pairs Hamming ---
    ours = tool("bench", "hamming", "--codes", path, "--threads", str(a.threads), "--all-kernels")
    report["kernel"] = ours["kernel"]
    report["ours_all_pairs_s"] = {r["kernel"]: r["seconds"] for r in ours["results"]}
    import faiss
    faiss.omp_set_num_threads(a.threads)
    index = faiss.IndexBinaryFlat(a.bits)
    index.add(codes)
    best = float("inf")
    for _ in range(3):
        t0 = time.perf_counter()
        index.search(codes, 64)
        best = min(best, time.perf_counter() - t0)
    report["faiss_knn64_s"] = best

    # --- k-medoids ---
    import kmedoids
    b = np.unpackbits(codes, axis=1).astype(np.float32)
    ones = b.sum(axis=1)
    diss = (ones[:, None] + ones[None, :] - 2 * (b @ b.T)).round().astype(np.int32)
    del b
    ours = tool("bench", "cluster", "--codes", path, "--threads", str(a.threads), "--k", "20", "--k", "50")
    report["ours_matrix_s"] = ours["matrix_seconds"]
    report["kmedoids"] = []
    for r in ours["results"]:
        k = r["k"]
        row = {"k": k, "ours_fasterpam_s": r["seconds"], "ours_total_s": r["total_seconds"], "ours_loss": r["loss"],
               "ours_iterations": r["iterations"], "ours_swaps": r["swaps"]}
        for init in ["build", "random"]:
            t0 = time.perf_counter()
            res = kmedoids.fasterpam(diss, k, init=init, random_state=0, n_cpu=a.threads)
            row[f"kmedoids_{init}_s"] = time.perf_counter() - t0
            row[f"kmedoids_{init}_loss"] = int(res.loss)
        row["ratio_kmedoids_build_over_ours_total"] = row["kmedoids_build_s"] / row["ours_total_s"]
        row["ratio_kmedoids_random_over_ours_total"] = row["kmedoids_random_s"] / row["ours_total_s"]
        report["kmedoids"].append(row)
    report["ratio_faiss_over_ours_all_pairs"] = report["faiss_knn64_s"] / report["ours_all_pairs_s"][report["kernel"]]

    # --- 1M x 3072 within the default budget ---
    if not a.skip_large:
        p = subprocess.run(["/usr/bin/time", "-v", TOOL, "bench", "cluster", "--n", "1000000", "--bits", "3072",
                            "--k", "50", "--threads", str(a.threads)], check=True, capture_output=True, text=True)
        large = json.loads(p.stdout)
        m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", p.stderr)
        w = re.search(r"Elapsed \(wall clock\) time.*: (.+)", p.stderr)
        large["time_v_max_rss_bytes"] = int(m.group(1)) * 1024 if m else None
        large["time_v_wall"] = w.group(1).strip() if w else None
        report["large"] = large

    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
