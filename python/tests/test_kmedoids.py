"""k-medoids: loss within 1% of the kmedoids package's FasterPAM on the same matrix, labels
are nearest medoids, the reported loss is the real one, modes follow the memory budget, and
results equal the CLI's `polytope cluster` on the same codes."""
import json

import numpy as np
import pytest

import polytopelens as pl


def clustered_codes(n=600, bits=256, centers=12, flip=0.08, seed=0):
    rng = np.random.default_rng(seed)
    c = rng.random((centers, bits)) < 0.5
    x = c[rng.integers(0, centers, n)] ^ (rng.random((n, bits)) < flip)
    return np.packbits(x, axis=1)


def check_valid(codes, r, k):
    d = pl.hamming(codes).astype(np.int64)
    assert len(r.medoids) == k and len(set(r.medoids.tolist())) == k
    to_medoids = d[:, r.medoids]
    # Each label is a nearest medoid (ties allowed), and the loss is their sum.
    np.testing.assert_array_equal(to_medoids[np.arange(len(codes)), r.labels], to_medoids.min(axis=1))
    assert r.loss == to_medoids.min(axis=1).sum()
    return d


@pytest.mark.parametrize("k", [5, 12, 30])
def test_loss_within_one_percent_of_reference_fasterpam(k):
    kmedoids = pytest.importorskip("kmedoids")
    codes = clustered_codes()
    r = pl.kmedoids(codes, k, seed=1)
    d = check_valid(codes, r, k)
    ref = kmedoids.fasterpam(d, k, random_state=1, init="build")
    assert r.mode == "matrix"
    assert r.loss <= ref.loss * 1.01, (r.loss, ref.loss)


def test_matrix_free_and_clara_follow_the_memory_budget():
    codes = clustered_codes(n=400)
    full = pl.kmedoids(codes, 8, seed=2)
    free = pl.kmedoids(codes, 8, seed=2, memory="100K")     # 2 * 400^2 = 320 KB > 100 KiB
    clara = pl.kmedoids(codes, 8, seed=2, method="clara", clara_sample_size=200)
    assert (full.mode, free.mode, free.init, clara.mode) == ("matrix", "matrix-free", "lab", "clara")
    for r in (full, free, clara):
        check_valid(codes, r, 8)
    assert free.loss <= full.loss * 1.05 and clara.loss <= full.loss * 1.2
    assert -1 <= full.silhouette <= 1


def test_same_seed_same_result():
    codes = clustered_codes(n=300)
    a = pl.kmedoids(codes, 6, seed=5, init="kmeans++")
    b = pl.kmedoids(codes, 6, seed=5, init="kmeans++")
    np.testing.assert_array_equal(a.medoids, b.medoids)
    np.testing.assert_array_equal(a.labels, b.labels)


def test_equals_cli_cluster(cli, tmp_path):
    codes = clustered_codes(n=500, bits=200)
    np.save(tmp_path / "codes.npy", codes)
    cli("cluster", tmp_path / "codes.npy", "--k", 9, "--seed", 3, "--out", tmp_path / "c.json")
    want = json.loads((tmp_path / "c.json").read_text())
    r = pl.kmedoids(codes, 9, seed=3, bits=200)
    assert r.medoids.tolist() == want["medoids"] and r.labels.tolist() == want["labels"]
    assert (r.loss, r.mode, r.init) == (want["loss"], want["mode"], want["init"])
    assert r.silhouette == pytest.approx(want["silhouette"], abs=1e-9)
