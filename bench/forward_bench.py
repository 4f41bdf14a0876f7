#!/usr/bin/env python3
"""Forward throughput of PolytopeLens next to PyTorch on the same checkpoint, in one run.

    python3 bench/forward_bench.py [--checkpoint HF_DIR] [--batch 16] [--seq 128] [--threads 2]

Imports the checkpoint (default: all-MiniLM-L6-v2 from scripts/fetch-minilm.sh) with
`polytope import`, runs `polytope bench forward` (release build) and transformers' model
on the same shape of random ids with the same number of threads, and prints both and the
ratio. Needs torch (CPU) and transformers. OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE are left as
the environment has them unless --native-blas is given (then both are unset for this run
only, which lets OpenBLAS pick its AVX-512 kernels).
"""
import argparse, json, os, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--checkpoint")
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--seq", type=int, default=128)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--iterations", type=int, default=5)
    ap.add_argument("--rounds", type=int, default=3, help="alternate the two tools this many times; best of each")
    ap.add_argument("--native-blas", action="store_true")
    a = ap.parse_args()
    env = dict(os.environ)
    if a.native_blas:
        env.pop("OPENBLAS_CORETYPE", None)
        env.pop("OPENBLAS_L2_SIZE", None)
    ckpt = a.checkpoint or subprocess.check_output([os.path.join(ROOT, "scripts/fetch-minilm.sh")], text=True).strip()
    subprocess.check_call(["swift", "build", "-c", "release", "--product", "polytope"], cwd=ROOT, stdout=subprocess.DEVNULL)
    exe = os.path.join(ROOT, ".build/release/polytope")
    import torch
    from transformers import AutoConfig, AutoModel
    torch.set_num_threads(a.threads)
    model = AutoModel.from_pretrained(ckpt, dtype=torch.float32).eval()
    cfg = AutoConfig.from_pretrained(ckpt)
    g = torch.Generator().manual_seed(0)
    ids = torch.randint(0, cfg.vocab_size, (a.batch, a.seq), generator=g)

    def torch_tps():
        times = []
        with torch.inference_mode():
            model(input_ids=ids)
            for _ in range(a.iterations):
                t0 = time.perf_counter()
                model(input_ids=ids)
                times.append(time.perf_counter() - t0)
        times.sort()
        return a.batch * a.seq / times[len(times) // 2]

    # The machine is shared: alternate the tools and keep each one's best round.
    ours_best, torch_best, ours = 0.0, 0.0, None
    with tempfile.TemporaryDirectory() as tmp:
        pb = os.path.join(tmp, "model.pb")
        subprocess.check_call([exe, "import", ckpt, "-o", pb, "--external-weights"], stdout=subprocess.DEVNULL)
        for _ in range(a.rounds):
            out = subprocess.check_output([exe, "bench", "forward", "--model", pb, "--batch", str(a.batch), "--seq", str(a.seq),
                                           "--threads", str(a.threads), "--iterations", str(a.iterations)], env=env, text=True)
            ours = json.loads(out)
            ours_best = max(ours_best, ours["tokens_per_second"])
            torch_best = max(torch_best, torch_tps())
    print(json.dumps({
        "shape": [a.batch, a.seq], "threads": a.threads, "blas": ours["blas_core"],
        "rounds": a.rounds,
        "polytope_tokens_per_s": round(ours_best),
        "torch_tokens_per_s": round(torch_best),
        "ratio_polytope_over_torch": round(ours_best / torch_best, 3),
        "torch": torch.__version__,
    }, indent=1))


if __name__ == "__main__":
    sys.exit(main())
