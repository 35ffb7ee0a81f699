"""A pause's verdicts weighed together: a logistic combination learned from replayed turns.

The hand-set cascade of `SemanticTiming` asks each verdict to pass its own bound, chosen on the
material it was tuned on: a finished phone prompt whose speech faded -15 dB (-18 asked), or whose
no-speech probability is 0.12 (0.1 asked), waits the longest pause however sure Smart Turn and
Whisper are. Here every verdict adds its weight of evidence instead, so a strong one can make up
for a weak one. The weights are fitted by `bench/turn_decision.py --fit` on every tuning split
(leave-one-split-out to show they carry over), and the threshold chosen there as the cascade's
bounds were (the fastest setting within 2 points of `low`'s share of cut turns).

Each feature is a monotone function of one verdict, so the score is monotone in each verdict:
`turn_detection.reads_full_stop` bounds it from the ends of each verdict's range.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

EDGE = 1e-3
"""Probabilities are read within [EDGE, 1 - EDGE]: a model's 0 or 1 is not infinite evidence."""
FADE_RANGE_DB = (-40.0, 5.0)
"""How far a fade counts (`prosody.final_drop_db`); a pause too short to tell counts as 0 dB."""
LOG_PROB_RANGE = (-3.0, 0.0)
FEATURES = ("turn", "fade", "no_speech", "log_prob", "full_stop")
"""What `features` returns, in order: the turn-end model's log-odds, the fade in dB, and Whisper's
log-odds of no speech, average log-probability per token and log-odds of a full stop."""


def _within(value: float, bounds: tuple[float, float]) -> float:
    return min(bounds[1], max(bounds[0], value))


def _log_odds(probability: float) -> float:
    p = _within(probability, (EDGE, 1 - EDGE))
    return math.log(p / (1 - p))


def features(
    probability: float,
    drop_db: float | None,
    no_speech: float | None,
    log_prob: float | None,
    full_stop: float | None,
) -> tuple[float, ...]:
    """The verdicts of one pause as `FEATURES`. A score Whisper did not give counts as the worst it
    could be (no speech certain, the least likely words, no full stop), so a missing score never
    ends a turn sooner; a fade too short to tell counts as none."""
    return (
        _log_odds(probability),
        _within(0.0 if drop_db is None else drop_db, FADE_RANGE_DB),
        _log_odds(1.0 if no_speech is None else no_speech),
        _within(LOG_PROB_RANGE[0] if log_prob is None else log_prob, LOG_PROB_RANGE),
        _log_odds(0.0 if full_stop is None else full_stop),
    )


@dataclass(frozen=True)
class FusedVerdicts:
    """Log-odds that a pause ends the turn, `bias + weights · features`; at or above `threshold`
    (and with words that read finished) the turn ends as soon as the verdicts are in."""

    bias: float
    weights: tuple[float, ...]
    """One per `FEATURES`."""
    threshold: float

    def score(
        self,
        probability: float,
        drop_db: float | None,
        no_speech: float | None,
        log_prob: float | None,
        full_stop: float | None,
    ) -> float:
        values = features(probability, drop_db, no_speech, log_prob, full_stop)
        return self.bias + sum(w * x for w, x in zip(self.weights, values, strict=True))

    def ends_turn(
        self,
        probability: float,
        drop_db: float | None,
        no_speech: float | None,
        log_prob: float | None,
        full_stop: float | None,
    ) -> bool:
        return self.score(probability, drop_db, no_speech, log_prob, full_stop) >= self.threshold

    @property
    def reads_full_stop(self) -> bool:
        return self.weights[FEATURES.index("full_stop")] != 0.0
