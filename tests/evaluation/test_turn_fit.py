"""`bench/turn_fit.py --waits`' rules: a setting that ends no complete utterance is the slowest."""

from __future__ import annotations

from bench.turn_decision import Outcome
from bench.turn_fit import by_rule, fewest_cuts

NO_TURN = Outcome(0, 10, 0, 5, ())
"""No pause cut, and no complete utterance ended within the replayed audio: no p50 at all."""
SLOW = Outcome(0, 10, 0, 5, (3000.0, 3100.0))


def test_a_setting_that_ends_no_turn_is_never_the_fastest() -> None:
    for order in (("none", "slow"), ("slow", "none")):
        outcomes = {label: {"dev": NO_TURN if label == "none" else SLOW} for label in order}
        assert by_rule(outcomes, ["dev"]) == "slow"
        assert fewest_cuts(outcomes, ["dev"]) == "slow"
