"""k-medoids on Hamming distance between packed codes, the CLI's `polytope cluster`."""
from __future__ import annotations

import ctypes
import re
from dataclasses import dataclass

import numpy as np

from ._capi import KMedoidsInfo, KMedoidsOptions, PolytopeError, call, lib
from .codes import _bits, _codes_arg


@dataclass
class KMedoidsResult:
    medoids: np.ndarray      # int64 [k], row indices of the medoids
    labels: np.ndarray       # int64 [N], index into medoids of each row's nearest medoid
    loss: int                # sum of Hamming distances to the medoids
    iterations: int
    swaps: int
    silhouette: float        # mean silhouette (sampled when silhouette_sampled)
    silhouette_sampled: bool
    method: str
    init: str
    mode: str                # matrix | matrix-free | clara (chosen from the memory budget)


def parse_memory(memory) -> int:
    """`4G`, `512M`, `1.5GiB`, `64K` (binary multiples) or a byte count, as the CLI's --memory."""
    if isinstance(memory, (int, np.integer)):
        if memory <= 0:
            raise PolytopeError(f"memory must be positive (got {memory})", 1)
        return int(memory)
    m = re.fullmatch(r"\s*([0-9]*\.?[0-9]+)\s*([KMGT]?)(I?B)?\s*", str(memory).upper())
    if not m or float(m.group(1)) <= 0:
        raise PolytopeError(f"memory must be a positive size such as 4G, 512M or 1000000 (got '{memory}')", 1)
    mult = {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}[m.group(2)]
    return int(float(m.group(1)) * mult)


def kmedoids(codes, k: int, *, method: str = "fasterpam", init: str = "auto", seed: int = 0, memory="4G",
             mode: str = "auto", threads: int = 0, max_iter: int = 100, clara_samples: int = 5,
             clara_sample_size: int | None = None, silhouette_sample: int = 2000, bits: int | None = None) -> KMedoidsResult:
    """Clusters packed codes (uint8 [N, bytes]) by Hamming distance with k-medoids.

    method: fasterpam (Schubert & Rousseeuw 2021), alternate (Park & Jun 2009) or clara.
    init: auto (BUILD, but LAB when matrix-free), build, kmeans++, lab, random.
    The distance mode follows from `memory` as in the CLI: the full N x N uint16 matrix
    (2 N^2 bytes) when it fits, else matrix-free FasterPAM (distances recomputed from the codes,
    memory O(N * bits)) up to N = 100,000, else CLARA. `mode` forces one. The GIL is released
    while it runs. Raises PolytopeError for k outside 1...N, bad names, or a forced mode over
    the budget."""
    c = _codes_arg(codes, "codes")
    n_bits = _bits(c, bits, "codes")
    n = c.shape[0]
    if not isinstance(k, (int, np.integer)):
        raise PolytopeError(f"k must be an integer (got {k!r})", 1)
    opts = KMedoidsOptions(method=method.encode(), initialization=init.encode(), mode=mode.encode(), seed=seed,
                           memory_bytes=parse_memory(memory), threads=threads, max_iterations=max_iter,
                           clara_samples=clara_samples, clara_sample_size=clara_sample_size or 0,
                           silhouette_sample=silhouette_sample)
    medoids = np.empty(max(int(k), 0), dtype=np.int64)
    labels = np.empty(n, dtype=np.int64)
    info = KMedoidsInfo()
    i64 = ctypes.POINTER(ctypes.c_int64)
    call(lib.pl_kmedoids, c.ctypes.data_as(ctypes.POINTER(ctypes.c_uint8)), n, n_bits, int(k), ctypes.byref(opts),
         medoids.ctypes.data_as(i64), labels.ctypes.data_as(i64), ctypes.byref(info))
    return KMedoidsResult(medoids=medoids, labels=labels, loss=info.loss, iterations=info.iterations, swaps=info.swaps,
                          silhouette=info.silhouette, silhouette_sampled=bool(info.silhouette_sampled),
                          method=info.method.decode(), init=info.initialization.decode(), mode=info.mode.decode())
