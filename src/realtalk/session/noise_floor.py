"""A per-session estimate of the background noise, and the speech gate it sets.

Silero's probability is mostly level-blind: a fan can push it over the threshold for a few
frames, and a room full of talkers keeps it there (babble scores ~0.97 on average), so the agent
stops talking for nobody and the user's turn never ends. The estimate is the mean level of the
frames heard outside speech (an exponential average over ~2 s, started from the quietest frame
of the first half second). In noise, a frame counts as the
user's speech only when it is also louder than the background: `ONSET_MARGIN_DB` above it to
start speech, which then takes `NOISY_ONSET_FRAMES` such frames instead of two, and above its
mean to go on. Speech 5 dB above steady noise still starts (about 100 ms later); in a quiet room
the gate is far below any voice, so quiet speech is never hidden. The client's `threshold` keeps
its meaning: it is still the probability a frame needs.

Tuned on the dev half of `bench/turn_taking.py` (margins 3, 4.5 and 6 dB; 6 was the smallest
with no false start on babble alone).
"""

from __future__ import annotations

NOISY_FLOOR_DB = -55.0
"""Background above this (dBFS, ~30 dB below a close talker) counts as noise."""
ONSET_MARGIN_DB = 6.0
NOISY_ONSET_FRAMES = 3
_ADAPT = 1 / 64
"""Per-frame weight of a new level: ~2 s of 32 ms frames."""
_FIRST_FRAMES = 16
"""For the first half second the estimate is the quietest frame heard (minimum statistics)."""


class NoiseFloor:
    """The level of the session's background, learnt from frames outside speech."""

    def __init__(self) -> None:
        self.level_db: float | None = None
        self._frames = 0

    def observe(self, level_db: float) -> None:
        """A frame heard outside speech."""
        self._frames += 1
        if self.level_db is None:
            self.level_db = level_db
        elif self._frames <= _FIRST_FRAMES:
            # The quietest frame first: a session that opens with speech has quiet gaps between its
            # words, one that opens in chatter has none.
            self.level_db = min(self.level_db, level_db)
        else:
            self.level_db += _ADAPT * (level_db - self.level_db)

    @property
    def noisy(self) -> bool:
        return self.level_db is not None and self.level_db > NOISY_FLOOR_DB

    def onset_frames(self, quiet_frames: int) -> int:
        """Frames in a row an onset needs: one more in noise."""
        return NOISY_ONSET_FRAMES if self.noisy else quiet_frames

    def starts(self, level_db: float) -> bool:
        """Whether a frame may start speech: in noise, it must stand out of it."""
        return self.level_db is None or not self.noisy or level_db >= self.level_db + ONSET_MARGIN_DB

    def continues(self, level_db: float) -> bool:
        """Whether a frame may carry speech on: in noise, it must be louder than the noise's mean."""
        return self.level_db is None or not self.noisy or level_db >= self.level_db
