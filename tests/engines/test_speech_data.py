"""The shared speech-data helpers."""

from __future__ import annotations

import numpy as np
import pytest

from tests.speech_data import (
    all_clips,
    cards_clips,
    librivox_clips,
    load_wav_16k,
    normalize_text,
    word_error_rate,
)


def test_clips_load() -> None:
    assert len(librivox_clips()) == 5 and len(cards_clips()) == 5 and len(all_clips()) == 11
    assert librivox_clips()[1][1] == "he was not an ill disposed young man"
    for path, transcript in all_clips():
        audio = load_wav_16k(path)
        assert audio.dtype == np.float32 and 1.0 < len(audio) / 16_000 < 8.0, path
        assert 0.05 < np.abs(audio).max() <= 1.0
        assert transcript and transcript == transcript.lower().strip()


def test_normalize_text() -> None:
    assert normalize_text("Go forward 10 meters.") == "go forward ten meters"
    assert normalize_text("He was an ill-disposed, young man!") == "he was an ill disposed young man"


def test_word_error_rate() -> None:
    assert word_error_rate("ten of clubs", "10 of Clubs.") == 0.0
    assert word_error_rate("ten of clubs", "") == 1.0
    assert word_error_rate(["a b", "c d"], ["a b", "c x"]) == pytest.approx(0.25)
