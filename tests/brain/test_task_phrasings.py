"""Everyday ways of talking about a to-do list: agenda questions, "I need to ...", phrasal verbs,
and reading a long list on when the user asks for the rest."""

from __future__ import annotations

import json
from typing import Any

import pytest

from realtalk.brain import results
from realtalk.brain.base import Message, ToolCall
from tests.brain.toolbox import TASKS, called, reply, said, tool

SUMMARY = tool(
    "summarize_day",
    "Summarise the day's agenda: what is due and what is overdue.",
    day={"type": "string", "description": "the day to summarise, e.g. today"},
)
TOOLS = [*TASKS, SUMMARY]


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("what do i have today", "2026-11-22"),
        ("what have i got on tomorrow", "2026-11-23"),
        ("what's on my plate today", "2026-11-22"),
        ("what's on for friday", "2026-11-27"),
        ("what do i have to do today", "2026-11-22"),
    ],
)
def test_agenda_questions_list_the_day(text: str, day: str) -> None:
    assert called(reply(text, tools=TOOLS)) == ("list_due_tasks", {"day": day})


def test_a_summary_or_rundown_asks_for_the_summary() -> None:
    assert called(reply("give me a summary of today", tools=TOOLS)) == (
        "summarize_day",
        {"day": "2026-11-22"},
    )
    assert called(reply("a quick rundown of my day please", tools=TOOLS))[0] == "summarize_day"


@pytest.mark.parametrize(
    ("text", "arguments"),
    [
        ("i need to buy eggs", {"title": "buy eggs"}),
        ("i have to call the plumber on monday", {"title": "call the plumber", "due": "2026-11-23"}),
        ("don't let me forget to pay the rent", {"title": "pay the rent"}),
        ("please don't forget to email sarah", {"title": "email sarah"}),
    ],
)
def test_saying_what_you_must_do_adds_it_verb_and_all(text: str, arguments: dict[str, Any]) -> None:
    assert called(reply(text, tools=TOOLS)) == ("add_task", arguments)


@pytest.mark.parametrize(
    ("text", "name", "title"),
    [
        ("cross off buy milk", "complete_task", "buy milk"),
        ("check off buy milk", "complete_task", "buy milk"),
        ("take off team lunch", "complete_task", "team lunch"),  # Whisper's "tick off"
        ("i'm done with the laundry", "complete_task", "laundry"),
        ("get rid of buy milk", "delete_task", "buy milk"),
        ("bump the dentist to friday", "reschedule_task", "dentist"),
    ],
)
def test_phrasal_verbs_pick_their_tool(text: str, name: str, title: str) -> None:
    tool_name, arguments = called(reply(text, tools=TOOLS))
    assert (tool_name, arguments["title"]) == (name, title)


def test_dont_asks_for_nothing_but_dont_forget_does() -> None:
    assert "won't change anything" in said(reply("don't delete buy bread", tools=TOOLS))
    assert "won't change anything" in said(reply("No need to add anything yet, I'm thinking", tools=TOOLS))
    assert "confirm" not in called(reply("don't forget to delete the old files", tools=TOOLS))[1]


def _after_list(output: dict[str, Any]) -> list[Message]:
    call = ToolCall("call_1", "list_due_tasks", json.dumps({"day": "tomorrow"}))
    return [
        Message("user", "what's due tomorrow"),
        Message("assistant", tool_calls=(call,)),
        Message("tool", json.dumps(output), tool_call_id="call_1"),
        Message("assistant", output["message"]),
    ]


LONG = {"message": "You have 14 tasks. The first 5: a, b, c, d, e. Shall I read the other 9?",
        "more": {"day": "tomorrow", "start": 5}}  # fmt: skip


@pytest.mark.parametrize(
    "text", ["yes", "yes please", "go on", "read me the rest", "what else", "the other 9"]
)
def test_asking_for_the_rest_calls_the_tool_with_what_it_offered(text: str) -> None:
    assert called(reply(text, tools=TOOLS, history=_after_list(LONG))) == (
        "list_due_tasks",
        {"day": "tomorrow", "start": 5},
    )


def test_more_after_a_whole_answer_is_all_there_is_and_requests_are_not_taken_for_more() -> None:
    whole = _after_list({"message": "You have 2 tasks due tomorrow: a, b."})
    assert said(reply("go on", tools=TOOLS, history=whole)) == "That's all of it."
    assert called(reply("yes delete buy bread", tools=TOOLS, history=_after_list(LONG))) == (
        "delete_task",
        {"title": "buy bread", "confirm": True},
    )


def test_a_long_message_the_tool_wrote_is_said_whole() -> None:
    listing = ", ".join(f"task number {i} at {i} PM" for i in range(1, 11))
    message = f"You have 10 tasks due tomorrow: {listing}."
    assert results.speak("list_due_tasks", json.dumps({"message": message})) == message
    assert results.speak("search", json.dumps({"notes": "word " * 100})).endswith("…")


@pytest.mark.parametrize(
    "text",
    ["Remind me to buy milk tomorrow at 9 in the morning.", "remind me to call mom tomorrow at 5 pm"],
)
def test_a_reminder_with_a_clock_time_is_added_not_listed(text: str) -> None:
    """With the Task Manager's real tools: "at 9" is when, not how many tasks to skip."""
    from realtalk.apps.tasks.app import app

    name, arguments = called(reply(text, tools=app.tools.specs()))
    assert name == "add_task"
    assert arguments["due"].startswith("2026-11-23T")
