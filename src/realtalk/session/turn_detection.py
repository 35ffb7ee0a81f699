"""Server VAD: turns per-frame speech probabilities into speech start/stop decisions.

Pure arithmetic on probabilities and timestamps, so it is tested without audio or models.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

# Silero's own recommendation: leave speech only when the probability drops 0.15 below the
# threshold, so a voice hovering around the threshold doesn't flap.
HYSTERESIS = 0.15
# Two 32 ms frames above threshold start speech: one loud click does not barge in, and a real
# onset is still caught within ~64 ms.
ONSET_FRAMES = 2


@dataclass(frozen=True)
class TurnEvent:
    kind: Literal["speech_started", "speech_stopped"]
    at_ms: int
    """Audio time of the onset (for started) or of the end of the last speech frame (stopped)."""


class TurnDetector:
    """Hysteresis + hang-over endpointing over a stream of (probability, frame end time)."""

    def __init__(self, threshold: float, silence_duration_ms: int, frame_ms: float) -> None:
        self.threshold = threshold
        self.silence_duration_ms = silence_duration_ms
        self.frame_ms = frame_ms
        self.speaking = False
        self._onset_run = 0
        self._last_speech_end_ms = 0.0

    def silence_so_far_ms(self, now_ms: float) -> float:
        """How long the current speaker has been quiet (0 when not speaking)."""
        return now_ms - self._last_speech_end_ms if self.speaking else 0.0

    def update(self, probability: float, frame_end_ms: float) -> TurnEvent | None:
        if not self.speaking:
            self._onset_run = self._onset_run + 1 if probability >= self.threshold else 0
            if self._onset_run >= ONSET_FRAMES:
                self.speaking = True
                self._onset_run = 0
                self._last_speech_end_ms = frame_end_ms
                onset = frame_end_ms - ONSET_FRAMES * self.frame_ms
                return TurnEvent("speech_started", max(0, int(onset)))
            return None
        if probability >= self.threshold - HYSTERESIS:
            self._last_speech_end_ms = frame_end_ms
        elif frame_end_ms - self._last_speech_end_ms >= self.silence_duration_ms:
            self.speaking = False
            return TurnEvent("speech_stopped", int(self._last_speech_end_ms))
        return None

    def reset(self) -> None:
        self.speaking = False
        self._onset_run = 0
