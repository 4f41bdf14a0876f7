"""probe(): `polytope probe` from Python, with a progress bar and a clean, resumable Ctrl-C."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from ._capi import PolytopeError
from .probe_directory import ProbeDirectory

_CHILD = """
import json, sys
from polytopelens._capi import PolytopeError, call, lib
try:
    call(lib.pl_probe, sys.stdin.buffer.read())
    print(json.dumps({"ok": True}))
except PolytopeError as e:
    print(json.dumps({"ok": False, "message": str(e), "code": e.code}))
"""


def probe(out, model=None, corpus=None, *, layers=None, k: int = 100, plugins=(), context=None, stride=None,
          tokens: str = "paper", per_window: int = 4, skip: int = 8, sample: int = 10_000, seed: int = 0, batch: int = 8,
          threads=None, max_windows=None, method: str = "fasterpam", init: str = "auto", memory="4G", mode: str = "auto",
          max_iter: int = 100, samples: int = 5, sample_size=None, members: int = 12, baselines: bool = False,
          restart: bool = False, paragraphs: bool = False, text_field: str = "text", lossy: bool = False,
          precision: str = "fp32", up_sign: bool = False, progress: bool = True) -> ProbeDirectory:
    """Runs (or continues) a probe, as `polytope probe --out OUT ...` with the same option names,
    and returns its ProbeDirectory. model/corpus default to the checkout's default model and
    corpora/; corpus may be one path or a list.

    The probe runs in a child process on the same library (the GIL and the notebook stay free).
    A progress bar (tqdm when installed, else a line on stderr) counts the committed windows and
    tokens. Ctrl-C (or the notebook's interrupt) stops it at once: what was committed stays in
    OUT, and calling probe() again with the same settings continues from there (restart=True
    starts over). Errors raise PolytopeError with the CLI's one-line message."""
    if isinstance(corpus, (str, os.PathLike)):
        corpus = [corpus]
    if isinstance(layers, int):
        layers = [layers]
    opts = {
        "out": os.fspath(out), "model": os.fspath(model) if model is not None else None,
        "plugins": [os.fspath(p) for p in plugins], "corpus": [os.fspath(c) for c in corpus] if corpus else None,
        "layers": list(layers) if layers else None, "k": k, "context": context, "stride": stride, "tokens": tokens,
        "per_window": per_window, "skip": skip, "sample": sample, "seed": seed, "batch": batch, "threads": threads,
        "max_windows": max_windows, "method": method, "init": init,
        "memory": memory if isinstance(memory, str) else str(int(memory)), "mode": mode, "max_iter": max_iter,
        "samples": samples, "sample_size": sample_size, "members": members, "baselines": baselines, "restart": restart,
        "paragraphs": paragraphs, "text_field": text_field, "lossy": lossy, "precision": precision, "up_sign": up_sign,
    }
    opts = {key: v for key, v in opts.items() if v is not None}
    env = dict(os.environ)
    pkg_parent = str(Path(__file__).resolve().parent.parent)
    env["PYTHONPATH"] = pkg_parent + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    # Its own session: a terminal's Ctrl-C reaches only this process, which then stops the child.
    child = subprocess.Popen([sys.executable, "-c", _CHILD], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             env=env, start_new_session=True)
    child.stdin.write(json.dumps(opts).encode())
    child.stdin.close()
    bar = _Progress(Path(opts["out"]), enabled=progress)
    try:
        while child.poll() is None:
            bar.update()
            time.sleep(0.2)
    except BaseException:
        child.kill()
        child.wait()
        bar.close()
        print(f"polytopelens.probe: stopped; the committed work is kept in {opts['out']}: "
              "call probe() again with the same settings to continue", file=sys.stderr)
        raise
    bar.update()
    bar.close()
    lines = child.stdout.read().decode("utf-8", "replace").strip().splitlines()
    child.stdout.close()
    result = json.loads(lines[-1]) if lines else None
    if result is None or child.returncode != 0:
        raise PolytopeError(f"the probe process ended with status {child.returncode} without a result", 5)
    if not result["ok"]:
        raise PolytopeError(result["message"], result["code"])
    return ProbeDirectory(opts["out"])


class _Progress:
    """Committed windows and tokens, read from OUT/probe-state.json as the probe commits them."""

    def __init__(self, out: Path, enabled: bool):
        self.state = out / "probe-state.json"
        self.enabled = enabled
        self.bar = None
        self.done = 0
        if enabled:
            try:
                from tqdm.auto import tqdm
                self.bar = tqdm(desc="probe", unit=" windows")
            except ImportError:
                pass

    def update(self):
        if not self.enabled:
            return
        try:
            s = json.loads(self.state.read_text())
        except (OSError, ValueError):
            return
        windows, rows = s.get("windows_done", 0), s.get("rows_done", 0)
        if self.bar is not None:
            self.bar.update(windows - self.done)
            self.bar.set_postfix(tokens=rows, refresh=False)
        elif windows != self.done:
            print(f"\rprobe: {windows} windows, {rows} tokens committed", end="", file=sys.stderr)
        self.done = windows

    def close(self):
        if self.bar is not None:
            self.bar.close()
        elif self.enabled and self.done:
            print(file=sys.stderr)
