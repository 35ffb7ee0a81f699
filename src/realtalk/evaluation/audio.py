"""Reading, measuring and editing the evaluation's audio (mono float32 at 16 kHz)."""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np
import soxr
from numpy.typing import NDArray

SAMPLE_RATE = 16_000
WIRE_RATE = 24_000
"""What the Realtime API's `audio/pcm` input takes."""

Samples = NDArray[np.float32]


def load_wav_16k(path: Path | str) -> Samples:
    """Mono float32 samples in [-1, 1] at 16 kHz from a 16-bit WAV (resampled if needed) or .raw."""
    path = Path(path)
    if path.suffix == ".raw":  # headerless 16 kHz 16-bit, as pocketsphinx's test data ships some
        return np.fromfile(path, dtype="<i2").astype(np.float32) / 32768.0
    with wave.open(str(path), "rb") as wav:
        if wav.getsampwidth() != 2:
            raise ValueError(f"{path}: only 16-bit WAV is supported")
        rate, channels = wav.getframerate(), wav.getnchannels()
        pcm = np.frombuffer(wav.readframes(wav.getnframes()), dtype="<i2")
    samples: Samples = pcm.reshape(-1, channels).mean(axis=1).astype(np.float32) / 32768.0
    if rate != SAMPLE_RATE:
        samples = np.asarray(soxr.resample(samples, rate, SAMPLE_RATE), dtype=np.float32)
    return samples


def write_wav_16k(path: Path | str, samples: Samples) -> None:
    """Write mono 16 kHz 16-bit PCM."""
    pcm = (np.clip(samples, -1.0, 1.0) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(SAMPLE_RATE)
        wav.writeframes(pcm.tobytes())


def silence(ms: float) -> Samples:
    return np.zeros(round(ms * SAMPLE_RATE / 1000), dtype=np.float32)


def pcm24k(samples: Samples) -> bytes:
    """16 kHz float samples as the wire's 24 kHz PCM16."""
    resampled = soxr.resample(samples, SAMPLE_RATE, WIRE_RATE)
    return bytes((np.clip(resampled, -1.0, 1.0) * 32767).astype("<i2").tobytes())


def frame_levels_db(samples: Samples, frame_ms: int = 20) -> NDArray[np.float64]:
    """Energy of each `frame_ms` window, in dB relative to full scale."""
    window = SAMPLE_RATE * frame_ms // 1000
    frames = samples[: len(samples) // window * window].reshape(-1, window).astype(np.float64)
    levels: NDArray[np.float64] = 10 * np.log10(np.mean(frames**2, axis=1) + 1e-12)
    return levels


def speech_bounds_ms(samples: Samples) -> tuple[float, float]:
    """Acoustic onset and end of speech: first and last 20 ms window within 30 dB of the loudest."""
    levels = frame_levels_db(samples)
    loud = np.flatnonzero(levels > levels.max() - 30)
    return float(loud[0] * 20), float((loud[-1] + 1) * 20)


def active_level_db(samples: Samples) -> float:
    """Mean power of the windows within 30 dB of the loudest (a simple active speech level)."""
    levels = frame_levels_db(samples)
    active = levels[levels > levels.max() - 30]
    return float(10 * np.log10(np.mean(10 ** (active / 10))))


def word_gaps_ms(samples: Samples, min_gap_ms: int = 40) -> list[float]:
    """Middles of the quiet stretches between words (>= `min_gap_ms` at least 20 dB down)."""
    levels = frame_levels_db(samples)
    quiet = levels < levels.max() - 20
    start, end = speech_bounds_ms(samples)
    gaps: list[float] = []
    run_start: int | None = None
    for index, is_quiet in enumerate([*quiet, False]):
        if is_quiet and run_start is None:
            run_start = index
        elif not is_quiet and run_start is not None:
            if (index - run_start) * 20 >= min_gap_ms:
                middle = (run_start + index) / 2 * 20
                if start < middle < end:
                    gaps.append(middle)
            run_start = None
    return gaps


def splice_pauses(samples: Samples, pauses: list[tuple[float, float]]) -> Samples:
    """Insert (at_ms, length_ms) stretches of silence; positions refer to the original audio."""
    pieces: list[Samples] = []
    cursor = 0
    for at_ms, length_ms in sorted(pauses):
        cut = round(at_ms * SAMPLE_RATE / 1000)
        pieces += [samples[cursor:cut], silence(length_ms)]
        cursor = cut
    pieces.append(samples[cursor:])
    return np.concatenate(pieces).astype(np.float32)
