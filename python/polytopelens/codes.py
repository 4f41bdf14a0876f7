"""Polytope codes and Hamming distances on packed codes.

Packed layout (the one the C API, the CLI's `.npy` files and `np.packbits` share): a code of
`bits` bits is `ceil(bits / 8)` uint8 bytes; bit j is byte j // 8, bit 7 - j % 8 of that byte
(most significant bit first: `np.packbits(..., axis=1, bitorder="big")`). Trailing bits of
the last byte are zero. For ReLU/GELU pre-activations, bit j of a token is `x[j] > 0`.
"""
from __future__ import annotations

import ctypes

import numpy as np

from ._capi import PolytopeError, call, lib


def _as_pointer(a: np.ndarray, ctype):
    return a.ctypes.data_as(ctypes.POINTER(ctype))


def check_array(x, name: str, dtype, ndim: int = 2) -> np.ndarray:
    """`x` as an ndarray without copying; a wrong dtype, rank or layout is a PolytopeError
    saying how to fix it (no silent copies of large arrays)."""
    a = np.asarray(x)
    if a.dtype != np.dtype(dtype):
        raise PolytopeError(f"{name}: dtype {a.dtype} is not {np.dtype(dtype)}; convert with "
                            f"np.ascontiguousarray({name}, dtype=np.{np.dtype(dtype)})", 1)
    if a.ndim != ndim:
        raise PolytopeError(f"{name}: expected a {ndim}-D array, got shape {a.shape}", 1)
    if not a.flags.c_contiguous:
        raise PolytopeError(f"{name}: array is not C-contiguous (strides {a.strides}); pass np.ascontiguousarray({name})", 1)
    return a


def packbits(bits) -> np.ndarray:
    """Packs a boolean (or 0/1) [N, bits] array into codes: exactly `np.packbits(bits, axis=1)`
    (big bit order: bit j of a row -> byte j // 8, bit 7 - j % 8)."""
    b = np.asarray(bits)
    if b.ndim != 2:
        raise PolytopeError(f"bits: expected a 2-D array, got shape {b.shape}", 1)
    return np.packbits(b.astype(bool, copy=False), axis=1, bitorder="big")


def unpackbits(codes, bits: int | None = None) -> np.ndarray:
    """The inverse of `packbits`: a bool [N, bits] array."""
    c = check_array(codes, "codes", np.uint8)
    n_bits = c.shape[1] * 8 if bits is None else bits
    return np.unpackbits(c, axis=1, count=n_bits, bitorder="big").astype(bool)


def codes_from_preacts(x, knots=(0.0,)) -> np.ndarray:
    """Polytope codes of pre-activations `x` (float32 [N, units], e.g. a TransformerLens
    `blocks.L.mlp.hook_pre` on the CPU as NumPy): bit (u * len(knots) + t) of row r is
    `x[r, u] > knots[t]` (NaN gives 0), packed as `packbits`. With the default single knot 0
    the result equals `np.packbits(x > 0, axis=1)`. Returns uint8 [N, ceil(units * len(knots) / 8)].
    O(N * units * len(knots)); `x` is read in place (no copy)."""
    a = check_array(x, "x", np.float32)
    k = np.ascontiguousarray(np.asarray(knots, dtype=np.float32).reshape(-1))
    rows, units = a.shape
    width = units * len(k)
    if units < 1 or width > 65535:
        raise PolytopeError(f"x: {units} units x {len(k)} knots gives a code width of {width} bits; need 1...65535", 1)
    out = np.empty((rows, (width + 7) // 8), dtype=np.uint8)
    call(lib.pl_codes_from_preacts, _as_pointer(a, ctypes.c_float), rows, units, _as_pointer(k, ctypes.c_float), len(k),
         _as_pointer(out, ctypes.c_uint8))
    return out


def _codes_arg(c, name: str) -> np.ndarray:
    a = np.asarray(c)
    if a.dtype == np.bool_ and a.ndim == 2:
        raise PolytopeError(f"{name}: boolean codes must be packed first: polytopelens.packbits({name})", 1)
    return check_array(a, name, np.uint8)


def _bits(a: np.ndarray, bits: int | None, name: str) -> int:
    if bits is None:
        return a.shape[1] * 8
    if not 1 <= bits <= a.shape[1] * 8 or (bits + 7) // 8 != a.shape[1]:
        raise PolytopeError(f"{name}: {a.shape[1]} bytes per row cannot hold codes of {bits} bits", 1)
    return bits


def hamming(a, b=None, *, bits: int | None = None, threads: int = 0) -> np.ndarray:
    """Hamming distances between packed codes (uint8 [N, bytes]): all pairs of `a`
    (uint16 [N, N]) or every row of `a` against every row of `b` (uint16 [N, M]).
    `bits` (default 8 * bytes) ignores trailing bits of the last byte. Runs the CKernels
    popcount path chosen for this CPU (`hamming_kernel()`) on `threads` threads (0: all).
    O(N * M * bits / 64); the GIL is released while it runs."""
    ca = _codes_arg(a, "a")
    n_bits = _bits(ca, bits, "a")
    if b is None:
        out = np.empty((ca.shape[0], ca.shape[0]), dtype=np.uint16)
        call(lib.pl_hamming, _as_pointer(ca, ctypes.c_uint8), ca.shape[0], None, 0, n_bits,
             _as_pointer(out, ctypes.c_uint16), threads)
        return out
    cb = _codes_arg(b, "b")
    if cb.shape[1] != ca.shape[1]:
        raise PolytopeError(f"b: codes are {cb.shape[1]} bytes wide but a has {ca.shape[1]}", 1)
    out = np.empty((ca.shape[0], cb.shape[0]), dtype=np.uint16)
    call(lib.pl_hamming, _as_pointer(ca, ctypes.c_uint8), ca.shape[0], _as_pointer(cb, ctypes.c_uint8), cb.shape[0], n_bits,
         _as_pointer(out, ctypes.c_uint16), threads)
    return out


def hamming_kernel() -> str:
    """The popcount path the library chose for this CPU (avx512-vpopcntdq, avx2, popcnt, portable)."""
    return lib.pl_hamming_kernel().decode()
