"""Corrections in the next turn (round 11), on a gardener's job book: an hour said alone keeps the
half of the day ("make it 7" after 6 pm), "the day after" moves from where the thing was just put,
and new words go in place of some of the thing's own ("make that chilli plants")."""

from __future__ import annotations

import pytest

from realtalk.brain.base import ToolCall
from tests.brain.test_dialogue import after
from tests.brain.test_unclear_requests import HELD, JOBS
from tests.brain.toolbox import called, reply

ADDED_AT_SIX = after(
    "add_job",
    {"job": "light the bonfire", "when": "2026-11-23T18:00:00"},
    {"job": "light the bonfire", "when": "2026-11-23T18:00:00"},
    "Added light the bonfire tomorrow at 6 PM.",
)


@pytest.mark.parametrize(
    ("text", "when"),
    [("actually, make it 7", "2026-11-23T19:00:00"), ("no, make it 7 in the morning", "2026-11-23T07:00:00")],
)
def test_an_hour_alone_stays_in_the_half_of_the_day(text: str, when: str) -> None:
    assert called(reply(text, tools=JOBS, history=ADDED_AT_SIX, known=HELD)) == (
        "move_job",
        {"job": "light the bonfire", "when": when},
    )


MOVED_TO_A_DAY = after(
    "move_job",
    {"job": "Mow the back lawn", "when": "2026-11-23"},
    {"job": "Mow the back lawn", "when": "2026-11-23"},
    "Moved Mow the back lawn to tomorrow.",
)


@pytest.mark.parametrize(
    ("text", "when"), [("sorry, I meant the day after", "2026-11-24"), ("no, the week before", "2026-11-16")]
)
def test_the_day_after_moves_from_where_it_was_just_put(text: str, when: str) -> None:
    assert called(reply(text, tools=JOBS, history=MOVED_TO_A_DAY, known=HELD)) == (
        "move_job",
        {"job": "Mow the back lawn", "when": when},
    )


ADDED = after("add_job", {"job": "feed the tomato plants"}, {"job": "feed the tomato plants"}, "Added it.")


def test_new_words_go_in_place_of_some_of_the_things_own() -> None:
    assert called(reply("no wait, make that chilli plants", tools=JOBS, history=ADDED, known=HELD)) == (
        "rename_job",
        {"job": "feed the tomato plants", "new_job": "feed the chilli plants"},
    )


def test_make_it_a_value_is_no_new_words() -> None:
    events = reply("no wait, make it Friday", tools=JOBS, history=ADDED, known=HELD)
    assert [e.name for e in events if isinstance(e, ToolCall)] == ["move_job"]
