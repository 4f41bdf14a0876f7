#!/usr/bin/env python3
"""Reference outputs of the example plugins (Plugins/Example*), computed with NumPy in float64
and stored as float32 .npy in Tests/Fixtures/plugins/ (ExamplePluginTests compares against them).

    python3 tools/make_plugin_fixtures.py

Inputs are seeded; the attribute values used here are repeated in ExamplePluginTests.swift:
hardtanh min_val=-0.5 max_val=1.5; example_rms_norm eps=1e-3.
"""
import os

import numpy as np

OUT = os.path.join(os.path.dirname(__file__), "..", "Tests", "Fixtures", "plugins")
ROWS, D = 7, 12


def save(name, a):
    np.save(os.path.join(OUT, name + ".npy"), np.ascontiguousarray(a, dtype="<f4"))


def main():
    os.makedirs(OUT, exist_ok=True)
    rng = np.random.default_rng(20261201)
    x = (rng.standard_normal((ROWS, D)) * 1.5).astype(np.float32)
    gate = (rng.standard_normal((ROWS, D)) * 2).astype(np.float32)
    up = rng.standard_normal((ROWS, D)).astype(np.float32)
    weight = (rng.standard_normal(D) * 0.5 + 1).astype(np.float32)
    threshold = (rng.standard_normal(D) * 0.5).astype(np.float32)
    save("x", x)
    save("gate", gate)
    save("up", up)
    save("rms_weight", weight)
    save("threshold", threshold)

    x64 = x.astype(np.float64)
    save("squared_relu", np.maximum(x64, 0) ** 2)
    save("hardtanh", np.clip(x64, -0.5, 1.5))
    ms = np.mean(x64 ** 2, axis=1, keepdims=True)
    save("example_rms_norm", x64 / np.sqrt(ms + 1e-3) * weight.astype(np.float64))
    g = gate.astype(np.float64)
    save("swiglu", g / (1 + np.exp(-g)) * up.astype(np.float64))
    save("jump_relu", np.where(x64 > threshold.astype(np.float64), x64, 0))


if __name__ == "__main__":
    main()
