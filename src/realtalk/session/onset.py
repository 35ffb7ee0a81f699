"""A provisional speech onset, heard on 10 ms sub-frames long before VAD confirms speech.

VAD starts speech after two 32 ms Silero frames over its threshold (three in noise), and
Silero's probability rises a frame late: over WebRTC `speech_started` comes ~175 ms after the
onset left the caller's microphone, and the agent talks on all that time. A 10 ms sub-frame
`MARGIN_DB` louder than the session's noise floor (and at least `MIN_LEVEL_DB`) is heard as soon
as it arrives. The session pauses the agent's audio there (a *duck*); VAD then has `CONFIRM_MS`
of audio to confirm speech, or the audio resumes where it paused (a click, a cough, a door).

After an unconfirmed onset the watch re-arms only once the level has stayed under its threshold
for `REARM_MS`, so a loud stretch of noise pauses the agent once, not every `CONFIRM_MS`.
"""

from __future__ import annotations

import numpy as np

from ..engines.base import Float32Audio
from .noise_floor import NoiseFloor

SUBFRAME_MS = 10
MARGIN_DB = 12.0
"""Above the noise floor's mean: babble and fans wander a few dB, a voice's first syllable more."""
MIN_LEVEL_DB = -40.0
"""Never quieter than this (dBFS), ~14 dB under a talker's usual level: the hiss of a microphone
(-45 to -55 dBFS in the recorded test speech) or a far-off sound is no onset. A quieter talker
is not paused early; VAD's `speech_started` still interrupts them."""
CONFIRM_MS = 200
"""VAD confirms a real onset within ~70-130 ms of it (two or three frames, plus Silero's lag)."""
REARM_MS = 100


class OnsetWatch:
    """Finds provisional onsets in the input audio, and notices when VAD leaves one unconfirmed."""

    def __init__(self, noise: NoiseFloor, sample_rate: int, clock_ms: float = 0.0) -> None:
        """`clock_ms`: how much input audio the session has heard (the clock VAD counts in too)."""
        self._noise = noise
        self._subframe = sample_rate * SUBFRAME_MS // 1000
        self._ms_per_sample = 1000 / sample_rate
        self._pending = np.zeros(0, dtype=np.float32)
        self.clock_ms = clock_ms
        self._since_ms: float | None = None
        """When the onset being judged was heard (None: none is)."""
        self._quiet_ms = float(REARM_MS)
        """How long the level has been under the threshold (the watch is armed at `REARM_MS`)."""

    def hear(self, samples: Float32Audio, listening: bool) -> bool:
        """New input audio. True: an onset starts in it. `listening`: no speech is in progress."""
        pending = np.concatenate([self._pending, samples])
        usable = len(pending) - len(pending) % self._subframe
        frames = pending[:usable].reshape(-1, self._subframe)
        levels = 10 * np.log10(np.mean(np.square(frames, dtype=np.float64), axis=1) + 1e-10)
        onset = False
        for level in levels:
            self.clock_ms += self._subframe * self._ms_per_sample
            if level < self._threshold_db():
                self._quiet_ms += SUBFRAME_MS
                continue
            if listening and not onset and self._since_ms is None and self._quiet_ms >= REARM_MS:
                self._since_ms = self.clock_ms - SUBFRAME_MS
                onset = True
            self._quiet_ms = 0.0
        self._pending = pending[usable:]
        return onset

    def unconfirmed(self, speaking: bool, vad_ms: float) -> bool:
        """True once VAD has judged `CONFIRM_MS` of audio from the onset on and found no speech.

        `vad_ms`: how far VAD has got (it lags the input by what the resampler and its own frame
        hold back, 20-60 ms).
        """
        if self._since_ms is None:
            return False
        if speaking:
            self._since_ms = None  # confirmed: speech_started took it from here
            return False
        if vad_ms - self._since_ms < CONFIRM_MS:
            return False
        self._since_ms = None
        self._quiet_ms = 0.0
        return True

    def reset(self) -> None:
        """Forget an onset being judged (the input was cleared)."""
        self._since_ms = None

    def _threshold_db(self) -> float:
        floor = self._noise.level_db
        return MIN_LEVEL_DB if floor is None else max(MIN_LEVEL_DB, floor + MARGIN_DB)
