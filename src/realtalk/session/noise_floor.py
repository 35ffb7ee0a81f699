"""A per-session estimate of the background noise, and the speech-onset gate it sets.

Silero's probability is mostly level-blind: a fan or a café's chatter can push it over the
threshold for a few frames, and each time the agent stops talking for nobody. The estimate is
the mean level of the frames heard outside speech (an exponential average over ~2 s); in noise,
a frame only counts towards a speech onset when it is also `ONSET_MARGIN_DB` above that level,
and an onset takes `NOISY_ONSET_FRAMES` such frames instead of two. Speech 5 dB above the noise
still clears the margin, and in a quiet room the gate is far below any voice, so quiet speech is
never hidden. The client's `threshold` keeps its meaning: it is still the probability a frame
needs.
"""

from __future__ import annotations

NOISY_FLOOR_DB = -55.0
"""Background above this (dBFS, ~30 dB below a close talker) counts as noise."""
ONSET_MARGIN_DB = 3.0
NOISY_ONSET_FRAMES = 3
_ADAPT = 1 / 64
"""Per-frame weight of a new level: ~2 s of 32 ms frames."""
_FIRST_FRAMES = 16
"""Frames averaged plainly at first, so the estimate settles in half a second."""


class NoiseFloor:
    """The level of the session's background, learnt from frames outside speech."""

    def __init__(self) -> None:
        self.level_db: float | None = None
        self._frames = 0

    def observe(self, level_db: float) -> None:
        """A frame that was not speech (nor a candidate onset)."""
        self._frames += 1
        if self.level_db is None:
            self.level_db = level_db
        else:
            weight = max(_ADAPT, 1 / min(self._frames, _FIRST_FRAMES))
            self.level_db += weight * (level_db - self.level_db)

    @property
    def noisy(self) -> bool:
        return self.level_db is not None and self.level_db > NOISY_FLOOR_DB

    def onset_frames(self, quiet_frames: int) -> int:
        """Frames in a row an onset needs: one more in noise."""
        return NOISY_ONSET_FRAMES if self.noisy else quiet_frames

    def loud_enough(self, level_db: float) -> bool:
        """Whether a frame may start speech: in noise, it must stand out of it."""
        return not self.noisy or self.level_db is None or level_db >= self.level_db + ONSET_MARGIN_DB
