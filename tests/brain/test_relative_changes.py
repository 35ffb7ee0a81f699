"""Round 9's classes on tools the apps don't have (a bug tracker, a calendar, a chore rota), each read
from names, descriptions and schemas: a step along an ordered scale from where the thing stands now,
a move earlier or later said with a phrasal verb, a bare errand in an app that keeps things to do, and
questions about the agent's own day."""

from __future__ import annotations

import pytest

from realtalk.brain.base import ToolCall
from tests.brain.test_degrees_and_remarks import BUGS, HELD_BUGS, HELD_EVENTS
from tests.brain.test_dialogue import after
from tests.brain.test_unseen_capabilities import EVENTS
from tests.brain.toolbox import called, reply, said, tool

FOUND_MINOR = after(
    "set_bug_severity",
    {"bug": "footer typo", "severity": "minor"},
    {"title": "Typo in the footer", "severity": "minor"},
    "Typo in the footer is now minor.",
)
LISTED_CRITICAL = after(
    "list_bugs",
    {"severity": "critical"},
    {"message": "2 critical bugs: Login page crashes on Safari, Export times out.",
     "titles": ["Login page crashes on Safari", "Export times out"]},
    "2 critical bugs: Login page crashes on Safari, Export times out.",
)  # fmt: skip


@pytest.mark.parametrize(
    ("text", "severity"),
    [("raise the severity", "major"), ("bump it up a notch", "major"), ("make it more critical", "major"),
     ("lower its severity", "minor")],  # already at the bottom: it stays there
)  # fmt: skip
def test_a_step_starts_from_the_option_the_last_change_set(text: str, severity: str) -> None:
    name, values = called(reply(text, tools=BUGS, history=FOUND_MINOR, known=HELD_BUGS))
    assert (name, values) == ("set_bug_severity", {"bug": "footer typo", "severity": severity})


def test_a_step_for_a_thing_a_filtered_listing_read_out_starts_from_the_filter() -> None:
    name, values = called(
        reply("knock the export one down a notch", tools=BUGS, history=LISTED_CRITICAL, known=HELD_BUGS)
    )
    assert name == "set_bug_severity" and values["severity"] == "major" and "xport" in values["bug"]


def test_a_step_said_in_a_result_sentence_starts_there() -> None:
    history = after(
        "get_bug",
        {"bug": "login"},
        {"message": "Login page crashes on Safari is open, major severity.", "title": HELD_BUGS[0]},
        "Login page crashes on Safari is open, major severity.",
    )  # fmt: skip
    lookup = tool("get_bug", "Look up one bug.", ["bug"], bug={"type": "string", "description": "which bug"})
    name, values = called(
        reply("lower the severity", tools=[*BUGS, lookup], history=history, known=HELD_BUGS)
    )
    assert (name, values["severity"]) == ("set_bug_severity", "minor")


def test_a_step_from_nowhere_said_asks_for_the_option() -> None:
    assert said(reply("bump the export bug up a notch", tools=BUGS, known=HELD_BUGS)).endswith(
        "Which severity: critical, minor or major?"
    )


MOVED = after(
    "move_event",
    {"title": "lunch", "start": "2026-11-25T12:30:00"},
    {"title": "Lunch with Priya", "message": "Moved Lunch with Priya to Wednesday at 12:30 PM."},
    "Moved Lunch with Priya to Wednesday at 12:30 PM.",
)


@pytest.mark.parametrize(
    ("text", "start"),
    [("bring it forward a day", "2026-11-24T12:30:00"), ("push it back by two hours", "2026-11-25T14:30:00"),
     ("move lunch with Priya up half an hour", "2026-11-25T12:00:00"),
     ("bring lunch forward to Tuesday", "2026-11-24"), ("postpone it till Friday", "2026-11-27"),
     ("please prepone it by one hour", "2026-11-25T11:30:00")],
)  # fmt: skip
def test_a_phrasal_move_goes_by_its_amount_or_to_its_day(text: str, start: str) -> None:
    name, values = called(reply(text, tools=EVENTS, history=MOVED, known=HELD_EVENTS))
    assert (
        name == "move_event" and values["title"] == "Lunch with Priya" and values["start"].startswith(start)
    )


@pytest.mark.parametrize("text", ["push the standup back", "can you bring it forward?", "move it up"])
def test_a_move_with_no_amount_or_day_asks_when(text: str) -> None:
    assert said(reply(text, tools=EVENTS, history=MOVED, known=HELD_EVENTS)).endswith("When should it be?")


def test_a_move_by_an_amount_from_a_moment_never_said_asks_when() -> None:
    assert said(reply("push the standup back a day", tools=EVENTS, known=HELD_EVENTS)).endswith(
        "When should it be?"
    )


CHORES = [
    tool("add_chore", "Add a chore to the household rota.", ["chore"], chore={"type": "string"}),
    tool("list_chores", "List the chores on the rota."),
]


@pytest.mark.parametrize("text", ["hoover the stairs", "ring the window cleaner", "descale the kettle"])
def test_a_bare_errand_is_added_where_a_tool_keeps_things_to_do(text: str) -> None:
    name, values = called(reply(text, tools=CHORES))
    assert name == "add_chore" and values["chore"].split() == [w for w in text.split() if w != "the"]


def test_words_asked_of_the_agent_and_errands_without_a_to_do_keeper_are_not_added() -> None:
    assert not any(isinstance(e, ToolCall) for e in reply("tell me a joke", tools=CHORES))
    events = reply("hoover the stairs", tools=[tool("create_event", "Create a calendar event.", ["title"],
                                                         title={"type": "string"})])  # fmt: skip
    assert not any(isinstance(e, ToolCall) for e in events)


@pytest.mark.parametrize(
    "text",
    ["How's your day going?", "what have you been up to?", "Having a good day?", "how was your weekend?"],
)
def test_questions_about_the_agents_day_are_small_talk(text: str) -> None:
    summary = tool("summarize_day", "Summarise the day's chores.", day={"type": "string"})
    assert not any(isinstance(e, ToolCall) for e in reply(text, tools=[*CHORES, summary]))
