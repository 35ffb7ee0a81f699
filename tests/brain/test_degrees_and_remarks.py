"""Round 7's capabilities on tools the apps don't have (a bug tracker, a calendar, a shop's orders),
each read from names, descriptions and JSON schemas: an option of an ordered scale said by degree,
a time alone for a held thing keeps its day, a week is no one day, a remark is not a request, a
refused change followed by another is that other change, polite frames and fillers."""

from __future__ import annotations

import json

import pytest

from realtalk.brain import degree
from realtalk.brain.base import Message, ToolCall
from realtalk.brain.dialogue import keep_day
from realtalk.brain.extract import Utterance
from tests.brain.test_dialogue import after
from tests.brain.test_unseen_capabilities import EVENTS as CALENDAR
from tests.brain.test_unseen_capabilities import WHAT as EVENT
from tests.brain.toolbox import NOW, called, reply, said, tool

WHICH = {"type": "string", "description": "which bug, by its words"}
SEVERITY = {
    "type": "string",
    "enum": ["critical", "minor", "major"],
    "description": "critical if it blocks a release",
}
BUGS = [
    tool("file_bug", "File a new bug report.", ["summary"], summary={"type": "string"}, severity=SEVERITY),
    tool(
        "set_bug_severity", "Change how severe a bug is.", ["bug", "severity"], bug=WHICH, severity=SEVERITY
    ),
    tool("list_bugs", "List the open bugs, or those of a severity.", severity=SEVERITY),
]
HELD_BUGS = ["Login page crashes on Safari", "Typo in the footer", "Export times out"]

HELD_EVENTS = ["Standup with the design team", "Lunch with Priya"]


def test_the_scale_is_read_from_the_option_words_whatever_their_order() -> None:
    assert degree.order(["critical", "minor", "major"]) == ["minor", "major", "critical"]
    assert degree.order(["high", "low", "normal"]) == ["low", "normal", "high"]
    assert degree.order(["red", "green"]) is None  # no scale: no degree
    assert degree.order(["C", "F"]) is None


@pytest.mark.parametrize(
    ("text", "severity"),
    [
        ("make the footer typo less critical", "major"),  # one step below what "critical" means
        ("the login crash is not critical any more", "minor"),  # the other end
        ("the login crash is no longer critical", "minor"),
        ("the login crash isn't that critical", "major"),  # softened: one step
        ("the footer typo is top severity", "critical"),
    ],
)
def test_an_option_of_a_scale_said_by_degree(text: str, severity: str) -> None:
    name, arguments = called(reply(text, tools=BUGS, known=HELD_BUGS))
    assert name == "set_bug_severity"
    assert arguments["severity"] == severity
    # The degree words are the value's, not the bug's.
    assert not {"less", "lower", "raise", "not", "longer", "that", "top"} & set(
        arguments["bug"].lower().split()
    )


@pytest.mark.parametrize(
    "text",
    [
        "lower the severity of the export bug",
        "raise the severity of the footer typo",
        "downgrade the login crash",
    ],
)
def test_a_step_from_where_a_thing_stands_asks_when_nothing_said_where(text: str) -> None:
    assert said(reply(text, tools=BUGS, known=HELD_BUGS)).endswith(
        "Which severity: critical, minor or major?"
    )


def test_a_degree_in_a_question_filters_and_never_writes() -> None:
    assert called(reply("which bugs are least severe?", tools=BUGS, known=HELD_BUGS)) == (
        "list_bugs",
        {"severity": "minor"},
    )


def test_degree_words_about_something_else_set_nothing() -> None:
    found = degree.said(
        Utterance("don't forget it's critical", NOW), ["minor", "major", "critical"], {}, frozenset()
    )
    assert found is None  # "don't" is about forgetting, not about how critical
    assert called(reply("file a bug: export is slower than before", tools=BUGS))[1].get("severity") is None


def test_a_time_alone_for_a_held_thing_keeps_its_day() -> None:
    # Only the tool knows the event's day: it is given the time alone.
    assert called(reply("move the standup to 4pm", tools=CALENDAR, known=HELD_EVENTS)) == (
        "move_event",
        {"title": "standup", "start": "16:00"},
    )
    # A day said is a day; a new thing's time alone is its next occurrence.
    assert (
        called(reply("move the standup to friday at 4pm", tools=CALENDAR, known=HELD_EVENTS))[1]["start"]
        == "2026-11-27T16:00:00"
    )
    assert (
        called(reply("create an event called yoga at 4pm", tools=CALENDAR))[1]["start"]
        == "2026-11-22T16:00:00"
    )
    # A correction that names only a time keeps the day of the value it corrects.
    assert keep_day("2026-12-01T16:00:00", "17:00", "I meant 5 pm") == "2026-12-01T17:00:00"


@pytest.mark.parametrize(
    "text", ["what's on this week?", "what's left for the weekend?", "what's coming up next week"]
)
def test_a_week_is_no_one_day_for_a_reader(text: str) -> None:
    assert called(reply(text, tools=CALENDAR, known=HELD_EVENTS)) == ("list_events", {})


@pytest.mark.parametrize(
    "text",
    [
        "Stuff I should not have bought",
        "I should have filed the export bug yesterday",
        "my manager keeps filing bugs about the footer",
    ],
)
def test_a_remark_is_not_a_request(text: str) -> None:
    assert "anything you'd like me to do" in said(reply(text, tools=BUGS, known=HELD_BUGS))


def test_a_refused_change_followed_by_another_is_that_change_about_the_same_thing() -> None:
    name, values = called(
        reply("don't file it again, just make the login crash less critical", tools=BUGS, known=HELD_BUGS)
    )
    assert (name, values["severity"]) == ("set_bug_severity", "major") and "login crash" in values["bug"]
    assert called(
        reply(
            "don't move the standup, just rename it to team sync",
            tools=[*CALENDAR, RENAME],
            known=HELD_EVENTS,
        )
    ) == ("rename_event", {"title": "standup", "new_title": "team sync"})
    # A refusal alone, or one followed by talk, changes nothing.
    assert "won't change anything" in said(reply("don't move the standup, I'm thinking", tools=CALENDAR))


RENAME = tool(
    "rename_event", "Rename an event.", ["title", "new_title"], title=EVENT, new_title={"type": "string"}
)


@pytest.mark.parametrize(
    ("text", "arguments"),
    [
        ("could you possibly move the lunch to 1pm", {"title": "lunch", "start": "13:00"}),
        ("is it possible to move the lunch to friday", {"title": "lunch", "start": "2026-11-27"}),
        ("any chance you could move the lunch to 1pm", {"title": "lunch", "start": "13:00"}),
    ],
)
def test_polite_frames_around_a_request(text: str, arguments: dict[str, str]) -> None:
    assert called(reply(text, tools=CALENDAR, known=HELD_EVENTS)) == ("move_event", arguments)


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        ("yep", "Anything else"),
        ("go for it", "Anything else"),
        ("leave it", "Let me know"),
        ("um", "Take your time"),
    ],
)
def test_bare_yes_no_and_fillers_with_nothing_pending(text: str, answer: str) -> None:
    assert answer in said(reply(text, tools=CALENDAR))


def test_a_filler_after_our_question_asks_it_again() -> None:
    asked = said(reply("create an event", tools=CALENDAR))
    history = [Message("user", "create an event"), Message("assistant", asked)]
    assert said(reply("um", tools=CALENDAR, history=history)) == asked


LABEL = tool(
    "label_bug",
    "Label a bug with one or more labels.",
    ["bug", "labels"],
    bug=WHICH,
    labels={"type": "array", "items": {"type": "string"}, "minItems": 1},
)


def test_a_value_said_after_a_held_things_words_is_the_missing_list() -> None:
    assert called(reply("label the footer typo cosmetic", tools=[*BUGS, LABEL], known=HELD_BUGS)) == (
        "label_bug",
        {"bug": "footer typo", "labels": ["cosmetic"]},
    )
    # Words that are all the held thing's leave the labels to be asked for.
    assert "labels" in said(reply("label the footer typo", tools=[*BUGS, LABEL], known=HELD_BUGS)).lower()


def test_no_and_another_held_things_words_correct_the_last_change() -> None:
    history = after(
        "close_bug",
        {"bug": "typo"},
        {"message": "Closed Typo in the footer.", "bug": "Typo in the footer"},
        "Closed Typo in the footer.",
    )
    tools = [*BUGS, tool("close_bug", "Close a bug that is fixed.", ["bug"], bug=WHICH)]
    for text in ("no, the export one", "wrong one, the export bug", "no, the other one... the export"):
        events = reply(text, tools=tools, history=history, known=HELD_BUGS)
        assert [e.name for e in events if isinstance(e, ToolCall)] == ["close_bug"], text
        assert "export" in json.loads(events[-1].arguments)["bug"]  # type: ignore[union-attr]
    # Words that name no held thing are no correction of which one.
    assert not any(isinstance(e, ToolCall) for e in reply("no, the weather", tools=tools, history=history))
