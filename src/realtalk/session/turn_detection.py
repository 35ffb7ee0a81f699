"""Server VAD: turns per-frame speech probabilities into speech start/stop decisions.

Pure arithmetic on probabilities, timestamps and verdicts, so it is tested without audio or
models. Two ways to end a turn:

- silence (`server_vad`): the turn ends `silence_duration_ms` after the last speech frame;
- semantics (`semantic_vad`): during a pause the session asks a turn-end model whether the
  audio so far sounds finished, and gets the pause's speculative transcript. When both say
  "finished", the turn ends there and then; otherwise it ends after `SemanticTiming.max_silence_ms`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from .noise_floor import NoiseFloor

# Silero's own recommendation: leave speech only when the probability drops 0.15 below the
# threshold, so a voice hovering around the threshold doesn't flap.
HYSTERESIS = 0.15
# Two 32 ms frames above threshold start speech: one loud click does not barge in, and a real
# onset is still caught within ~64 ms.
ONSET_FRAMES = 2


@dataclass(frozen=True)
class SemanticTiming:
    """How `semantic_vad` waits, for one eagerness."""

    threshold: float
    """Turn-end model probability at or above which the audio sounds finished."""
    max_silence_ms: int
    """A pause this long ends the turn whatever it sounds like."""


# OpenAI: eagerness "low" lets the user take their time, "high" chunks audio as soon as possible,
# "auto" is "medium". A finished-sounding turn ends as soon as its verdicts are in (~160 ms of
# silence plus the model); these are the waits for one that does not sound finished.
SEMANTIC_TIMING: dict[str, SemanticTiming] = {
    "low": SemanticTiming(threshold=0.7, max_silence_ms=4000),
    "medium": SemanticTiming(threshold=0.5, max_silence_ms=2000),
    "auto": SemanticTiming(threshold=0.5, max_silence_ms=2000),
    "high": SemanticTiming(threshold=0.3, max_silence_ms=1000),
}

# Words an English sentence rarely ends on: articles, prepositions, conjunctions, auxiliaries
# (but not "is"/"was": "than he was."), possessives, subject pronouns and fillers.
# "I'd like a table for... um" ends on two of them.
_UNFINISHED_WORDS = frozenset(
    """a an the and or but nor so because if than which whose to of for with from in on at by into
    onto as my your his her its our their be been being have has had will would shall should can
    could may might must very rather quite um uh er erm i we they he she""".split()  # noqa: SIM905
)
_WORD = re.compile(r"[a-z']+")


def sounds_unfinished(transcript: str) -> bool:
    """Whether a transcript stops mid-sentence: on a word sentences rarely end with, a comma or "..."."""
    text = transcript.strip().lower()
    if not text or text.endswith("?"):
        return False
    if text.endswith((",", "...", "…", "-", ":", ";")):
        return True
    words = _WORD.findall(text)
    return bool(words) and words[-1] in _UNFINISHED_WORDS


@dataclass(frozen=True)
class TurnEvent:
    kind: Literal["speech_started", "speech_stopped"]
    at_ms: int
    """Audio time of the onset (for started) or of the end of the last speech frame (stopped)."""


class TurnDetector:
    """Hysteresis + hang-over endpointing over a stream of (probability, frame end time).

    With `semantic` timing, `silence_duration_ms` is ignored for the verdict-based early end: the
    pause is judged by `sounds_complete` and `heard`, each reported for the pause that `pause_id`
    named when it was asked about.
    """

    def __init__(
        self,
        threshold: float,
        silence_duration_ms: int,
        frame_ms: float,
        *,
        semantic: SemanticTiming | None = None,
        noise: NoiseFloor | None = None,
    ) -> None:
        """`noise`: the session's noise estimate (it outlives a detector when the settings change)."""
        self.threshold = threshold
        self.semantic = semantic
        self.silence_duration_ms = semantic.max_silence_ms if semantic else silence_duration_ms
        self.frame_ms = frame_ms
        self.speaking = False
        self._onset_run = 0
        self._last_speech_end_ms = 0.0
        # Verdicts as (pause_id, verdict): one about an earlier pause no longer counts.
        self._complete: tuple[float, bool] | None = None
        self._unfinished: tuple[float, bool] | None = None
        self.noise = noise or NoiseFloor()

    @property
    def pause_id(self) -> float:
        """Names the current pause (the end of the speech before it) for late verdicts."""
        return self._last_speech_end_ms

    def silence_so_far_ms(self, now_ms: float) -> float:
        """How long the current speaker has been quiet (0 when not speaking)."""
        return now_ms - self._last_speech_end_ms if self.speaking else 0.0

    def update(
        self, probability: float, frame_end_ms: float, level_db: float | None = None
    ) -> TurnEvent | None:
        """One VAD frame: its speech probability, end time and (for the noise floor) level in dBFS."""
        if not self.speaking:
            candidate = probability >= self.threshold
            if level_db is not None:
                # Every frame outside speech teaches the floor, the noise Silero takes for speech
                # (chatter) most of all; an onset's first frames weigh 1/64 each.
                self.noise.observe(level_db)
                candidate = candidate and self.noise.starts(level_db)
            self._onset_run = self._onset_run + 1 if candidate else 0
            needed = self.noise.onset_frames(ONSET_FRAMES)
            if self._onset_run >= needed:
                self.speaking = True
                self._onset_run = 0
                self._last_speech_end_ms = frame_end_ms
                onset = frame_end_ms - needed * self.frame_ms
                return TurnEvent("speech_started", max(0, int(onset)))
            return None
        if probability >= self.threshold - HYSTERESIS and (
            level_db is None or self.noise.continues(level_db)
        ):
            self._last_speech_end_ms = frame_end_ms
        elif frame_end_ms - self._last_speech_end_ms >= self.silence_duration_ms:
            return self._stop()
        return None

    def sounds_complete(self, pause_id: float, probability: float) -> TurnEvent | None:
        """The turn-end model's verdict on the pause `pause_id`; may end the turn now."""
        if self.semantic is None or not self.speaking or pause_id != self._last_speech_end_ms:
            return None
        self._complete = (pause_id, probability >= self.semantic.threshold)
        return self._verdicts_in()

    def heard(self, pause_id: float, transcript: str) -> TurnEvent | None:
        """The transcript of the speech before the pause `pause_id`; may end the turn now."""
        if self.semantic is None or not self.speaking or pause_id != self._last_speech_end_ms:
            return None
        self._unfinished = (pause_id, sounds_unfinished(transcript))
        return self._verdicts_in()

    def reset(self) -> None:
        """Forget the turn in progress (the noise estimate stays: the room has not changed)."""
        self.speaking = False
        self._onset_run = 0
        self._complete = self._unfinished = None

    def _verdicts_in(self) -> TurnEvent | None:
        pause = self._last_speech_end_ms
        if self._complete == (pause, True) and self._unfinished == (pause, False):
            return self._stop()
        return None

    def _stop(self) -> TurnEvent:
        self.speaking = False
        self._complete = self._unfinished = None
        return TurnEvent("speech_stopped", int(self._last_speech_end_ms))
