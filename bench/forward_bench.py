#!/usr/bin/env python3
"""Forward throughput of PolytopeLens next to PyTorch, in one command: both models, 1 and 2
threads, fp32 and bf16.

    python3 bench/forward_bench.py [--threads 1 2] [--rounds 2] [--iterations 3] [--skip-minilm] [--skip-gpt2] [--skip-smollm2]

Cases: all-MiniLM-L6-v2 (scripts/fetch-minilm.sh) at 16 x 128 and 1 x 512 random ids, and a
GPT-2-small-shaped model with random weights (tools/make_gpt2_small_random.py, made in a
temporary folder, ~500 MB) at 8 x 128, up to its last block's output (no unembedding: that is
what transformers' GPT2Model returns), and SmolLM2-135M-Instruct (scripts/fetch-smollm2.sh: the
GGUF file, dequantised to float32 by both: `polytope import FILE.gguf` and transformers'
`from_pretrained(gguf_file=...)`) at 8 x 128, up to its final RMSNorm (transformers' LlamaModel;
needs `accelerate`). For each case and thread count: PyTorch fp32
(transformers AutoModel under inference_mode, torch.set_num_threads), PyTorch bf16
(autocast on CPU), and `polytope bench forward` (release build) in fp32 and, where the CPU
has AVX512-BF16, bf16 and bf16-mixed (MLP input projections in fp32). The machine is shared: the tools alternate for --rounds rounds and
each keeps its best round (median of --iterations passes inside a round). Besides wall-clock
tokens/s it prints tokens per CPU-second (process CPU time, all threads): on a loaded machine
that is the steadier comparison at 1 thread.

The environment's OPENBLAS_* variables are left as they are (the AVX-512 kernels do not use
OpenBLAS); --openblas also times `POLYTOPE_GEMM=openblas` (OpenBLAS sgemm as it detects the
CPU) for comparison. Prints one JSON object per case and a table.
"""
import argparse, json, os, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--iterations", type=int, default=3)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--skip-gpt2", action="store_true")
    ap.add_argument("--skip-minilm", action="store_true")
    ap.add_argument("--skip-smollm2", action="store_true")
    ap.add_argument("--openblas", action="store_true", help="also time POLYTOPE_GEMM=openblas")
    ap.add_argument("--exe", default=os.path.join(ROOT, ".build/release/polytope"))
    a = ap.parse_args()
    if not os.path.exists(a.exe):
        subprocess.check_call(["swift", "build", "-c", "release", "--product", "polytope"], cwd=ROOT, stdout=subprocess.DEVNULL)
    import torch
    from transformers import AutoConfig, AutoModel

    minilm = subprocess.check_output([os.path.join(ROOT, "scripts/fetch-minilm.sh")], text=True).strip()
    tmp = tempfile.mkdtemp(prefix="forward-bench-")
    models = [] if a.skip_minilm else [("all-MiniLM-L6-v2", minilm, [(16, 128), (1, 512)])]
    if not a.skip_gpt2:
        gdir = os.path.join(tmp, "gpt2-small-random")
        subprocess.check_call([sys.executable, os.path.join(ROOT, "tools/make_gpt2_small_random.py"), gdir], stdout=subprocess.DEVNULL)
        models.append(("gpt2-small-random", gdir, [(8, 128)]))
    if not a.skip_smollm2:
        gguf = subprocess.check_output([os.path.join(ROOT, "scripts/fetch-smollm2.sh")], text=True).strip()
        models.append(("SmolLM2-135M (GGUF as f32)", gguf, [(8, 128)]))
    runtime, rows = None, []
    for name, ckpt, shapes in models:
        pb = os.path.join(tmp, name + ".pb")
        if ckpt.endswith(".gguf"):
            subprocess.check_call([a.exe, "import", ckpt, "-o", pb], stdout=subprocess.DEVNULL)
            gguf_dir, gguf_file = os.path.split(ckpt)
            model = AutoModel.from_pretrained(gguf_dir, gguf_file=gguf_file, dtype=torch.float32).eval()
            cfg = model.config
        else:
            subprocess.check_call([a.exe, "import", ckpt, "-o", pb, "--external-weights"], stdout=subprocess.DEVNULL)
            model = AutoModel.from_pretrained(ckpt, dtype=torch.float32).eval()
            cfg = AutoConfig.from_pretrained(ckpt)
        last = "blocks.%d.hook_resid_post" % (cfg.num_hidden_layers - 1)
        if cfg.model_type in ("gpt2", "llama"):
            last = "ln_final.hook_normalized"
        for batch, seq in shapes:
            ids = torch.randint(0, cfg.vocab_size, (batch, seq), generator=torch.Generator().manual_seed(0))

            def torch_tps(bf16):
                times, cpu = [], []
                with torch.inference_mode(), torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
                    model(input_ids=ids)
                    for _ in range(a.iterations):
                        t0, c0 = time.perf_counter(), time.process_time()
                        model(input_ids=ids)
                        times.append(time.perf_counter() - t0)
                        cpu.append(time.process_time() - c0)
                times.sort()
                cpu.sort()
                return batch * seq / times[len(times) // 2], batch * seq / cpu[len(cpu) // 2]

            def ours(threads, precision, gemm=None):
                env = dict(os.environ)
                if gemm:
                    env["POLYTOPE_GEMM"] = gemm
                out = subprocess.run([a.exe, "bench", "forward", "--model", pb, "--batch", str(batch), "--seq", str(seq),
                                      "--threads", str(threads), "--iterations", str(a.iterations), "--precision", precision,
                                      "--hook", last], env=env, text=True, capture_output=True)
                if out.returncode != 0:
                    return None, out.stderr.strip()
                return json.loads(out.stdout), None

            for threads in a.threads:
                torch.set_num_threads(threads)
                best, per_cpu, note = {}, {}, {}
                variants = [("polytope fp32", "fp32", None), ("polytope bf16", "bf16", None), ("polytope bf16-mixed", "bf16-mixed", None)]
                if a.openblas:
                    variants.append(("polytope fp32 openblas", "fp32", "openblas"))
                for _ in range(a.rounds):
                    for label, prec, gemm in variants:
                        r, err = ours(threads, prec, gemm)
                        if r is None:
                            note[label] = err
                            continue
                        runtime = runtime or {k: r[k] for k in ("cpu", "cpu_features", "gemm_kernel_detail", "blas_core")}
                        best[label] = max(best.get(label, 0), r["tokens_per_second"])
                        per_cpu[label] = max(per_cpu.get(label, 0), r.get("tokens_per_cpu_second", 0))
                    for label, bf16 in (("torch fp32", False), ("torch bf16 (autocast)", True)):
                        wall, cpu = torch_tps(bf16)
                        best[label] = max(best.get(label, 0), wall)
                        per_cpu[label] = max(per_cpu.get(label, 0), cpu)
                row = {"model": name, "shape": [batch, seq], "threads": threads,
                       "tokens_per_s": {k: round(v) for k, v in best.items()},
                       "tokens_per_cpu_s": {k: round(v) for k, v in per_cpu.items()},
                       "polytope_fp32_over_torch_fp32": round(best.get("polytope fp32", 0) / best["torch fp32"], 3),
                       "polytope_bf16_over_torch_fp32": round(best.get("polytope bf16", 0) / best["torch fp32"], 3),
                       "polytope_bf16_mixed_over_torch_fp32": round(best.get("polytope bf16-mixed", 0) / best["torch fp32"], 3)}
                if note:
                    row["refused"] = note
                rows.append(row)
                print(json.dumps(row), flush=True)
    print(json.dumps({"runtime": runtime, "torch": torch.__version__}))
    labels = ["torch fp32", "torch bf16 (autocast)", "polytope fp32", "polytope bf16", "polytope bf16-mixed"] + (["polytope fp32 openblas"] if a.openblas else [])
    for key, title in (("tokens_per_s", "tokens/s (wall clock)"), ("tokens_per_cpu_s", "tokens per CPU-second")):
        print("\n%s\n\n| model | shape | threads | %s | ours fp32 / torch fp32 | ours bf16 / torch fp32 | ours bf16-mixed / torch fp32 |" % (title, " | ".join(labels)))
        print("|---|---|---:|" + "---:|" * (len(labels) + 3))
        for r in rows:
            t = r[key]
            f = t.get("torch fp32") or 1
            print("| %s | %dx%d | %d | %s | %.2f | %.2f | %.2f |" % (r["model"], r["shape"][0], r["shape"][1], r["threads"],
                  " | ".join(str(t.get(l, "-")) for l in labels), t.get("polytope fp32", 0) / f, t.get("polytope bf16", 0) / f,
                  t.get("polytope bf16-mixed", 0) / f))

if __name__ == "__main__":
    sys.exit(main())
