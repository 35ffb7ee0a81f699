"""Unclear requests and small talk (round 11), on tools the apps don't have (a gardener's job book):
a request that only holds a place for its thing asks for it, for the tool whose verb it used ("I
need to move something"); thanks, goodbye and questions about us said with nothing else are small
talk, and thanks before a request is only thanks."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from realtalk.brain.base import BrainEvent, Message, ToolCall
from tests.brain.toolbox import called, reply, said, tool

JOB = {"type": "string", "description": "which job, by its words"}
WHEN = {"type": "string", "format": "date-time", "description": "when to do it"}
JOBS = [
    tool(
        "add_job",
        "Add a new garden job to the job book.",
        ["job"],
        job={"type": "string", "description": "the job, e.g. prune the roses"},
        when=WHEN,
        beds={"type": "array", "items": {"type": "string"}, "description": "the beds it is for, e.g. veg"},
    ),
    tool("move_job", "Move a job to another day and time.", ["job", "when"], job=JOB, when=WHEN),
    tool(
        "mark_beds",
        "Mark which beds a job is for.",
        ["job", "beds"],
        job=JOB,
        beds={"type": "array", "items": {"type": "string"}, "description": "the beds"},
    ),
    tool(
        "rename_job",
        "Rename a job (give it new words).",
        ["job", "new_job"],
        job=JOB,
        new_job={"type": "string", "description": "its new words"},
    ),
    tool("list_jobs", "List the jobs still to do.", day={"type": "string", "format": "date"}),
]
HELD = ["Feed the tomato plants", "Mow the back lawn", "Repot the fern"]


def _conversation(turns: Sequence[str]) -> list[BrainEvent]:
    """The brain's reply to the last of `turns`, each earlier one answered by the brain in words."""
    history: list[Message] = []
    for text in turns[:-1]:
        history += [
            Message("user", text),
            Message("assistant", said(reply(text, tools=JOBS, history=history, known=HELD))),
        ]
    return reply(turns[-1], tools=JOBS, history=history, known=HELD)


@pytest.mark.parametrize("text", ["add smth", "add a job", "add something for me, eh"])
def test_a_placeholder_is_asked_for(text: str) -> None:
    assert said(reply(text, tools=JOBS, known=HELD)).endswith("?")


def test_another_tools_verb_and_a_placeholder_ask_which_thing_for_that_tool() -> None:
    asked = said(reply("I need to move something", tools=JOBS, known=HELD))
    assert asked.endswith("?")
    name, values = called(_conversation(["I need to move something", "the lawn", "Friday at ten"]))
    assert name == "move_job" and "lawn" in values["job"]
    assert values["when"].startswith("2026-11-27T10:00")


def test_a_placeholder_is_no_item_of_a_list() -> None:
    assert said(reply("mark beds for something", tools=JOBS, known=HELD)).endswith("?")
    name, values = called(_conversation(["mark beds for something", "the fern", "herbs"]))
    assert (name, values["beds"]) == ("mark_beds", ["herbs"])


@pytest.mark.parametrize(
    ("text", "words"),
    [("Thank you ever so much, dear, that will be all for today.", "Goodbye"),
     ("cheers, that'll be all", "Goodbye"),
     ("what sort of things can you help me with?", "I can"),
     ("wait who even are you", "I'm")],
)  # fmt: skip
def test_small_talk_alone_is_answered_as_such(text: str, words: str) -> None:
    assert said(reply(text, tools=JOBS, known=HELD)).startswith(words)


def test_thanks_before_a_request_is_only_thanks() -> None:
    name, values = called(reply("thanks, now add water the seedlings", tools=JOBS, known=HELD))
    assert name == "add_job" and values["job"].startswith("water") and "thank" not in values["job"]


PLAN = tool(
    "plan_event",
    "Add an event to the family planner.",
    ["title"],
    title={"type": "string", "description": "what is on, e.g. swimming gala"},
    when=WHEN,
)


def test_a_time_of_day_someone_has_is_a_name_in_an_answer() -> None:
    asked = said(reply("plan something", tools=[PLAN]))
    history = [Message("user", "plan something"), Message("assistant", asked)]
    assert called(reply("Parents' evening.", tools=[PLAN], history=history)) == (
        "plan_event",
        {"title": "Parents' evening"},
    )


def test_a_remark_of_how_things_are_adds_nothing() -> None:
    events = reply("Grim out there today, the puddles are like lakes.", tools=JOBS, known=HELD)
    assert not any(isinstance(e, ToolCall) for e in events)
    assert called(reply("plant the garlic on Friday", tools=JOBS, known=HELD))[0] == "add_job"
