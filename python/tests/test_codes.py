"""Codes equal np.packbits; Hamming distances equal a brute-force NumPy count."""
import numpy as np
import pytest

import polytopelens as pl


def brute_hamming(a, b):
    """Bit-by-bit count on unpacked codes, independent of the library's popcount kernels."""
    ua = np.unpackbits(a, axis=1).astype(np.int32)
    ub = np.unpackbits(b, axis=1).astype(np.int32)
    return (ua[:, None, :] != ub[None, :, :]).sum(axis=2)


@pytest.mark.parametrize("units", [1, 7, 8, 64, 513, 1000])
def test_codes_equal_packbits(units):
    rng = np.random.default_rng(units)
    x = rng.standard_normal((37, units)).astype(np.float32)
    x[::5, ::3] = 0.0          # exactly at the knot: bit 0
    x[1, 0] = np.nan           # NaN: bit 0
    codes = pl.codes_from_preacts(x)
    expected = np.packbits(x > 0, axis=1)
    assert codes.dtype == np.uint8 and codes.shape == expected.shape
    np.testing.assert_array_equal(codes, expected)
    np.testing.assert_array_equal(pl.packbits(x > 0), expected)
    np.testing.assert_array_equal(pl.unpackbits(codes, units), x > 0)


def test_several_knots_interleave_per_unit():
    rng = np.random.default_rng(3)
    x = rng.standard_normal((20, 9)).astype(np.float32)
    knots = (-0.5, 0.0, 0.75)
    codes = pl.codes_from_preacts(x, knots=knots)
    bits = np.stack([x > k for k in knots], axis=2).reshape(20, 27)   # bit u * 3 + t
    np.testing.assert_array_equal(codes, np.packbits(bits, axis=1))


def test_bit_order_is_most_significant_first():
    x = np.full((1, 8), -1, np.float32)
    x[0, 0] = 1
    assert pl.codes_from_preacts(x)[0, 0] == 0x80


@pytest.mark.parametrize("bits", [5, 64, 300, 1024])
def test_hamming_all_pairs_equals_brute_force(bits):
    rng = np.random.default_rng(bits)
    a = np.packbits(rng.random((61, bits)) < 0.3, axis=1)
    d = pl.hamming(a, bits=bits)
    assert d.dtype == np.uint16 and d.shape == (61, 61)
    np.testing.assert_array_equal(d, brute_hamming(a, a))


def test_hamming_cross_equals_brute_force():
    rng = np.random.default_rng(7)
    a = np.packbits(rng.random((23, 777)) < 0.5, axis=1)
    b = np.packbits(rng.random((41, 777)) < 0.5, axis=1)
    np.testing.assert_array_equal(pl.hamming(a, b, threads=2), brute_hamming(a, b))


def test_hamming_bits_ignores_trailing_bits():
    a = np.array([[0xFF, 0xFF], [0xFF, 0x00]], np.uint8)
    assert pl.hamming(a)[0, 1] == 8
    assert pl.hamming(a, bits=12)[0, 1] == 4     # only the first 4 bits of byte 2 count
