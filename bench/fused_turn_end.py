"""The pause's verdicts weighed together: a linear score fitted by `bench/turn_fit.py` (twelfth round).

`auto`'s decision (`turn_detection.pause_wait_ms`) ends a turn at once only where every verdict
passes its own hand-set bound. Here each verdict adds its weight of evidence instead, so a strong
one can make up for a weak one: Smart Turn's log-odds, the fade (dB below the turn's own loud
level), Whisper's no-speech log-odds, its average log-probability per token and its full-stop
log-odds, against a threshold. It was fitted and measured, and not adopted: on `fresh2` (speech
no round tuned on) it cut more turns than the hand-set bounds and ended no more at once
(docs/benchmarks.md, twelfth round). `deciding_with` replays it through the real session.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Iterator
from dataclasses import dataclass

from realtalk.session import turn_detection

EDGE = 1e-3
"""Probabilities are read within [EDGE, 1 - EDGE]: a model's 0 or 1 is not infinite evidence."""
FADE_RANGE_DB = (-40.0, 5.0)
LOG_PROB_RANGE = (-3.0, 0.0)
FEATURES = ("turn", "fade", "no_speech", "log_prob", "full_stop")


def _within(value: float, bounds: tuple[float, float]) -> float:
    return min(bounds[1], max(bounds[0], value))


def _log_odds(probability: float) -> float:
    p = _within(probability, (EDGE, 1 - EDGE))
    return math.log(p / (1 - p))


def features(
    probability: float, drop_db: float | None, scores: turn_detection.WhisperScores
) -> tuple[float, ...]:
    """One pause's verdicts as `FEATURES`. A score Whisper did not give counts as the worst it could
    be (no speech certain, the least likely words, no full stop); a fade too short to tell as none."""
    return (
        _log_odds(probability),
        _within(0.0 if drop_db is None else drop_db, FADE_RANGE_DB),
        _log_odds(1.0 if scores.no_speech is None else scores.no_speech),
        _within(LOG_PROB_RANGE[0] if scores.log_prob is None else scores.log_prob, LOG_PROB_RANGE),
        _log_odds(0.0 if scores.full_stop is None else scores.full_stop),
    )


@dataclass(frozen=True)
class FusedVerdicts:
    """Log-odds that a pause ends the turn, `bias + weights · features`; at or above `threshold`,
    with words that read finished, the turn ends as soon as the verdicts are in."""

    bias: float
    weights: tuple[float, ...]
    threshold: float

    def score(self, probability: float, drop_db: float | None, scores: turn_detection.WhisperScores) -> float:
        values = features(probability, drop_db, scores)
        return self.bias + sum(w * x for w, x in zip(self.weights, values, strict=True))

    def wait_ms(
        self,
        timing: turn_detection.SemanticTiming,
        probability: float,
        transcript: str,
        drop_db: float | None,
        scores: turn_detection.WhisperScores,
    ) -> int:
        """`pause_wait_ms` with the verdicts weighed together where the words read finished."""
        ending = turn_detection.transcript_ending(transcript)
        if ending == "open":
            return timing.max_silence_ms
        if ending == "closed" and self.score(probability, drop_db, scores) >= self.threshold:
            return 0
        return timing.settle_ms


FUSED = FusedVerdicts(
    0.9123803356569454,
    (0.1725751677445715, -0.014571510626207698, -0.060607086712893235, 2.473434057226659, 0.0),
    0.8460217280026086,
)
"""Fitted on the six tuning splits without Whisper's full stop (`turn_fit.py`'s "fused, no full
stop"; with it the decision was no better offline, and live it would cost a forced decode on
about half the judged pauses)."""


@contextlib.contextmanager
def deciding_with(fused: FusedVerdicts) -> Iterator[None]:
    """Sessions' detectors inside decide with `fused` (and Whisper's full stop, which `fused` does
    not read, goes unread where the hand-set decision would not read it either)."""
    original = turn_detection.pause_wait_ms

    def decide(
        timing: turn_detection.SemanticTiming,
        probability: float,
        transcript: str,
        drop_db: float | None = None,
        scores: turn_detection.WhisperScores | None = None,
        speech_ms: float = math.inf,  # as `TurnDetector` calls it; `fused` holds nothing back by it
    ) -> int:
        return fused.wait_ms(
            timing, probability, transcript, drop_db, scores or turn_detection.WhisperScores()
        )

    turn_detection.pause_wait_ms = decide
    try:
        yield
    finally:
        turn_detection.pause_wait_ms = original
