"""The dialogue state by capability (round 5): corrections that amend the last change, references to
what was last read out ("the second one"), and bare answers to our question. The Task Manager's real
specs, and tools the brain has never seen."""

from __future__ import annotations

import json
from typing import Any

import pytest

from realtalk.brain import dialogue
from realtalk.brain.base import BrainEvent, Message, ToolCall
from tests.brain.test_dialogue import TASKS, after
from tests.brain.toolbox import called, reply, said, tool

LISTED = after(
    "list_due_tasks",
    {"day": "2026-11-22"},
    {"message": "You have 3 tasks due today: Walk the dog, Send the report, Cook dinner.",
     "titles": ["Walk the dog", "Send the report", "Cook dinner"]},
    "You have 3 tasks due today: Walk the dog, Send the report, Cook dinner.",
)  # fmt: skip


def calls(events: list[BrainEvent]) -> list[tuple[str, dict[str, Any]]]:
    assert events and all(isinstance(e, ToolCall) for e in events), events
    return [(e.name, json.loads(e.arguments)) for e in events if isinstance(e, ToolCall)]


ADDED = after(
    "add_task",
    {"title": "call the bank", "due": "2026-11-23T16:00:00"},
    {"message": "Added call the bank tomorrow at 4 PM.", "task_id": 1, "title": "call the bank"},
    "Added call the bank tomorrow at 4 PM.",
)


BANK, TOMORROW_5PM, MONDAY = "call the bank", "2026-11-23T17:00:00", "2026-11-23"
DINNER, REPORT = "Cook dinner", "Send the report"


@pytest.mark.parametrize(
    ("history", "utterance", "name", "arguments"),
    [
        # An ordinal counts in what the last result read out.
        ("listed", "mark the first one done", "complete_task", {"title": "Walk the dog"}),
        ("listed", "the third one is done", "complete_task", {"title": "Cook dinner"}),
        ("listed", "number two is done", "complete_task", {"title": "Send the report"}),
        ("listed", "push the last one to tomorrow", "reschedule_task", {"title": DINNER, "due": MONDAY}),
        ("listed", "make the second one urgent", "set_task_priority", {"title": REPORT, "priority": "high"}),
        ("listed", "what about the first one?", "find_task", {"title": "Walk the dog"}),
        # A correction after adding changes the new thing instead of adding another.
        ("added", "I meant 5 pm", "reschedule_task", {"title": BANK, "due": TOMORROW_5PM}),
        ("added", "oh sorry, make that 5 pm", "reschedule_task", {"title": BANK, "due": TOMORROW_5PM}),
        ("added", "actually Saturday", "reschedule_task", {"title": BANK, "due": "2026-11-28"}),
        ("added", "actually high priority", "set_task_priority", {"title": BANK, "priority": "high"}),
        ("added", "tomorrow morning at 7", "reschedule_task", {"title": BANK, "due": "2026-11-23T07:00:00"}),
    ],
)  # fmt: skip
def test_what_a_follow_up_refers_to(
    history: str, utterance: str, name: str, arguments: dict[str, Any]
) -> None:
    assert called(reply(utterance, tools=TASKS, history={"listed": LISTED, "added": ADDED}[history])) == (
        name,
        arguments,
    )


def test_that_one_is_the_one_thing_read_out_and_a_place_past_the_list_names_nothing() -> None:
    overdue = "You have 1 task overdue: Return the jacket."
    one = after(
        "list_due_tasks", {"overdue": True}, {"message": overdue, "titles": ["Return the jacket"]}, overdue
    )
    assert called(reply("ok, push that one to tomorrow", tools=TASKS, history=one)) == (
        "reschedule_task",
        {"title": "Return the jacket", "due": "2026-11-23"},
    )
    assert not any(
        isinstance(e, ToolCall) and "Return" in e.arguments
        for e in reply("mark the third one done", tools=TASKS, history=one)
    )


def test_a_correction_after_a_change_makes_the_change_again_with_the_new_value() -> None:
    changed = after("set_task_priority", {"title": "fridge", "priority": "high"},
                    {"message": "Clean out the fridge is now high priority.", "title": "Clean out the fridge",
                     "undo": {"title": "Clean out the fridge", "priority": "low"}},
                    "Clean out the fridge is now high priority.")  # fmt: skip
    assert called(reply("no wait, medium", tools=TASKS, history=changed)) == (
        "set_task_priority",
        {"title": "Clean out the fridge", "priority": "medium"},
    )


DONE = after(
    "complete_task",
    {"title": "email task"},
    {"message": "Marked Email Sarah the photos as done.", "title": "Email Sarah the photos",
     "alternatives": ["Email Tom the contract"], "undo": {"title": "Email Sarah the photos", "reopen": True}},
    "Marked Email Sarah the photos as done.",
)  # fmt: skip


@pytest.mark.parametrize(
    "utterance", ["no, the Tom one", "wrong task, I meant the Tom one", "not that one, Tom"]
)
def test_naming_another_thing_undoes_the_change_and_makes_it_on_that_thing(utterance: str) -> None:
    assert calls(reply(utterance, tools=TASKS, history=DONE)) == [
        ("complete_task", {"title": "Email Sarah the photos", "reopen": True}),
        ("complete_task", {"title": "Tom"}),
    ]


@pytest.mark.parametrize("utterance", ["that was the wrong one, undo it", "undo", "no, put it back"])
def test_undo_in_other_words(utterance: str) -> None:
    assert calls(reply(utterance, tools=TASKS, history=DONE)) == [
        ("complete_task", {"title": "Email Sarah the photos", "reopen": True})
    ]


def test_a_bare_answer_fills_the_slot_we_asked_for_even_when_it_could_start_a_request() -> None:
    asked = [Message("user", "Change the priority of the fridge task"),
             Message("assistant", "Sure. Which priority: low, medium or high?")]  # fmt: skip
    assert called(reply("high", tools=TASKS, history=asked)) == (
        "set_task_priority",
        {"title": "the fridge task", "priority": "high"},
    )


def test_a_free_text_answer_is_read_like_a_request() -> None:
    asked = [Message("user", "Add a reminder"), Message("assistant", "Sure. What's the title?")]
    assert called(reply("pay the gas bill on Tuesday", tools=TASKS, history=asked)) == (
        "add_task",
        {"title": "pay the gas bill", "due": "2026-11-24"},
    )


SONGS = [
    tool("list_songs", "List the songs in the queue"),
    tool("play_song", "Play a song now", ["song"], song={"type": "string", "description": "the song's name"}),
    tool(
        "set_volume", "Set the speaker volume", ["level"], level={"type": "integer", "description": "0 to 10"}
    ),
]


def test_an_unseen_tool_by_its_schema_and_result() -> None:
    queue = after(
        "list_songs", {}, {"songs": [{"name": "Blue Moon"}, {"name": "Yellow"}]}, "Blue Moon, Yellow."
    )
    assert called(reply("play the second one", tools=SONGS, history=queue)) == (
        "play_song",
        {"song": "Yellow"},
    )
    played = after("play_song", {"song": "Blue Moon"}, {"song": "Blue Moon"}, "Playing Blue Moon.")
    assert called(reply("no, the Yellow one", tools=SONGS, history=played)) == (
        "play_song",
        {"song": "Yellow"},
    )


def test_helpers() -> None:
    assert dialogue.ordinal("mark the second one done") == (1, "mark it done")
    assert dialogue.ordinal("buy milk") is None
    assert dialogue.correction("no wait, make it Thursday") == "Thursday"
    assert dialogue.correction("buy milk") is None
    assert dialogue.keep_day("2026-11-23T16:00:00", "2026-11-22T17:00:00", "5 pm") == "2026-11-23T17:00:00"
    assert (
        dialogue.keep_day("2026-11-23T16:00:00", "2026-11-27T17:00:00", "friday 5 pm")
        == "2026-11-27T17:00:00"
    )
    assert dialogue.meant_instead("no, the other one") is None
    assert dialogue.asks_undo("please undo the last change") and not dialogue.asks_undo(
        "undo " + "word " * 10
    )


def test_tag_the_thing_asks_for_the_tags_and_a_bare_answer_gives_them() -> None:
    asked = said(reply("Tag the electricity bill", tools=TASKS))
    assert asked.endswith("What are the tags?")
    history = [Message("user", "Tag the electricity bill"), Message("assistant", asked)]
    assert called(reply("money", tools=TASKS, history=history)) == (
        "tag_task",
        {"title": "electricity bill", "tags": ["money"]},
    )


def test_a_pronoun_with_nothing_to_refer_to_is_asked_for_and_a_named_thing_stands() -> None:
    asked = said(reply("Mark it done", tools=TASKS))
    assert asked.endswith("?")
    history = [Message("user", "Mark it done"), Message("assistant", asked)]
    assert called(reply("the dentist", tools=TASKS, history=history)) == (
        "complete_task",
        {"title": "dentist"},
    )
    assert called(reply("and the dentist one too", tools=TASKS, history=DONE)) == (
        "complete_task",
        {"title": "dentist"},
    )
    assert called(reply("when is it due?", tools=TASKS, history=ADDED)) == ("find_task", {"title": BANK})


def test_a_title_answer_that_also_says_how_urgent_is_still_the_answer() -> None:
    asked = [Message("user", "Add a task"), Message("assistant", "Sure. What's the title?")]
    assert called(reply("call mum, it's urgent", tools=TASKS, history=asked)) == (
        "add_task",
        {"title": "call mum", "priority": "high"},
    )
