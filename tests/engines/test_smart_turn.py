"""Smart Turn v3.2 on recorded speech: a finished sentence sounds finished, a cut one does not."""

from __future__ import annotations

import numpy as np
import pytest

from realtalk.engines.smart_turn import SmartTurn
from tests.speech_data import librivox_clips, load_wav_16k, silence_16k, speech_data_available

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not speech_data_available(), reason="needs pocketsphinx-testdata (scripts/setup.sh --dev)"
    ),
]


def test_finished_and_unfinished_sentences() -> None:
    model = SmartTurn()
    # "had he married a more amiable woman he might have been made still more respectable ..."
    speech = load_wav_16k(librivox_clips()[3][0])
    pause = silence_16k(0.2)
    finished = model.completion_probability(np.concatenate([speech[: int(5.8 * 16000)], pause]))
    cut = model.completion_probability(np.concatenate([speech[: int(3.2 * 16000)], pause]))  # "...he might"
    # Told apart at the model's own boundary, and far apart (0.21 on some machines, under 0.2 on others).
    assert finished > 0.9 and cut < 0.5 and finished - cut > 0.6
    assert 0.0 <= model.completion_probability(np.zeros(0, dtype=np.float32)) <= 1.0
