"""Model.tokenize and Model.run equal the CLI's `polytope tokenize --json` and `polytope run` .npy files."""
import json

import numpy as np
import pytest

import polytopelens as pl

TEXT = "It is a truth universally acknowledged, that a single man in possession of a good fortune"


def test_tokenize_equals_cli(cli, model_path):
    m = pl.Model(model_path)
    ids, spans = m.tokenize(TEXT, offsets=True)
    out = json.loads(cli("tokenize", "--model", model_path, "--json", "--text", TEXT).stdout)
    assert ids.tolist() == out["ids"] and len(ids) > 5
    assert spans.tolist() == out["offsets"]


@pytest.mark.parametrize("model_name", ["gpt2-relu.pb", "gpt2-gelu.pb"])
def test_run_equals_cli_npy(cli, root, tmp_path, model_name):
    path = root / "models" / model_name
    m = pl.Model(path)
    hooks = ["blocks.0.mlp.hook_pre", f"blocks.{m.mlp_layers[-1]}.hook_resid_post", "logits"]
    out = m.run(TEXT, hooks=hooks)
    cli("run", "--model", path, "--text", TEXT, *sum([["--hook", h] for h in hooks], []), "--out", tmp_path)
    for h in hooks:
        want = np.load(tmp_path / f"{h}.npy")
        assert out[h].dtype == np.float32 and out[h].shape == want.shape
        np.testing.assert_array_equal(out[h], want)


def test_run_ids_equals_run_text_and_codes_from_hook(model_path):
    m = pl.Model(model_path)
    ids = m.tokenize(TEXT)
    hook = "blocks.1.mlp.hook_pre"
    a = m.run(TEXT, hooks=[hook])[hook]
    b = m.run(ids.tolist(), hooks=hook)[hook]
    np.testing.assert_array_equal(a, b)
    assert a.shape == (len(ids), m.hook_width(hook))
    np.testing.assert_array_equal(pl.codes_from_preacts(a), np.packbits(a > 0, axis=1))


def test_model_info(model_path):
    m = pl.Model(model_path)
    assert "blocks.0.mlp.hook_pre" in m.hooks and m.mlp_layers == [0, 1, 2, 3]
    assert m.context_length > 0 and m.info["has_tokenizer"]


def test_plugins_load_next_to_the_builtins(root, model_path):
    plugin = root / ".build" / "debug" / "libPolytopeLeakyReLU.so"
    if not plugin.exists():
        pytest.skip("the example plugin is not built (swift build)")
    with_plugin = pl.Model(model_path, plugins=[plugin])
    plain = pl.Model(model_path)
    hook = "blocks.0.mlp.hook_post"
    np.testing.assert_array_equal(with_plugin.run(TEXT, hooks=[hook])[hook], plain.run(TEXT, hooks=[hook])[hook])
