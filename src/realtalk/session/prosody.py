"""How the speech before a pause ends: how far its last 100 ms fall below the turn's loud level.

A speaker who has finished lets the last word fade (the intensity of an utterance's final
syllable falls with its pitch), one who breaks off mid-sentence mostly stops at full voice. The
measure is relative to the turn itself, so the microphone's gain does not move it, and it ends at
the last speech frame, so the pause's own noise does not enter it. Pure numpy over ~3 s of audio
(~0.1 ms), cheap enough to compute in the session at each pause.
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


def final_drop_db(audio: Float32Audio, sample_rate: int, pause_ms: float) -> float | None:
    """Level of the last `TAIL_MS` of speech in `audio` (which ends `pause_ms` into a pause) against
    the 90th percentile of its 20 ms frames' levels, in dB (0 or above: at full voice; -20: faded).
    None when there is too little speech to tell."""
    end = len(audio) - round(pause_ms * sample_rate / 1000)
    speech = np.asarray(
        audio[max(0, end - LOOKBACK_MS * sample_rate // 1000) : max(0, end)], dtype=np.float64
    )
    frame = FRAME_MS * sample_rate // 1000
    count = len(speech) // frame
    if count * FRAME_MS < MIN_SPEECH_MS:
        return None
    frames = speech[len(speech) - count * frame :].reshape(count, frame)
    levels = 10 * np.log10(np.mean(frames**2, axis=1) + 1e-10)
    tail = frames[-(TAIL_MS // FRAME_MS) :]
    return float(10 * np.log10(np.mean(tail**2) + 1e-10) - np.percentile(levels, 90))
