"""The built-in brain over several turns: confirmations, corrections, references, questions, and
arguments that do not fit their schema. Tools are the real Task Manager and Escape Room specs."""

from __future__ import annotations

import json
from typing import Any

import pytest

from realtalk.apps import builtin_apps
from realtalk.brain.base import BrainEvent, Message, ToolCall
from tests.brain.toolbox import called, reply, said

TASKS = builtin_apps()["task-manager"].tools.specs()
ROOM = builtin_apps()["escape-room"].tools.specs()


def after(name: str, arguments: dict[str, Any], result: dict[str, Any], spoken: str) -> list[Message]:
    """The history of one tool call: the user's request, our call, its result, what we said."""
    call = ToolCall("call_1", name, json.dumps(arguments))
    return [
        Message("user", "…"),
        Message("assistant", tool_calls=(call,)),
        Message("tool", repr(result), tool_call_id="call_1"),  # a Python repr, as LiveKit sends
        Message("assistant", spoken),
    ]


ASKED = after(
    "delete_task",
    {"title": "car service"},
    {"message": "Do you really want to delete Book the car service?", "title": "Book the car service",
     "alternatives": ["Book the car wash"]},
    "Do you really want to delete Book the car service? Say: yes, delete Book the car service.",
)  # fmt: skip


@pytest.mark.parametrize(
    "answer", ["Yes.", "yes, delete it", "Yes please, go ahead", "sure", "yeah go on", "yep, go for it"]
)
def test_yes_confirms_the_pending_call_with_the_exact_title(answer: str) -> None:
    assert called(reply(answer, tools=TASKS, history=ASKED)) == (
        "delete_task",
        {"title": "Book the car service", "confirm": True},
    )


@pytest.mark.parametrize("answer", ["No.", "no, leave it", "don't", "No, keep it", "nah", "nope, keep it"])
def test_no_calls_nothing(answer: str) -> None:
    assert "leave it" in said(reply(answer, tools=TASKS, history=ASKED))


def test_the_other_one_asks_about_the_alternative() -> None:
    assert called(reply("No, the other one.", tools=TASKS, history=ASKED)) == (
        "delete_task",
        {"title": "Book the car wash"},
    )


def test_the_other_one_after_a_change_undoes_it_and_changes_the_other() -> None:
    history = after(
        "set_task_priority",
        {"title": "slides", "priority": "low"},
        {"message": "Prepare slides is now low priority.", "title": "Prepare slides",
         "alternatives": ["Print slides"], "undo": {"title": "Prepare slides", "priority": "high"}},
        "Prepare slides is now low priority.",
    )  # fmt: skip
    events = reply("no, the other one", tools=TASKS, history=history)
    assert [(e.name, json.loads(e.arguments)) for e in events if isinstance(e, ToolCall)] == [
        ("set_task_priority", {"title": "Prepare slides", "priority": "high"}),
        ("set_task_priority", {"title": "Print slides", "priority": "low"}),
    ]


@pytest.mark.parametrize(
    ("text", "name", "arguments"),
    [
        ("Actually, make it high priority.", "set_task_priority", {"priority": "high"}),
        ("and tag it house", "tag_task", {"tags": ["house"]}),
        ("move it to friday", "reschedule_task", {"due": "2026-11-27"}),
    ],
)
def test_it_is_the_task_just_added(text: str, name: str, arguments: dict[str, Any]) -> None:
    added = {"message": "Added pick up the cake.", "title": "pick up the cake"}
    history = after("add_task", {"title": "pick up the cake"}, added, "Added pick up the cake.")
    assert called(reply(text, tools=TASKS, history=history)) == (
        name,
        {"title": "pick up the cake", **arguments},
    )


def test_another_one_repeats_a_tool_that_takes_nothing() -> None:
    history = after("get_hint", {}, {"message": "The first digit is 4."}, "The first digit is 4.")
    assert called(reply("Another one, please.", tools=ROOM, history=history)) == ("get_hint", {})


WRITES = {"add_task", "complete_task", "reschedule_task", "set_task_priority", "tag_task", "add_task_note",
          "delete_task"}  # fmt: skip


@pytest.mark.parametrize(
    "question",
    [
        "Which of my tasks are high priority?",
        "Anything overdue?",
        "Did I already finish the quarterly report?",
        "What have I tagged as family?",
        "Is there anything I need to add a note to?",
        "have I marked the dentist as done",
        "Show me my tasks tagged work",
    ],
)
def test_a_question_never_writes(question: str) -> None:
    events: list[BrainEvent] = reply(question, tools=TASKS)
    assert not [e for e in events if isinstance(e, ToolCall) and e.name in WRITES], events


@pytest.mark.parametrize(
    ("question", "arguments"),
    [
        ("Which of my tasks are high priority?", {"priority": "high"}),
        ("Anything overdue?", {"overdue": True}),
        ("What have I tagged as family?", {"tag": "family"}),
    ],
)
def test_questions_filter_the_list(question: str, arguments: dict[str, Any]) -> None:
    assert called(reply(question, tools=TASKS)) == ("list_due_tasks", arguments)


@pytest.mark.parametrize("heard", ["482 ion", "let me guess seven three nine", "one two three four five"])
def test_a_code_that_does_not_fit_its_schema_is_asked_for_again(heard: str) -> None:
    question = said(reply(heard, tools=ROOM))
    assert question.endswith("What's the code?") and "4 digits" in question
    history = [Message("user", heard), Message("assistant", question)]
    assert called(reply("4 8 2 1", tools=ROOM, history=history)) == ("unlock_door", {"code": "4821"})


@pytest.mark.parametrize(("heard", "code"), [("four eight two one", "4821"), ("is it 1 9 8 4?", "1984")])
def test_a_bare_code_tries_the_door(heard: str, code: str) -> None:
    assert called(reply(heard, tools=ROOM)) == ("unlock_door", {"code": code})


def test_new_words_for_tools_by_meaning() -> None:
    assert called(reply("Give me a clue.", tools=ROOM)) == ("get_hint", {})


def test_task_details_from_everyday_words() -> None:
    assert called(reply("New reminder: order contact lenses, and it's urgent.", tools=TASKS)) == (
        "add_task",
        {"title": "order contact lenses", "priority": "high"},
    )
    assert called(reply("Add call the landlord, tag it home.", tools=TASKS)) == (
        "add_task",
        {"title": "call the landlord", "tags": ["home"]},
    )
    assert called(reply("Add a task to buy paint with a note saying the grey tin", tools=TASKS)) == (
        "add_task",
        {"title": "buy paint", "notes": "the grey tin"},
    )
    assert called(reply("remind me to renew the car tax by the end of the month", tools=TASKS)) == (
        "add_task",
        {"title": "renew the car tax", "due": "2026-11-30"},
    )
    assert said(reply("Add a task", tools=TASKS)) == "Sure. What's the title?"
