"""ProbeDirectory reads a CLI probe: codes and labels agree with the clusters (labels are the
nearest medoid by Hamming distance), token texts equal the corpus bytes at the recorded spans,
the report shows inline, and bad directories raise one-line errors."""
import numpy as np
import pytest

import polytopelens as pl


@pytest.fixture(scope="module")
def probe_dir(cli, root, tmp_path_factory):
    out = tmp_path_factory.mktemp("probe")
    cli("probe", "--model", root / "models" / "gpt2-relu.pb", "--corpus", root / "corpora" / "austen",
        "--max-windows", 12, "--k", 6, "--layer", 1, "--quiet", "--out", out)
    return out


def test_codes_labels_and_clusters_agree(probe_dir):
    p = pl.ProbeDirectory(probe_dir)
    codes, labels = p.codes(), p.labels()
    n = p.summary["tokens_recorded"]
    assert p.layers == [1] and codes.shape == (n, 512 // 8) and labels.shape == (n,)
    clusters = p.clusters()
    medoids = np.array([c["medoid_row"] for c in clusters])
    d = pl.hamming(np.ascontiguousarray(codes), np.ascontiguousarray(codes[medoids])).astype(int)
    np.testing.assert_array_equal(d[np.arange(n), labels], d.min(axis=1))
    assert sorted(c["size"] for c in clusters) == sorted(np.bincount(labels, minlength=len(clusters)).tolist())


def test_tokens_are_the_corpus_bytes_at_the_recorded_spans(probe_dir):
    p = pl.ProbeDirectory(probe_dir)
    rec = p.records
    rows = [0, len(rec) // 2, len(rec) - 1]
    toks = p.tokens(rows, context=40)
    for r, t in zip(rows, toks):
        raw = open(t["source"], "rb").read()
        assert t["byte_start"] == rec[r]["byte_start"] and t["token_id"] == rec[r]["token_id"]
        assert t["text"].encode() == raw[t["byte_start"]:t["byte_end"]]
        assert raw[:t["byte_start"]].endswith(t["left"].encode()) and len(t["left"].encode()) <= 40
        assert raw[t["byte_end"]:].startswith(t["right"].encode())
    medoid = p.clusters()[0]
    assert p.tokens([medoid["medoid_row"]])[0]["text"] == medoid["medoid"]["text"]


def test_report_displays_inline(probe_dir):
    p = pl.ProbeDirectory(probe_dir)
    page = p._repr_html_()
    assert page.startswith("<iframe srcdoc=") and "&lt;html" in page.lower()
    assert "polytope-gpt2-relu" in repr(p)


def test_bad_probe_directories(tmp_path, probe_dir):
    with pytest.raises(pl.PolytopeError, match="no such probe directory"):
        pl.ProbeDirectory(tmp_path / "missing")
    with pytest.raises(pl.PolytopeError, match="summary.json"):
        pl.ProbeDirectory(tmp_path)
    p = pl.ProbeDirectory(probe_dir)
    with pytest.raises(pl.PolytopeError, match="layer 3 was not probed"):
        p.codes(3)
    with pytest.raises(pl.PolytopeError, match="out of range"):
        p.tokens([10**6])
