"""Classes of phrasing, read from the tools' own schema: a new thing said with its attributes, the
words a parameter's description explains ("urgent", "late"), a placeholder for what to add, and a
note aimed at an existing thing. Run against the Task Manager's real tools."""

from __future__ import annotations

from typing import Any

import pytest

from realtalk.apps import builtin_apps
from tests.brain.toolbox import called, reply, said

TOOLS = builtin_apps()["task-manager"].tools.specs()


@pytest.mark.parametrize(
    ("text", "arguments"),
    [
        ("Add 'buy paint', high priority", {"title": "buy paint", "priority": "high"}),
        ("add buy paint, high priority, tag it home",
         {"title": "buy paint", "priority": "high", "tags": ["home"]}),
        ("Add fix the fence, it's critical", {"title": "fix the fence", "priority": "high"}),
        ("Add renew the lease, with the note: ask about parking",
         {"title": "renew the lease", "notes": "ask about parking"}),
    ],
)  # fmt: skip
def test_a_new_thing_said_with_its_attributes_is_created_with_them(
    text: str, arguments: dict[str, Any]
) -> None:
    assert called(reply(text, tools=TOOLS)) == ("add_task", arguments)


def test_the_verb_itself_not_a_synonym_picks_the_plainest_tool() -> None:
    assert called(reply("Make the passport renewal low priority.", tools=TOOLS)) == (
        "set_task_priority",
        {"title": "passport renewal", "priority": "low"},
    )


@pytest.mark.parametrize(
    ("text", "arguments"),
    [
        ("What are my most important tasks?", {"priority": "high"}),
        ("Which tasks are urgent?", {"priority": "high"}),
        ("Is anything late?", {"overdue": True}),
        ("Anything past due?", {"overdue": True}),  # a phrase the description names, said whole
        ("What's due tomorrow?", {"day": "2026-11-23"}),
        ("Anything urgent today?", {"day": "2026-11-22", "priority": "high"}),
    ],
)
def test_words_the_description_explains_fill_the_filter(text: str, arguments: dict[str, Any]) -> None:
    assert called(reply(text, tools=TOOLS)) == ("list_due_tasks", arguments)


@pytest.mark.parametrize("text", ["I want to add something", "Add a thing", "Can you add something for me?"])
def test_a_placeholder_is_asked_for_not_added(text: str) -> None:
    events = reply(text, tools=TOOLS)
    assert "title" in said(events).lower() and said(events).endswith("?")


@pytest.mark.parametrize(
    ("text", "title", "note"),
    [
        ("Add a note to the birthday present task: she likes dinosaurs.", "the birthday present task",
         "she likes dinosaurs"),
        ("Attach a note to the passport task saying bring photos", "the passport task", "bring photos"),
    ],
)  # fmt: skip
def test_a_note_aimed_at_a_thing_goes_on_it(text: str, title: str, note: str) -> None:
    assert called(reply(text, tools=TOOLS)) == ("add_task_note", {"title": title, "note": note})


@pytest.mark.parametrize("text", ["Is it going to rain?", "What's the weather?"])
def test_a_question_that_sets_no_option_is_not_taken_for_a_filter(text: str) -> None:
    assert "can't help" in said(reply(text, tools=TOOLS))


def test_past_alone_is_not_past_due() -> None:
    name, arguments = called(reply("What do I have at half past five tomorrow?", tools=TOOLS))
    assert name == "list_due_tasks" and arguments["day"] == "2026-11-23" and "overdue" not in arguments


def test_half_past_is_a_time_not_late() -> None:
    assert called(reply("Remind me to defrost the chicken tomorrow at half past five", tools=TOOLS)) == (
        "add_task",
        {"title": "defrost the chicken", "due": "2026-11-23T17:30:00"},
    )
