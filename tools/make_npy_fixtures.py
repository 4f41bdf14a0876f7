#!/usr/bin/env python3
"""Writes .npy fixtures with NumPy itself, for PolytopeIO / PolytopeCodes tests.

Run from the repository root:  python3 tools/make_npy_fixtures.py
Outputs (small, committed) under Tests/PolytopeCodesTests/Fixtures/npy/:
  <dtype>.npy           a [2, 3] array of each supported dtype with values 0..5 (bool: v % 2)
  v2.npy                the float32 array saved with format version 2.0
  fortran.npy           a [2, 3] float32 array in Fortran order (must be refused)
  bigendian.npy         a '>f4' array (must be refused)
  scalar.npy            a 0-d float64 array (shape ())
  packed_codes.npy      np.packbits of random bits [7, 77] -> uint8 [7, 10]
  bool_codes.npy        the same bits as bool [7, 77]
  preact.npy            float32 [7, 77] values; codes_from_preact.npy = packbits(preact > 0)
"""
import os
import numpy as np

OUT = os.path.join("Tests", "PolytopeCodesTests", "Fixtures", "npy")
os.makedirs(OUT, exist_ok=True)

base = np.arange(6).reshape(2, 3)
for name, dt in [("float16", "<f2"), ("float32", "<f4"), ("float64", "<f8"), ("uint8", "|u1"),
                 ("uint16", "<u2"), ("int32", "<i4"), ("int64", "<i8")]:
    np.save(os.path.join(OUT, f"{name}.npy"), base.astype(dt))
np.save(os.path.join(OUT, "bool.npy"), (base % 2).astype(bool))

with open(os.path.join(OUT, "v2.npy"), "wb") as f:
    np.lib.format.write_array(f, base.astype("<f4"), version=(2, 0))
np.save(os.path.join(OUT, "fortran.npy"), np.asfortranarray(base.astype("<f4")))
np.save(os.path.join(OUT, "bigendian.npy"), base.astype(">f4"))
np.save(os.path.join(OUT, "scalar.npy"), np.array(2.5))

rng = np.random.default_rng(7)
bits = rng.integers(0, 2, size=(7, 77)).astype(bool)
np.save(os.path.join(OUT, "packed_codes.npy"), np.packbits(bits, axis=1))
np.save(os.path.join(OUT, "bool_codes.npy"), bits)
pre = rng.normal(size=(7, 77)).astype(np.float32)
pre[0, :5] = 0.0  # exactly at the knot: bit must be 0
np.save(os.path.join(OUT, "preact.npy"), pre)
np.save(os.path.join(OUT, "codes_from_preact.npy"), np.packbits(pre > 0, axis=1))
print("wrote", sorted(os.listdir(OUT)))

# A code file written from the spec in docs/code-format.md (independent of the Swift writer),
# plus an uncommitted half row after the committed rows, which readers must ignore.
import json
import struct

prov = json.dumps({"source": "tools/make_npy_fixtures.py", "bits": 77})
P = len(prov.encode())
H = (64 + P + 63) // 64 * 64
S = (77 + 511) // 512 * 64
header = bytearray(H)
header[:8] = b"PLCODES\0"
struct.pack_into("<IIQQQI", header, 8, 1, H, 77, S, 7, P)
header[64:64 + P] = prov.encode()
rows = np.zeros((7, S), np.uint8)
rows[:, :10] = np.packbits(bits, axis=1)
with open(os.path.join(OUT, "codes.plcodes"), "wb") as f:
    f.write(bytes(header) + rows.tobytes() + b"\xff" * (S // 2))
# The reading recipe from the docs.
raw = open(os.path.join(OUT, "codes.plcodes"), "rb").read()
version, H2, b2, S2, R2, P2 = struct.unpack_from("<IIQQQI", raw, 8)
back = np.frombuffer(raw, np.uint8, R2 * S2, H2).reshape(R2, S2)[:, :(b2 + 7) // 8]
assert (np.unpackbits(back, axis=1)[:, :b2] == bits).all() and json.loads(raw[64:64 + P2])["bits"] == 77
print("wrote codes.plcodes")
