"""ProbeDirectory: the output of `polytope probe` (or `polytopelens.probe`) as NumPy arrays and dicts."""
from __future__ import annotations

import ctypes
import html
import json
import os
from pathlib import Path

import numpy as np

from ._capi import PolytopeError, call, lib, take_string

# tokens.bin: one little-endian 40-byte record per recorded token (Sources/PolytopeProbe/TokenTable.swift).
TOKEN_RECORD = np.dtype([("document", "<u4"), ("window", "<u4"), ("position", "<u4"), ("token_id", "<u4"),
                         ("byte_start", "<u8"), ("byte_end", "<u8"), ("previous_token_id", "<i4"), ("reserved", "<u4")])


class ProbeDirectory:
    """A finished probe's directory: codes, labels, tokens with their contexts, clusters, summary,
    and the HTML report (shown inline in Jupyter).

    >>> p = ProbeDirectory("out/probe")
    >>> p.codes().shape, p.labels().shape, p.summary["k"]
    >>> p.tokens([0, 1, 2])          # text and context of recorded rows
    >>> p                             # in Jupyter: the report
    """

    def __init__(self, path):
        self.path = Path(os.fspath(path))
        if not self.path.is_dir():
            raise PolytopeError(f"{self.path}: no such probe directory", 2)
        self.summary = self._json("summary.json")

    def _json(self, name):
        f = self.path / name
        if not f.exists():
            raise PolytopeError(f"{self.path}: no {name} (is it the output of a finished `polytope probe`?)", 2)
        try:
            return json.loads(f.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError) as e:
            raise PolytopeError(f"{f} is unreadable ({e})", 2) from None

    @property
    def layers(self) -> list[int]:
        return list(self.summary["layers"])

    def _layer(self, layer):
        if layer is None:
            return self.layers[0]
        if layer not in self.layers:
            raise PolytopeError(f"layer {layer} was not probed here; the probe's layers are {', '.join(map(str, self.layers))}", 1)
        return layer

    def _npy(self, name):
        f = self.path / name
        if not f.exists():
            raise PolytopeError(f"{self.path}: no {name} (is it the output of a finished `polytope probe`?)", 2)
        return np.load(f, mmap_mode="r")      # memory-mapped: no copy of large code matrices

    def codes(self, layer: int | None = None) -> np.ndarray:
        """Packed codes of a layer (default: the first probed), uint8 [N, bits/8] in np.packbits order,
        memory-mapped read-only."""
        return self._npy(f"codes-layer{self._layer(layer)}.npy")

    def labels(self, layer: int | None = None) -> np.ndarray:
        """Each recorded token's cluster (int32 [N])."""
        return self._npy(f"labels-layer{self._layer(layer)}.npy")

    @property
    def records(self) -> np.ndarray:
        """Where each recorded token came from: a structured array (document, window, position,
        token_id, byte_start, byte_end, previous_token_id), one row per code row."""
        f = self.path / "tokens.bin"
        if not f.exists():
            raise PolytopeError(f"{self.path}: no tokens.bin (is it a `polytope probe` output directory?)", 2)
        return np.fromfile(f, dtype=TOKEN_RECORD)

    def tokens(self, rows=None, context: int = 80) -> list[dict]:
        """Recorded tokens with their text and up to `context` bytes either side, read from the
        probe's corpus: [{"text","left","right","source","document","byte_start",...}]. rows:
        indices (default: all)."""
        idx = np.arange(len(self.records), dtype=np.int64) if rows is None else np.ascontiguousarray(rows, dtype=np.int64)
        p = ctypes.c_void_p()
        call(lib.pl_probe_tokens, str(self.path).encode(), idx.ctypes.data_as(ctypes.POINTER(ctypes.c_int64)), len(idx),
             context, ctypes.byref(p))
        return json.loads(take_string(p))

    def clusters(self, layer: int | None = None) -> list[dict]:
        """The clusters of a layer from clusters.json: id, size, medoid (with context), members,
        top_tokens, coherence, entropies, distances."""
        layer = self._layer(layer)
        for entry in self._json("clusters.json")["layers"]:
            if entry["layer"] == layer:
                return entry["clusters"]
        raise PolytopeError(f"clusters.json has no layer {layer}", 2)

    @property
    def clusters_json(self) -> dict:
        """clusters.json in full (every layer, the measures of each method)."""
        return self._json("clusters.json")

    @property
    def report_path(self) -> Path:
        return self.path / "report.html"

    def report_html(self) -> str:
        if not self.report_path.exists():
            raise PolytopeError(f"{self.path}: no report.html (is it the output of a finished `polytope probe`?)", 2)
        return self.report_path.read_text(encoding="utf-8")

    def _repr_html_(self):
        # The report is a self-contained page: shown in an iframe so its styles stay its own.
        return (f'<iframe srcdoc="{html.escape(self.report_html(), quote=True)}" '
                'style="width:100%;height:720px;border:1px solid #ddd"></iframe>')

    def __repr__(self):
        s = self.summary
        return (f"ProbeDirectory({str(self.path)!r}: {s.get('model')}, layers {self.layers}, "
                f"{s.get('tokens_recorded')} tokens, k = {s.get('k')})")
