"""polytopelens.kmedoids on packed codes vs NumPy Hamming + the kmedoids package's FasterPAM.

One command runs every case in its own subprocess (so peak memory is per case) and prints a
Markdown table plus JSON lines:

    python bench/python_bench.py [--sizes 10000,40000,100000] [--k 50] [--bits 512] [--threads 2]

Data: N synthetic 512-bit codes, 200 random centres with 10% of the bits flipped per code
(seeded). Reference: the full N x N Hamming matrix in int32 computed with NumPy
(unpacked bits times their transpose through NumPy's BLAS, in row blocks), then kmedoids.fasterpam (init
"random", its default). polytopelens: pl.kmedoids(codes, k, init="lab", memory="4G") which
takes the full uint16 matrix while 2 N^2 bytes fit in 4 GiB and runs matrix-free above.
The reference runs only where its 4 N^2-byte matrix fits in half of the free memory.
Peak memory: the subprocess's maximum resident set (ru_maxrss).
"""
import argparse
import json
import os
import resource
import subprocess
import sys
import time


def make_codes(n, bits, seed=0, centers=200, flip=0.10):
    import numpy as np
    rng = np.random.default_rng(seed)
    c = rng.random((centers, bits)) < 0.5
    x = c[rng.integers(0, centers, n)] ^ (rng.random((n, bits)) < flip)
    return np.packbits(x, axis=1)


def numpy_hamming(codes):
    """Full N x N Hamming matrix (int32) with NumPy only: unpacked bits as float32 and one BLAS
    product per row block, |a| + |b| - 2 a.b (exact: sums stay far below 2^24)."""
    import numpy as np
    bits = np.unpackbits(codes, axis=1).astype(np.float32)
    ones = bits.sum(axis=1)
    n = len(bits)
    out = np.empty((n, n), dtype=np.int32)
    block = max(1, (256 << 20) // (n * 4))
    for i in range(0, n, block):
        g = bits[i:i + block] @ bits.T
        out[i:i + block] = np.rint(ones[i:i + block, None] + ones[None, :] - 2 * g)
    return out


def run_case(which, n, k, bits, threads):
    import numpy as np
    codes = make_codes(n, bits)
    rss_inputs = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    t0 = time.perf_counter()
    if which == "polytopelens":
        import polytopelens as pl
        r = pl.kmedoids(codes, k, init="lab", memory="4G", threads=threads, seed=0)
        res = {"loss": int(r.loss), "mode": r.mode, "iterations": int(r.iterations), "kernel": pl.hamming_kernel()}
        t_dist = None
    else:
        import kmedoids
        d = numpy_hamming(codes)
        t_dist = time.perf_counter() - t0
        r = kmedoids.fasterpam(d, k, init="random", random_state=0, n_cpu=threads)
        res = {"loss": int(r.loss), "mode": "numpy matrix", "iterations": int(r.n_iter), "version": getattr(kmedoids, "__version__", "?")}
    total = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    return {"method": which, "n": n, "k": k, "bits": bits, "seconds": total, "distance_seconds": t_dist,
            "peak_bytes": peak, "input_bytes": rss_inputs, **res}


def free_bytes():
    with open("/proc/meminfo") as f:
        info = {l.split(":")[0]: int(l.split()[1]) * 1024 for l in f}
    return info["MemAvailable"]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="10000,40000,100000")
    ap.add_argument("--k", type=int, default=50)
    ap.add_argument("--bits", type=int, default=512)
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--case", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.case:
        which, n = a.case.split(":")
        print(json.dumps(run_case(which, int(n), a.k, a.bits, a.threads)))
        return
    rows = []
    for n in [int(s) for s in a.sizes.split(",")]:
        for which in ("polytopelens", "numpy+kmedoids"):
            if which != "polytopelens" and 4 * n * n > free_bytes() / 2:
                rows.append({"method": which, "n": n, "skipped": f"needs a {4 * n * n / 2**30:.1f} GiB matrix"})
                print(json.dumps(rows[-1]), flush=True)
                continue
            out = subprocess.run([sys.executable, __file__, "--case", f"{which}:{n}", "--k", str(a.k), "--bits", str(a.bits),
                                  "--threads", str(a.threads)], capture_output=True, text=True)
            if out.returncode != 0:
                rows.append({"method": which, "n": n, "skipped": "failed: " + out.stderr.strip().splitlines()[-1]})
            else:
                rows.append(json.loads(out.stdout.strip().splitlines()[-1]))
            print(json.dumps(rows[-1]), flush=True)
    print(f"\n| N | method | mode | time (s) | of which distances (s) | peak memory | loss | × polytopelens time |")
    print("|---:|---|---|---:|---:|---:|---:|---:|")
    ours = {r["n"]: r for r in rows if r["method"] == "polytopelens" and "seconds" in r}
    for r in rows:
        if "skipped" in r:
            print(f"| {r['n']:,} | {r['method']} | | {r['skipped']} | | | | |")
            continue
        ratio = r["seconds"] / ours[r["n"]]["seconds"] if r["n"] in ours else float("nan")
        dist = f"{r['distance_seconds']:.1f}" if r["distance_seconds"] is not None else "(inside)"
        print(f"| {r['n']:,} | {r['method']} | {r['mode']} | {r['seconds']:.1f} | {dist} | {r['peak_bytes'] / 2**30:.2f} GiB "
              f"| {r['loss']:,} | {ratio:.1f} |")


if __name__ == "__main__":
    main()
