"""probe() from Python equals `polytope probe` on the same settings; Ctrl-C stops it, and the
same call resumes to the same outputs."""
import json
import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

import polytopelens as pl

SETTINGS = dict(layers=[1], k=6, max_windows=24, batch=2, threads=1, seed=3)
CLI_ARGS = ["--layer", 1, "--k", 6, "--max-windows", 24, "--batch", 2, "--threads", 1, "--seed", 3, "--quiet"]


@pytest.fixture(scope="module")
def cli_probe(cli, root, tmp_path_factory):
    out = tmp_path_factory.mktemp("cli-probe")
    cli("probe", "--model", root / "models" / "gpt2-relu.pb", "--corpus", root / "corpora" / "austen", *CLI_ARGS, "--out", out)
    return pl.ProbeDirectory(out)


def assert_same_json(x, y, path="clusters.json"):
    """Equal JSON; floats to 1e-12 relative (sums over hash-ordered counts differ in the last bit
    between processes)."""
    if isinstance(x, float) or isinstance(y, float):
        assert x == pytest.approx(y, rel=1e-12, abs=1e-12), path
    elif isinstance(x, dict):
        assert isinstance(y, dict) and x.keys() == y.keys(), path
        for k in x:
            assert_same_json(x[k], y[k], f"{path}.{k}")
    elif isinstance(x, list):
        assert isinstance(y, list) and len(x) == len(y), path
        for i, (p, q) in enumerate(zip(x, y)):
            assert_same_json(p, q, f"{path}[{i}]")
    else:
        assert x == y, path


def assert_same_probe(a: pl.ProbeDirectory, b: pl.ProbeDirectory):
    np.testing.assert_array_equal(a.codes(), b.codes())
    np.testing.assert_array_equal(a.labels(), b.labels())
    assert (a.path / "tokens.bin").read_bytes() == (b.path / "tokens.bin").read_bytes()
    ca, cb = a.clusters_json, b.clusters_json
    ca.pop("created_at", None), cb.pop("created_at", None)
    assert_same_json(ca, cb)
    for key in ("layers", "bits", "k", "method", "initialization", "tokens_recorded", "windows", "sampling", "seed"):
        assert a.summary[key] == b.summary[key], key


def test_probe_equals_cli(cli_probe, root, tmp_path):
    p = pl.probe(tmp_path / "py", model=root / "models" / "gpt2-relu.pb", corpus=root / "corpora" / "austen",
                 progress=False, **SETTINGS)
    assert isinstance(p, pl.ProbeDirectory)
    assert_same_probe(p, cli_probe)


INTERRUPTED = """
import sys, polytopelens as pl
pl.probe(sys.argv[1], model=sys.argv[2], corpus=sys.argv[3], progress=False, **{settings})
"""


def test_ctrl_c_stops_cleanly_and_the_same_call_resumes(cli_probe, root, tmp_path):
    out = tmp_path / "interrupted"
    script = INTERRUPTED.format(settings=repr(SETTINGS))
    proc = subprocess.Popen([sys.executable, "-c", script, str(out), str(root / "models" / "gpt2-relu.pb"),
                             str(root / "corpora" / "austen")], stderr=subprocess.PIPE, text=True)
    state = out / "probe-state.json"
    deadline = time.time() + 240
    while time.time() < deadline and proc.poll() is None:
        try:
            s = json.loads(state.read_text())
            if s["rows_done"] > 0:
                break
        except (OSError, ValueError):
            pass
        time.sleep(0.05)
    assert proc.poll() is None, "the probe finished before it could be interrupted: " + proc.stderr.read()
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode != 0 and "KeyboardInterrupt" in err and "call probe() again" in err
    stopped = json.loads(state.read_text())
    assert not stopped["collection_complete"] and 0 < stopped["rows_done"]
    time.sleep(1)                                              # the child is gone: nothing moves
    assert json.loads(state.read_text()) == stopped
    assert not (out / "summary.json").exists()

    p = pl.probe(out, model=root / "models" / "gpt2-relu.pb", corpus=root / "corpora" / "austen", progress=False, **SETTINGS)
    assert p.summary["resumed_from_rows"] == stopped["rows_done"]
    assert_same_probe(p, cli_probe)


def test_probe_errors_are_one_line(tmp_path, root):
    with pytest.raises(pl.PolytopeError, match=r"^--layer 9: the model's MLP layers are 0, 1, 2, 3$"):
        pl.probe(tmp_path / "x", model=root / "models" / "gpt2-relu.pb", layers=9, progress=False)
    with pytest.raises(pl.PolytopeError, match="missing.pb"):
        pl.probe(tmp_path / "y", model=tmp_path / "missing.pb", progress=False)
    with pytest.raises(pl.PolytopeError, match="--tokens must be one of"):
        pl.probe(tmp_path / "z", model=root / "models" / "gpt2-relu.pb", tokens="some", progress=False)


def test_probe_precision_equals_cli(cli, root, tmp_path):
    """precision= reaches the forward pass as the CLI's --precision does (bf16-mixed: the MLP
    input projections in fp32, everything else bf16); skipped where the CPU lacks AVX512-BF16."""
    args = ["--model", root / "models" / "gpt2-relu.pb", "--corpus", root / "corpora" / "austen", *CLI_ARGS]
    r = cli("probe", *args, "--precision", "bf16-mixed", "--out", tmp_path / "cli", check=False)
    if r.returncode != 0 and "AVX512-BF16" in r.stderr:
        pytest.skip(r.stderr.strip())
    assert r.returncode == 0, r.stderr
    cli("probe", *args, "--out", tmp_path / "fp32")
    p = pl.probe(tmp_path / "py", model=root / "models" / "gpt2-relu.pb", corpus=root / "corpora" / "austen",
                 precision="bf16-mixed", progress=False, **SETTINGS)
    np.testing.assert_array_equal(p.codes(), pl.ProbeDirectory(tmp_path / "cli").codes())
    assert json.loads((p.path / "probe-state.json").read_text())["fingerprint"]["precision"] == "bf16-mixed"
    # bf16 really ran: some bits differ from the fp32 run's, and few.
    fp32 = pl.ProbeDirectory(tmp_path / "fp32").codes()
    bits = np.unpackbits(fp32, axis=1) != np.unpackbits(p.codes(), axis=1)
    assert 0 < bits.mean() < 0.01


def test_probe_precision_and_up_sign_refusals(tmp_path, root):
    with pytest.raises(pl.PolytopeError, match="--precision must be one of fp32, bf16, bf16-mixed"):
        pl.probe(tmp_path / "p", model=root / "models" / "gpt2-relu.pb", precision="fp16", progress=False)
    with pytest.raises(pl.PolytopeError, match="MLP is not gated"):
        pl.probe(tmp_path / "u", model=root / "models" / "gpt2-relu.pb", up_sign=True, progress=False, **SETTINGS)
