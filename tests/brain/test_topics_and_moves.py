"""What the next turn is about (round 11), on a gardener's job book: a remark that names a held thing
makes it the topic, a request with no thing of its own after reading one thing is about it (thanks
and a word that addresses us before it), and a move by whole days ("a couple of days later") goes
from the day a reading said."""

from __future__ import annotations

import json

import pytest

from realtalk.brain.base import Message, ToolCall
from tests.brain.test_dialogue import after
from tests.brain.test_questions_answered import READERS
from tests.brain.test_unclear_requests import HELD
from tests.brain.toolbox import called, reply

READ = after(
    "find_job",
    {"job": "the fern"},
    {"message": "Repot the fern is still open, due Tuesday November 24.", "job": "Repot the fern"},
    "Repot the fern is still open, due Tuesday November 24.",
)


def test_a_request_with_no_thing_after_reading_one_is_about_it() -> None:
    name, values = called(
        reply("Thanks, love. Add a note to use the big pot.", tools=READERS, history=READ, known=HELD)
    )
    assert (name, values["job"]) == ("note_job", "Repot the fern")
    assert "big pot" in values["note"]


@pytest.mark.parametrize(
    ("text", "when"),
    [("push it back a couple of days", "2026-11-26"), ("ugh, move it a week later", "2026-12-01")],
)
def test_a_move_by_whole_days_from_the_day_a_reading_said(text: str, when: str) -> None:
    name, values = called(reply(text, tools=READERS, history=READ, known=HELD))
    assert (name, values["job"], values["when"][:10]) == ("move_job", "Repot the fern", when)


def test_a_remark_that_names_a_held_thing_makes_it_the_topic() -> None:
    assert called(reply("the back lawn's looking shaggy again", tools=READERS, known=HELD)) == (
        "find_job",
        {"job": "Mow the back lawn"},
    )
    found = ToolCall("call_2", "find_job", json.dumps({"job": "Mow the back lawn"}))
    result = {"message": "Mow the back lawn is still open.", "job": "Mow the back lawn"}
    history = [
        Message("user", "the back lawn's looking shaggy again"),
        Message("assistant", tool_calls=(found,)),
        Message("tool", json.dumps(result), tool_call_id="call_2"),
        Message("assistant", "Mow the back lawn is still open."),
    ]
    name, values = called(reply("put it on Saturday at 9", tools=READERS, history=history, known=HELD))
    assert (name, values["job"]) == ("move_job", "Mow the back lawn")
