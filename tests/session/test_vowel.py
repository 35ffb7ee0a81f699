"""A hum's closed lips against a word's open vowel (`session/vowel.py`), on sounds made to measure."""

from __future__ import annotations

import numpy as np
import pytest

from realtalk.session.backchannel import OPEN_VOWEL_DB
from realtalk.session.vowel import vowel_lift_db

RATE = 16_000
NASAL_MURMUR = ((250.0, 60.0),)
OPEN_A = ((800.0, 60.0), (1150.0, 80.0), (2500.0, 160.0))
"""Resonances (Hz, bandwidth): the nasal murmur of "mm", and the formants of the "o" in "Mom"."""


def voiced(ms: int, resonances: tuple[tuple[float, float], ...], f0: float = 120.0) -> np.ndarray:
    """A voice's harmonics shaped by a vocal tract's resonances, with a soft onset and offset."""
    t = np.arange(ms * RATE // 1000) / RATE
    out = np.zeros_like(t)
    for k in range(1, int(4000 // f0)):
        harmonic = k * f0
        gain = np.prod([1 / np.hypot(1 - (harmonic / f) ** 2, harmonic * bw / f**2) for f, bw in resonances])
        out += gain / k * np.sin(2 * np.pi * harmonic * t + k)
    out *= np.minimum(1, np.minimum(t / 0.03, (t[-1] - t) / 0.05))
    return (0.3 * out / np.abs(out).max()).astype(np.float32)


@pytest.mark.parametrize("f0", [100.0, 220.0])
def test_a_hum_stays_shut_and_an_open_vowel_opens(f0: float) -> None:
    hum = vowel_lift_db(voiced(600, NASAL_MURMUR, f0), RATE)
    m = 0.2 * voiced(80, NASAL_MURMUR, f0)  # a nasal consonant is quieter than the vowel it frames
    mom = vowel_lift_db(np.concatenate([m, voiced(250, OPEN_A, f0), m]), RATE)
    assert hum is not None and hum < OPEN_VOWEL_DB - 10
    assert mom is not None and mom > OPEN_VOWEL_DB + 2, "the vowel's loud frames decide, not the nasals"


def test_the_gain_and_a_quiet_room_do_not_move_it() -> None:
    vowel = voiced(400, OPEN_A)
    room = 0.003 * np.random.default_rng(1).standard_normal(RATE).astype(np.float32)
    loud = vowel_lift_db(np.concatenate([room, vowel, room]), RATE)
    quiet = vowel_lift_db(np.concatenate([room, vowel, room]) * 0.1, RATE)
    assert loud == pytest.approx(vowel_lift_db(vowel, RATE), abs=1.0)
    assert quiet == pytest.approx(loud, abs=0.01)


def test_too_little_audio_says_nothing() -> None:
    assert vowel_lift_db(voiced(30, OPEN_A), RATE) is None
