"""How open the mouth was at the loudest of some speech: a hum's closed lips against a word's vowel.

A hum ("mm", "mm-hm", "hmm") is voiced through the nose with the lips shut: its energy sits in
the nasal murmur under ~500 Hz and falls steeply above it. A word said aloud has a vowel, whose
first formant (~700-1000 Hz for an open vowel) lifts the band above. Whisper cannot always tell
them apart ("Mom" said alone is often written "Mm-hm."); this measure can, for the sounds Whisper
writes as a hum. It is relative to the speech itself, so the microphone's gain does not move it,
and only the loudest frames count, so a quiet room's noise barely does. Pure numpy over a second
or two of audio (~0.3 ms), cheap enough for the session to compute when it judges held speech.
"""

from __future__ import annotations

import numpy as np

from ..engines.base import Float32Audio

FRAME = 512
"""Samples per analysed frame (32 ms at 16 kHz), half overlapping."""
LOUDEST_DB = 10.0
"""Frames within this of the loudest frame are the speech's voiced core."""
NASAL_HZ = (60.0, 500.0)
VOWEL_HZ = (700.0, 1500.0)
MIN_FRAMES = 3
MIN_INPUT_RATE = 16_000
"""Input sampled slower (G.711 at 8 kHz) is telephone audio, whose channel passes 300-3400 Hz and
so cuts most of the nasal band: band-limited so, Piper's "Mhm." and "Hmm." measure 3.8 to 8.0 dB
(-4.9 to -8.9 in full band), 9 of 10 words by `backchannel.OPEN_VOWEL_DB`. The session does not
take the measure there; the transcript decides, as it did before the measure."""


def vowel_lift_db(audio: Float32Audio, sample_rate: int) -> float | None:
    """How far the 700-1500 Hz band rises above the 60-500 Hz band in the loudest frames of `audio`
    (their 90th percentile), in dB. Hums stay below it (dev: -0.1 dB at most), words with an open
    vowel rise above ("Mom" 8.8 dB or more). None when there is too little audio to tell."""
    samples = np.asarray(audio, dtype=np.float64).reshape(-1)
    if len(samples) < FRAME + (MIN_FRAMES - 1) * FRAME // 2:
        return None
    frames = np.lib.stride_tricks.sliding_window_view(samples, FRAME)[:: FRAME // 2] * np.hanning(FRAME)
    power = np.abs(np.fft.rfft(frames, axis=1)) ** 2
    freqs = np.fft.rfftfreq(FRAME, 1 / sample_rate)
    level = 10 * np.log10(power[:, freqs >= NASAL_HZ[0]].sum(axis=1) + 1e-12)
    loud = power[level >= level.max() - LOUDEST_DB]
    nasal = loud[:, (freqs >= NASAL_HZ[0]) & (freqs < NASAL_HZ[1])].sum(axis=1)
    vowel = loud[:, (freqs >= VOWEL_HZ[0]) & (freqs < VOWEL_HZ[1])].sum(axis=1)
    return float(np.percentile(10 * np.log10((vowel + 1e-12) / (nasal + 1e-12)), 90))
