"""PolytopeLens from Python: polytope codes, Hamming k-medoids, models with hooks, probes.

Over libpolytopelens.so, the C API of the Swift core (ctypes; the GIL is released during
calls). Errors raise `PolytopeError` with the CLI's one-line message.

Packed codes are uint8 [N, ceil(bits/8)] in `np.packbits(..., axis=1)` order (bit j of a row is
byte j // 8, bit 7 - j % 8: most significant bit first).
"""
from ._capi import PolytopeError
from .clustering import KMedoidsResult, kmedoids, parse_memory
from .codes import codes_from_preacts, hamming, hamming_kernel, packbits, unpackbits
from .model import Model
from .probe import probe
from .probe_directory import ProbeDirectory

__version__ = "0.1.0"

__all__ = [
    "PolytopeError", "KMedoidsResult", "kmedoids", "parse_memory", "codes_from_preacts", "hamming", "hamming_kernel",
    "packbits", "unpackbits", "Model", "probe", "ProbeDirectory", "library_path",
]


def library_path() -> str:
    """The libpolytopelens.so in use."""
    from ._capi import lib
    return lib._path
