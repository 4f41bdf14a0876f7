"""ctypes bindings of libpolytopelens.so (Sources/CPolytopeLens/include/polytopelens.h).

ctypes releases the GIL for the duration of every call into a CDLL, so long computations
(k-medoids, Hamming matrices, forward passes) let other Python threads run.
"""
from __future__ import annotations

import ctypes
import os
from ctypes import POINTER, c_char, c_char_p, c_double, c_float, c_int32, c_int64, c_size_t, c_uint8, c_uint16, c_uint64, c_void_p
from pathlib import Path

API_VERSION = 1
_ERR_LEN = 2048


class PolytopeError(Exception):
    """A PolytopeLens failure, with the one-line message the `polytope` CLI prints after `Error:`."""

    def __init__(self, message: str, code: int = 5):
        super().__init__(message)
        self.code = code


class KMedoidsOptions(ctypes.Structure):
    _fields_ = [
        ("method", c_char_p), ("initialization", c_char_p), ("mode", c_char_p), ("seed", c_uint64),
        ("memory_bytes", c_int64), ("threads", c_int32), ("max_iterations", c_int32), ("clara_samples", c_int32),
        ("clara_sample_size", c_int64), ("silhouette_sample", c_int64),
    ]


class KMedoidsInfo(ctypes.Structure):
    _fields_ = [
        ("loss", c_int64), ("iterations", c_int64), ("swaps", c_int64), ("silhouette", c_double),
        ("silhouette_sampled", c_int32), ("method", c_char * 16), ("initialization", c_char * 16), ("mode", c_char * 16),
    ]


def _candidates() -> list[Path]:
    here = Path(__file__).resolve().parent
    out = []
    if os.environ.get("POLYTOPELENS_LIB"):
        out.append(Path(os.environ["POLYTOPELENS_LIB"]))
    out.append(here / "_lib" / "libpolytopelens.so")
    # Running from a checkout without installing: the SwiftPM build products.
    root = here.parent.parent
    out += [root / ".build" / "release" / "libpolytopelens.so", root / ".build" / "debug" / "libpolytopelens.so"]
    return out


def _load() -> ctypes.CDLL:
    tried = []
    for path in _candidates():
        if path.is_file():
            lib = ctypes.CDLL(str(path))
            break
        tried.append(str(path))
    else:
        raise ImportError("polytopelens: libpolytopelens.so not found (looked at " + ", ".join(tried)
                          + "); build it with scripts/build-pylib.sh or install the package with pip install ./python")
    version = lib.pl_api_version()
    if version != API_VERSION:
        raise ImportError(f"polytopelens: {path} implements C API version {version}, this package needs {API_VERSION}")
    lib._path = str(path)
    err = [c_char_p, c_size_t]
    u8p, u16p, i32p, i64p, f32p = POINTER(c_uint8), POINTER(c_uint16), POINTER(c_int32), POINTER(c_int64), POINTER(c_float)
    sigs = {
        "pl_free": (None, [c_void_p]),
        "pl_hamming_kernel": (c_char_p, []),
        "pl_codes_from_preacts": (c_int32, [f32p, c_int64, c_int64, f32p, c_int64, u8p] + err),
        "pl_hamming": (c_int32, [u8p, c_int64, u8p, c_int64, c_int64, u16p, c_int32] + err),
        "pl_kmedoids": (c_int32, [u8p, c_int64, c_int64, c_int64, POINTER(KMedoidsOptions), i64p, i64p,
                                  POINTER(KMedoidsInfo)] + err),
        "pl_model_open": (c_int32, [c_char_p, POINTER(c_char_p), c_int32, POINTER(c_void_p)] + err),
        "pl_model_free": (None, [c_void_p]),
        "pl_model_info": (c_int32, [c_void_p, POINTER(c_void_p)] + err),
        "pl_model_tokenize": (c_int32, [c_void_p, c_char_p, c_int64, POINTER(i32p), POINTER(i64p), i64p] + err),
        "pl_model_hook_width": (c_int32, [c_void_p, c_char_p, i64p] + err),
        "pl_model_run": (c_int32, [c_void_p, i32p, c_int64, POINTER(c_char_p), c_int32, POINTER(f32p)] + err),
        "pl_probe": (c_int32, [c_char_p] + err),
        "pl_probe_tokens": (c_int32, [c_char_p, i64p, c_int64, c_int64, POINTER(c_void_p)] + err),
    }
    for name, (res, args) in sigs.items():
        fn = getattr(lib, name)
        fn.restype = res
        fn.argtypes = args
    return lib


lib = _load()


def call(fn, *args) -> None:
    """Calls a C API function whose last two arguments are the error buffer; raises PolytopeError."""
    buf = ctypes.create_string_buffer(_ERR_LEN)
    status = fn(*args, buf, _ERR_LEN)
    if status != 0:
        raise PolytopeError(buf.value.decode("utf-8", "replace"), status)


def take_string(p: c_void_p) -> str:
    """A library-allocated C string as str, freed."""
    try:
        return ctypes.string_at(p).decode("utf-8")
    finally:
        lib.pl_free(p)
