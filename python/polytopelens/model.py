"""Models: load a .pb model file (with plugins), tokenize, run with TransformerLens-style hooks."""
from __future__ import annotations

import ctypes
import json
import os

import numpy as np

from ._capi import PolytopeError, call, lib, take_string


class Model:
    """A PolytopeLens model file, loaded and validated (as `polytope --model PATH --plugin P`).

    >>> m = Model("models/gpt2-relu.pb")
    >>> out = m.run("It is a truth universally acknowledged", hooks=["blocks.0.mlp.hook_pre"])
    >>> out["blocks.0.mlp.hook_pre"].shape        # float32 [tokens, width]
    """

    def __init__(self, path, plugins=()):
        self.path = os.fspath(path)
        plugin_paths = [os.fspath(p).encode() for p in plugins]
        arr = (ctypes.c_char_p * max(len(plugin_paths), 1))(*plugin_paths)
        handle = ctypes.c_void_p()
        call(lib.pl_model_open, self.path.encode(), arr, len(plugin_paths), ctypes.byref(handle))
        self._handle = handle
        p = ctypes.c_void_p()
        call(lib.pl_model_info, self._handle, ctypes.byref(p))
        self.info = json.loads(take_string(p))

    def close(self) -> None:
        """Releases the model (also done when it is garbage-collected)."""
        h, self._handle = getattr(self, "_handle", None), None
        if h:
            lib.pl_model_free(h)

    def __del__(self):
        self.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _live(self):
        if not self._handle:
            raise PolytopeError("the model was closed", 1)
        return self._handle

    @property
    def name(self) -> str:
        return self.info["name"]

    @property
    def hooks(self) -> list[str]:
        """Every hook name in execution order (`blocks.L.mlp.hook_pre`, ...)."""
        return [h["name"] for h in self.info["hooks"]]

    @property
    def mlp_layers(self) -> list[int]:
        return list(self.info["mlp_layers"])

    @property
    def context_length(self) -> int:
        return self.info["context_length"]

    def hook_width(self, hook: str) -> int:
        w = ctypes.c_int64()
        call(lib.pl_model_hook_width, self._live(), hook.encode(), ctypes.byref(w))
        return w.value

    def tokenize(self, text, offsets: bool = False):
        """Token ids (int32 [n]) of `text` (str or UTF-8 bytes) with the model's own tokenizer,
        as `polytope tokenize`; with offsets=True also the UTF-8 byte spans (int64 [n, 2])."""
        data = text.encode("utf-8") if isinstance(text, str) else bytes(text)
        ids_p = ctypes.POINTER(ctypes.c_int32)()
        off_p = ctypes.POINTER(ctypes.c_int64)()
        n = ctypes.c_int64()
        call(lib.pl_model_tokenize, self._live(), data, len(data), ctypes.byref(ids_p), ctypes.byref(off_p), ctypes.byref(n))
        try:
            ids = np.ctypeslib.as_array(ids_p, shape=(n.value,)).copy() if n.value else np.empty(0, np.int32)
            spans = np.ctypeslib.as_array(off_p, shape=(n.value, 2)).copy() if n.value else np.empty((0, 2), np.int64)
        finally:
            lib.pl_free(ids_p)
            lib.pl_free(off_p)
        return (ids, spans) if offsets else ids

    def run(self, ids_or_text, hooks) -> dict:
        """Runs one input (text, or a sequence of token ids) and returns {hook: float32
        [tokens, width]} for the requested hooks, as `polytope run` writes them. Only what the
        hooks need is computed; the GIL is released during the forward pass."""
        if isinstance(hooks, str):
            hooks = [hooks]
        hooks = list(hooks)
        if isinstance(ids_or_text, (str, bytes)):
            ids = self.tokenize(ids_or_text)
        else:
            ids = np.asarray(ids_or_text)
            if ids.ndim != 1 or (ids.size and ids.dtype.kind not in "iu"):
                raise PolytopeError(f"ids: expected a 1-D sequence of integer token ids, got {ids.dtype} {ids.shape}", 1)
            ids = np.ascontiguousarray(ids, dtype=np.int32)   # a copy only when not already int32
        outs = {h: np.empty((len(ids), self.hook_width(h)), dtype=np.float32) for h in hooks}
        f32p = ctypes.POINTER(ctypes.c_float)
        hook_arr = (ctypes.c_char_p * max(len(hooks), 1))(*[h.encode() for h in hooks])
        out_arr = (f32p * max(len(hooks), 1))(*[outs[h].ctypes.data_as(f32p) for h in hooks])
        call(lib.pl_model_run, self._live(), ids.ctypes.data_as(ctypes.POINTER(ctypes.c_int32)), len(ids), hook_arr,
             len(hooks), out_arr)
        return outs

    def __repr__(self):
        return f"Model({self.path!r}: {self.name}, {len(self.mlp_layers)} MLP layers, context {self.context_length})"
