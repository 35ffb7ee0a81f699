"""The MiniLM sentence embedder (numpy) on the real packaged weights."""

from __future__ import annotations

import numpy as np

from realtalk.engines.minilm_embedder import shared


def test_matches_the_reference_similarities_of_the_model_card() -> None:
    """sentence-transformers' README for all-MiniLM-L6-v2 (torch) prints 0.6660, 0.1046, 0.1411."""
    vectors = shared().embed(
        ["The weather is lovely today.", "It's so sunny outside!", "He drove to the stadium."]
    )
    assert vectors.shape == (3, 384) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1, atol=1e-4)
    similarity = vectors @ vectors.T
    assert np.allclose(
        [similarity[0, 1], similarity[0, 2], similarity[1, 2]], [0.6660, 0.1046, 0.1411], atol=2e-3
    )


def test_one_model_per_process_and_embeddings_do_not_depend_on_the_batch() -> None:
    assert shared() is shared()
    alone = shared().embed(["Anything overdue?"])[0]
    batched = shared()._forward(["Anything overdue?", "a much longer sentence that pads the other one out"])[
        0
    ]
    assert np.allclose(alone, batched, atol=1e-4)
