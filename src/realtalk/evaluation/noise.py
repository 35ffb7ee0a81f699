"""Generated background noise, mixed into speech at a chosen signal-to-noise ratio.

Levels follow a simple active speech level (see `audio.active_level_db`). Noise alone is set
relative to `REFERENCE_SPEECH_DB`, the level of a talker close to the microphone (ITU-T P.56's
nominal -26 dBov), so "noise at 10 dB" means the same loudness with or without speech.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np

from .audio import SAMPLE_RATE, Samples

NoiseKind = Literal["white", "pink", "babble", "hum"]
NOISE_KINDS: tuple[NoiseKind, ...] = ("white", "pink", "babble", "hum")
REFERENCE_SPEECH_DB = -26.0
BABBLE_TALKERS = 6


def generate(kind: NoiseKind, samples: int, *, seed: int = 0, talkers: Sequence[Samples] = ()) -> Samples:
    """`samples` of unit-power noise. `babble` needs recorded `talkers` to overlap."""
    rng = np.random.default_rng(seed)
    if kind == "white":
        noise = rng.standard_normal(samples)
    elif kind == "pink":
        # 1/f power: shape white noise's spectrum by 1/sqrt(f).
        spectrum = np.fft.rfft(rng.standard_normal(samples))
        freqs = np.fft.rfftfreq(samples, 1 / SAMPLE_RATE)
        spectrum[1:] /= np.sqrt(freqs[1:])
        spectrum[0] = 0
        noise = np.fft.irfft(spectrum, samples)
    elif kind == "hum":
        # Mains hum and its harmonics, as a fan or a transformer makes them, with a little hiss.
        t = np.arange(samples) / SAMPLE_RATE
        harmonics = [np.sin(2 * np.pi * 50 * h * t + rng.uniform(0, 6.3)) / h for h in (1, 2, 3, 4, 6)]
        noise = np.sum(harmonics, axis=0) + 0.05 * rng.standard_normal(samples)
    elif kind == "babble":
        if not talkers:
            raise ValueError("babble noise needs recordings of talkers")
        noise = np.zeros(samples)
        for index in range(BABBLE_TALKERS):
            voice = talkers[index % len(talkers)]
            tiled = np.tile(voice, samples // len(voice) + 2)
            start = int(rng.integers(0, len(voice)))
            noise += tiled[start : start + samples]
    else:
        raise ValueError(f"unknown noise type {kind!r}; expected one of {', '.join(NOISE_KINDS)}")
    noise = np.asarray(noise, dtype=np.float64)
    noise /= np.sqrt(np.mean(noise**2)) + 1e-12
    return noise.astype(np.float32)


def mix(
    samples: Samples, noise: Samples, snr_db: float, speech_level_db: float = REFERENCE_SPEECH_DB
) -> Samples:
    """`samples` plus `noise` (same length) scaled to `snr_db` below `speech_level_db`."""
    gain = 10 ** ((speech_level_db - snr_db) / 20) / (np.sqrt(np.mean(noise.astype(np.float64) ** 2)) + 1e-12)
    mixed: Samples = np.clip(samples + gain * noise, -1.0, 1.0).astype(np.float32)
    return mixed
