"""How the speech before a pause ends: how far its last 100 ms fall below the turn's loud level.

A speaker who has finished lets the last word fade (the intensity of an utterance's final
syllable falls with its pitch), one who breaks off mid-sentence mostly stops at full voice. The
fade runs on below what VAD still calls speech (often past the moment the pause is judged), so
the speech is taken to end at the last 20 ms frame still within 35 dB of the turn's loudest and
6 dB above its quietest (the room's noise: a noisy room reads as less faded, which only makes the
turn wait). The
measure is relative to the turn itself, so the microphone's gain does not move it. Pure numpy
over a few seconds of audio (~0.2 ms), cheap enough for the session to compute at each pause.
"""

from __future__ import annotations

import numpy as np

from ..engines.base import Float32Audio

FRAME_MS = 20
TAIL_MS = 100
"""The end of the speech that is compared with the turn's loud level."""
LOOKBACK_MS = 3000
"""How much of the turn sets its loud level (recent speech; a long turn is not scanned whole)."""
MIN_SPEECH_MS = 300
"""Shorter speech says nothing about its shape."""
SPEECH_RANGE_DB = 35.0
ABOVE_NOISE_DB = 6.0


def final_drop_db(audio: Float32Audio, sample_rate: int, pause_ms: float) -> float | None:
    """Level of the last `TAIL_MS` of speech in `audio` (which ends `pause_ms` into a pause) against
    the 90th percentile of its loud 20 ms frames, in dB (about 0: stopped at full voice; -25: faded).
    None when there is too little speech to tell."""
    frame = FRAME_MS * sample_rate // 1000
    recent = np.asarray(audio[-(LOOKBACK_MS + int(pause_ms)) * sample_rate // 1000 :], dtype=np.float64)
    count = len(recent) // frame
    levels = 10 * np.log10(
        np.mean(recent[len(recent) - count * frame :].reshape(count, frame) ** 2, axis=1) + 1e-10
    )
    if count * FRAME_MS - pause_ms < MIN_SPEECH_MS:
        return None
    floor = np.percentile(levels, 5)
    loud = np.flatnonzero(levels > max(levels.max() - SPEECH_RANGE_DB, floor + ABOVE_NOISE_DB))
    if len(loud) * FRAME_MS < MIN_SPEECH_MS:
        return None
    last = loud[-1]
    tail = levels[max(0, last + 1 - TAIL_MS // FRAME_MS) : last + 1]
    return float(tail.mean() - np.percentile(levels[loud], 90))
