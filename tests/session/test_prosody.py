from __future__ import annotations

import numpy as np
import pytest

from realtalk.session.prosody import final_drop_db

RATE = 16_000


def tone(ms: int, gain: float | np.ndarray) -> np.ndarray:
    t = np.arange(ms * RATE // 1000) / RATE
    return (gain * np.sin(2 * np.pi * 150 * t)).astype(np.float32)


def test_speech_that_stops_at_full_voice_has_not_fallen() -> None:
    audio = np.concatenate([tone(1000, 0.3), np.zeros(RATE // 10, dtype=np.float32)])
    assert final_drop_db(audio, RATE, pause_ms=100) == pytest.approx(0.0, abs=0.5)


def test_a_word_that_fades_out_has_fallen_by_its_fade() -> None:
    fade = 0.3 * np.logspace(0, -1.5, 200 * RATE // 1000)  # down 30 dB over its last 200 ms
    audio = np.concatenate([tone(1000, 0.3), tone(200, fade), np.zeros(RATE // 10, dtype=np.float32)])
    drop = final_drop_db(audio, RATE, pause_ms=100)
    assert drop is not None and -26 < drop < -16


def test_the_pause_itself_is_not_measured_and_the_gain_does_not_matter() -> None:
    noisy_pause = (0.05 * np.random.default_rng(1).standard_normal(RATE // 5)).astype(np.float32)
    loud = np.concatenate([tone(800, 0.5), noisy_pause])
    quiet = np.concatenate([tone(800, 0.005), np.zeros(RATE // 5, dtype=np.float32)])
    assert final_drop_db(loud, RATE, pause_ms=200) == pytest.approx(0.0, abs=0.5)
    assert final_drop_db(quiet, RATE, pause_ms=200) == pytest.approx(0.0, abs=0.5)


def test_too_little_speech_says_nothing() -> None:
    assert final_drop_db(tone(200, 0.3), RATE, pause_ms=0) is None
    assert final_drop_db(tone(500, 0.3), RATE, pause_ms=400) is None
