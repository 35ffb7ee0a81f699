"""Corrections in the next turn (round 11), on a gardener's job book: an hour said alone keeps the
half of the day ("make it 7" after 6 pm), "the day after" moves from where the thing was just put,
new words go in place of some of the thing's own ("make that chilli plants"), "no, sorry, is for
Sunday" amends; "no, I want to remove X" to our question about another thing asks about X; a
request said with "but don't ... yet" waits for "go for it"; "it was the fern I did" undoes the
last change for the fern; "and what about tomorrow?" reads again for it alone."""

from __future__ import annotations

import json

import pytest

from realtalk.brain import answers
from realtalk.brain.base import Message, ToolCall
from tests.brain.test_dialogue import after
from tests.brain.test_unclear_requests import HELD, JOBS
from tests.brain.toolbox import called, reply, said, tool

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


@pytest.mark.parametrize(
    "text",
    [
        "no wait, make that chilli plants",
        "Nope, hold on, make that chilli plants",
        "uh, make that chilli plants",
    ],
)
def test_new_words_go_in_place_of_some_of_the_things_own(text: str) -> None:
    assert called(reply(text, tools=JOBS, history=ADDED, known=HELD)) == (
        "rename_job",
        {"job": "feed the tomato plants", "new_job": "feed the chilli plants"},
    )


def test_make_it_a_value_is_no_new_words() -> None:
    events = reply("no wait, make it Friday", tools=JOBS, history=ADDED, known=HELD)
    assert [e.name for e in events if isinstance(e, ToolCall)] == ["move_job"]


ADDED_ON_SATURDAY = after(
    "add_job",
    {"job": "buy seed potatoes", "when": "2026-11-28"},
    {"job": "buy seed potatoes", "when": "2026-11-28"},
    "Added buy seed potatoes Saturday November 28.",
)


def test_a_correction_with_its_subject_dropped_is_no_question() -> None:
    assert called(
        reply("No, sorry, is for Sunday, not Saturday.", tools=JOBS, history=ADDED_ON_SATURDAY, known=HELD)
    ) == (
        "move_job",
        {"job": "buy seed potatoes", "when": "2026-11-29"},
    )


REMOVE = tool(
    "remove_job",
    "Remove a job from the book; asks the user to confirm first.",
    ["job"],
    job={"type": "string", "description": "which job, by its words"},
    confirm={"type": "boolean", "description": "true once the user has said yes"},
)
ASKED = after(
    "remove_job",
    {"job": "the fern"},
    {"message": "Do you really want to remove Repot the fern?", "job": "Repot the fern"},
    "Do you really want to remove Repot the fern?",
)


def test_no_to_our_question_then_another_thing_asks_about_that_one() -> None:
    text = "No no, sorry, I want to remove the lawn one, not the fern."
    assert called(reply(text, tools=[*JOBS, REMOVE], history=ASKED, known=HELD)) == (
        "remove_job",
        {"job": "Mow the back lawn"},
    )
    assert "leave it" in said(reply("No, leave it.", tools=[*JOBS, REMOVE], history=ASKED, known=HELD))


def test_a_request_said_with_but_dont_yet_waits_for_go_ahead() -> None:
    first = "Add sow the broad beans, but don't save it yet"
    waiting = said(reply(first, tools=JOBS, known=HELD))
    assert waiting == answers.WAITING
    history = [Message("user", first), Message("assistant", waiting)]
    name, values = called(reply("ok yeah, go for it", tools=JOBS, history=history, known=HELD))
    assert name == "add_job" and "broad beans" in values["job"] and "save" not in values["job"]


MARK = tool("mark_job_done", "Mark a job as done.", ["job"], job={"type": "string"})
MARKED = after(
    "mark_job_done",
    {"job": "the lawn"},
    {"job": "Mow the back lawn", "undo": {"job": "Mow the back lawn", "reopen": True}},
    "Marked Mow the back lawn as done.",
)


def test_it_was_x_i_did_undoes_and_does_x() -> None:
    events = reply("no, hang on, it was the fern I did", tools=[*JOBS, MARK], history=MARKED, known=HELD)
    calls = [(e.name, json.loads(e.arguments)) for e in events if isinstance(e, ToolCall)]
    assert calls == [
        ("mark_job_done", {"job": "Mow the back lawn", "reopen": True}),
        ("mark_job_done", {"job": "fern"}),
    ]


LISTED_FOR_A_DAY = after(
    "list_jobs",
    {"day": "2026-11-22"},
    {"jobs": ["Mow the back lawn"]},
    "You have 1 job today: Mow the back lawn.",
)


def test_and_what_about_another_day_reads_again_for_it() -> None:
    assert called(reply("and what about tomorrow?", tools=JOBS, history=LISTED_FOR_A_DAY, known=HELD)) == (
        "list_jobs",
        {"day": "2026-11-23"},
    )


SIZE = tool(
    "set_job_effort",
    "Set how much effort a job takes.",
    ["job", "effort"],
    job={"type": "string"},
    effort={"type": "string", "enum": ["small", "medium", "big"]},
)
SIZED = after(
    "set_job_effort",
    {"job": "Mow the back lawn", "effort": "big"},
    {"job": "Mow the back lawn", "effort": "big"},
    "Mow the back lawn is now big.",
)


def test_another_value_for_the_change_just_made_amends_it() -> None:
    text = "On reflection, I have overstated matters; medium will suffice."
    assert called(reply(text, tools=[*JOBS, SIZE], history=SIZED, known=HELD)) == (
        "set_job_effort",
        {"job": "Mow the back lawn", "effort": "medium"},
    )
