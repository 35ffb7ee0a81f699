"""`bench/turn_fit.py`'s rules: a setting that ends no complete utterance is the slowest; cuts by clip."""

from __future__ import annotations

import numpy as np
from bench.turn_decision import Material, Outcome, Replay
from bench.turn_fit import by_rule, clip_of, cut_clips, fewest_cuts

NO_TURN = Outcome(0, 10, 0, 5, ())
"""No pause cut, and no complete utterance ended within the replayed audio: no p50 at all."""
SLOW = Outcome(0, 10, 0, 5, (3000.0, 3100.0))


def test_a_setting_that_ends_no_turn_is_never_the_fastest() -> None:
    for order in (("none", "slow"), ("slow", "none")):
        outcomes = {label: {"dev": NO_TURN if label == "none" else SLOW} for label in order}
        assert by_rule(outcomes, ["dev"]) == "slow"
        assert fewest_cuts(outcomes, ["dev"]) == "slow"


def test_cuts_are_counted_by_the_clip_every_splice_of_it_shares() -> None:
    """JFK's one natural pause, cut in the complete clip and in each splice after it, is one clip."""

    def cut(case_id: str, commit_ms: float) -> Replay:
        case = Material(case_id, "fresh4", "pause", np.zeros(1, dtype=np.float32), speech_end_ms=2000.0)
        return Replay(case, commits_ms=[commit_ms])

    replays = [cut("fresh4-jfk-jfk-complete", 1500.0), cut("fresh4-jfk-jfk-pause3-900", 1500.0)]
    replays.append(cut("fresh4-mfa-mfa_her-pause0-600", 2400.0))  # ended after the speech: not cut
    assert clip_of(replays[1].material) == "fresh4-jfk-jfk"
    assert cut_clips(replays) == "1 clips: fresh4-jfk-jfk 2"
