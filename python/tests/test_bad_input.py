"""Bad input raises PolytopeError with one clear line; the interpreter survives."""
import numpy as np
import pytest

import polytopelens as pl


def one_line(excinfo):
    msg = str(excinfo.value)
    assert msg and "\n" not in msg
    return msg


def test_wrong_dtype():
    with pytest.raises(pl.PolytopeError) as e:
        pl.codes_from_preacts(np.zeros((3, 4), np.float64))
    assert "float64" in one_line(e) and "float32" in one_line(e)
    with pytest.raises(pl.PolytopeError) as e:
        pl.hamming(np.zeros((3, 4), np.int32))
    assert "int32" in one_line(e)
    with pytest.raises(pl.PolytopeError) as e:
        pl.kmedoids(np.zeros((3, 4), bool), 2)
    assert "packbits" in one_line(e)


def test_non_contiguous():
    x = np.zeros((10, 16), np.float32)[:, ::2]
    with pytest.raises(pl.PolytopeError) as e:
        pl.codes_from_preacts(x)
    assert "C-contiguous" in one_line(e)
    with pytest.raises(pl.PolytopeError) as e:
        pl.hamming(np.zeros((10, 8), np.uint8).T)
    assert "C-contiguous" in one_line(e)


def test_wrong_rank_and_width():
    with pytest.raises(pl.PolytopeError):
        pl.codes_from_preacts(np.zeros(5, np.float32))
    with pytest.raises(pl.PolytopeError) as e:
        pl.hamming(np.zeros((2, 2), np.uint8), np.zeros((2, 3), np.uint8))
    assert "wide" in one_line(e)
    with pytest.raises(pl.PolytopeError) as e:
        pl.hamming(np.zeros((2, 2), np.uint8), bits=30)
    assert "30 bits" in one_line(e)


@pytest.mark.parametrize("k", [0, -1, 11])
def test_k_out_of_range(k):
    with pytest.raises(pl.PolytopeError) as e:
        pl.kmedoids(np.zeros((10, 4), np.uint8), k)
    assert one_line(e) == f"k = {k} is out of range: need 1 <= k <= 10 (the number of codes)"


def test_bad_names_and_budget():
    codes = np.packbits(np.random.default_rng(0).random((50, 40)) < 0.5, axis=1)
    with pytest.raises(pl.PolytopeError) as e:
        pl.kmedoids(codes, 3, method="pam")
    assert "method must be one of" in one_line(e)
    with pytest.raises(pl.PolytopeError) as e:
        pl.kmedoids(codes, 3, memory="lots")
    assert "memory" in one_line(e)
    with pytest.raises(pl.PolytopeError) as e:
        pl.kmedoids(codes, 3, mode="matrix", memory=100)
    assert "memory budget" in one_line(e)
    with pytest.raises(pl.PolytopeError) as e:
        pl.kmedoids(np.zeros((0, 4), np.uint8), 1)
    assert "no codes" in one_line(e)


def test_missing_and_broken_model_files(tmp_path, model_path):
    with pytest.raises(pl.PolytopeError) as e:
        pl.Model(tmp_path / "missing.pb")
    assert "missing.pb" in one_line(e)
    cut = tmp_path / "cut.pb"
    cut.write_bytes(model_path.read_bytes()[:1000])
    with pytest.raises(pl.PolytopeError) as e:
        pl.Model(cut)
    assert "cut.pb" in one_line(e)
    with pytest.raises(pl.PolytopeError) as e:
        pl.Model(model_path, plugins=[tmp_path / "nope.so"])
    assert "nope.so" in one_line(e)


def test_bad_run_arguments(model_path):
    m = pl.Model(model_path)
    with pytest.raises(pl.PolytopeError) as e:
        m.run("hello", hooks=["blocks.99.mlp.hook_pre"])
    assert "blocks.99.mlp.hook_pre" in one_line(e)
    with pytest.raises(pl.PolytopeError) as e:
        m.run([1, 2, 10**6], hooks=["logits"])
    assert "outside the vocabulary" in one_line(e)
    with pytest.raises(pl.PolytopeError) as e:
        m.run([], hooks=["logits"])
    assert "no tokens" in one_line(e)
    with pytest.raises(pl.PolytopeError) as e:
        m.run(list(range(m.context_length + 1)), hooks=["logits"])
    assert "context length" in one_line(e)
    with pytest.raises(pl.PolytopeError) as e:
        m.tokenize(b"\xff\xfe")
    assert "UTF-8" in one_line(e)
    m.close()
    with pytest.raises(pl.PolytopeError):
        m.run("hello", hooks=["logits"])
