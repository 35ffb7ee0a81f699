"""The request found by sentence structure (`brain/phrasing.py`) and the dialogue moves that go with
it: undo, "no, I meant X", a fragment about the thing just talked about, a refusal, a vague request.
Run against the Task Manager's real tools; sans-I/O and fast."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import pytest

from realtalk.apps import builtin_apps
from realtalk.brain import intent, phrasing
from realtalk.brain.base import BrainEvent, Message, ToolCall
from tests.brain.toolbox import called, reply, said, tool

TOOLS = builtin_apps()["task-manager"].tools.specs()


@pytest.mark.parametrize(
    ("text", "plain"),
    [
        ("um, can you add, uh, book flights", "can you add, book flights"),
        ("pls add renew gym membership", "please add renew gym membership"),
        ("can u add fix the light", "can you add fix the light"),
        ("So my sister's birthday is soon, could you add order flowers for her",
         "could you add order flowers for her"),
        ("I was wondering if you could maybe put down that I should call the plumber",
         "add call the plumber"),
        ("The lawn needs to be mowed, can you add that?", "add The lawn needs to be mowed"),
        ("so could you put sort out the garage on my list", "so could you add sort out the garage"),
        ("On Friday I need to drop off the recycling.", "I need to drop off the recycling On Friday"),
        ("Remind me in three days to check the tyres", "Remind me to check the tyres in three days"),
        ("cross the passport off", "cross off the passport"),
        ("tick it off please", "tick it off please"),  # a pronoun object stays where it is
        ("Could you tell me which tasks are urgent?", "Could you tell me which tasks are urgent?"),
        ("hmm", "hmm"),  # a hesitation alone is still what was said
    ],
)  # fmt: skip
def test_the_request_is_found_by_sentence_structure(text: str, plain: str) -> None:
    assert phrasing.request(text) == plain


@pytest.mark.parametrize(
    ("text", "arguments"),
    [
        ("um, can you add, uh, book flights for the wedding", {"title": "book flights for the wedding"}),
        ("On Friday I need to drop off the recycling.",
         {"title": "drop off the recycling", "due": "2026-11-27"}),
        ("The lawn needs to be mowed, can you add that?", {"title": "lawn needs to be mowed"}),
    ],
)  # fmt: skip
def test_a_wrapped_request_adds_just_the_thing(text: str, arguments: dict[str, Any]) -> None:
    assert called(reply(text, tools=TOOLS)) == ("add_task", arguments)


def _after(name: str, arguments: dict[str, Any], result: dict[str, Any], asked: str = "") -> list[Message]:
    call = ToolCall("call_1", name, json.dumps(arguments))
    return [
        Message("user", "..."),
        Message("assistant", tool_calls=(call,)),
        Message("tool", json.dumps(result), tool_call_id="call_1"),
        Message("assistant", asked or str(result["message"])),
    ]


DONE = _after(
    "complete_task",
    {"title": "call Anna"},
    {
        "message": "Marked Call Anna as done.",
        "title": "Call Anna",
        "undo": {"title": "Call Anna", "reopen": True},
    },
)


def _calls(events: list[BrainEvent]) -> list[tuple[str, dict[str, Any]]]:
    assert all(isinstance(e, ToolCall) for e in events), events
    return [(e.name, json.loads(e.arguments)) for e in events if isinstance(e, ToolCall)]


@pytest.mark.parametrize("text", ["undo that", "oops, undo", "put it back please"])
def test_undo_calls_what_the_last_result_says_reverses_it(text: str) -> None:
    assert called(reply(text, tools=TOOLS, history=DONE)) == (
        "complete_task",
        {"title": "Call Anna", "reopen": True},
    )


def test_i_meant_undoes_and_does_it_to_the_thing_meant() -> None:
    assert _calls(reply("Sorry, no, I meant Ben.", tools=TOOLS, history=DONE)) == [
        ("complete_task", {"title": "Call Anna", "reopen": True}),
        ("complete_task", {"title": "Ben"}),
    ]


ADDED = _after(
    "add_task", {"title": "mow the lawn"}, {"message": "Added mow the lawn.", "title": "mow the lawn"}
)


@pytest.mark.parametrize(
    ("text", "name", "arguments"),
    [
        ("put it on Saturday", "reschedule_task", {"title": "mow the lawn", "due": "2026-11-28"}),
        ("make that high priority", "set_task_priority", {"title": "mow the lawn", "priority": "high"}),
        ("oh and tag it with garden", "tag_task", {"title": "mow the lawn", "tags": ["garden"]}),
        ("with a note: borrow the mower", "add_task_note",
         {"title": "mow the lawn", "note": "borrow the mower"}),
    ],
)  # fmt: skip
def test_a_fragment_about_the_last_thing_goes_to_the_tool_its_values_fit(
    text: str, name: str, arguments: dict[str, Any]
) -> None:
    assert called(reply(text, tools=TOOLS, history=ADDED)) == (name, arguments)


def test_a_request_not_to_write_writes_nothing() -> None:
    assert intent.refuses_writing("Don't add anything yet, I'm just thinking out loud.")
    assert not intent.refuses_writing("don't forget to call mum")
    assert "won't change anything" in said(reply("Don't add anything yet, I'm thinking.", tools=TOOLS))


def test_a_vague_request_about_a_thing_is_asked_about() -> None:
    assert said(reply("Do something about the passport.", tools=TOOLS)).startswith(
        "What would you like me to do with the passport?"
    )


@pytest.mark.parametrize(
    ("text", "name", "arguments"),
    [
        ("Remind me what's high priority.", "list_due_tasks", {"priority": "high"}),
        ("Is there anything I'm behind on?", "list_due_tasks", {"overdue": True}),
    ],
)  # fmt: skip
def test_questions_of_other_shapes_only_read(text: str, name: str, arguments: dict[str, Any]) -> None:
    assert intent.is_question(text)
    assert called(reply(text, tools=TOOLS)) == (name, arguments)


def test_a_question_about_a_particular_thing_looks_it_up() -> None:
    name, arguments = called(reply("What time is the dentist call?", tools=TOOLS))
    assert name == "find_task" and "dentist call" in arguments["title"]


@pytest.mark.parametrize(
    ("text", "name", "arguments"),
    [
        ("Rename water the plants to water the garden plants", "rename_task",
         {"title": "water the plants", "new_title": "water the garden plants"}),
        ("Put a work tag on the dry cleaning.", "tag_task", {"title": "the dry cleaning", "tags": ["work"]}),
        ("Put sort out the garage on my list, low priority", "add_task",
         {"title": "sort out the garage", "priority": "low"}),
    ],
)  # fmt: skip
def test_edits_read_by_the_shape_of_the_sentence(text: str, name: str, arguments: dict[str, Any]) -> None:
    assert called(reply(text, tools=TOOLS)) == (name, arguments)


def test_a_new_thing_is_not_taken_for_an_existing_one() -> None:
    events = reply("Schedule a haircut for Saturday morning", tools=TOOLS)
    assert not any(isinstance(e, ToolCall) and e.name == "reschedule_task" for e in events)


def test_more_ways_to_say_what_you_must_do_and_what_you_ask() -> None:
    assert called(reply("I should really call my mother this weekend", tools=TOOLS)) == (
        "add_task",
        {"title": "call my mother", "due": "2026-11-28"},
    )
    name, arguments = called(reply("when is the quarterly report due?", tools=TOOLS))
    assert name == "find_task" and "quarterly report" in arguments["title"]
    assert not any(isinstance(e, ToolCall) for e in reply("what's the weather tomorrow?", tools=TOOLS))


ROOM = builtin_apps()["escape-room"].tools.specs()


@pytest.mark.parametrize(
    ("text", "code"), [("the answer is 2 0 2 6 I think", "2026"), ("Try 9-0-3-5", "9035")]
)
def test_a_code_described_in_digits_takes_only_digits(text: str, code: str) -> None:
    assert called(reply(text, tools=ROOM)) == ("unlock_door", {"code": code})
    assert "?" in said(reply("482 ion", tools=ROOM))


@pytest.mark.parametrize(
    ("text", "name", "arguments"),
    [
        ("add to my list: call the electrician", "add_task", {"title": "call the electrician"}),
        ("Add pay rent, it's due on the 1st", "add_task", {"title": "pay rent", "due": "2026-12-01"}),
        ("Yo add laundry", "add_task", {"title": "laundry"}),
        ("Note down: buy a gift for Sam, it's urgent", "add_task",
         {"title": "buy a gift for Sam", "priority": "high"}),
        ("I'd appreciate it if you could add cancel the gym membership", "add_task",
         {"title": "cancel the gym membership"}),
    ],
)  # fmt: skip
def test_more_wrappings_of_an_add(text: str, name: str, arguments: dict[str, Any]) -> None:
    assert called(reply(text, tools=TOOLS)) == (name, arguments)


def test_not_wanting_a_thing_any_more_is_not_adding_it() -> None:
    assert called(reply("I don't want the plants task anymore", tools=TOOLS))[0] == "delete_task"
    events = reply("Can you add the tag urgent to the passport task?", tools=TOOLS)
    assert not any(isinstance(e, ToolCall) and e.name == "add_task" for e in events)
    name, arguments = called(reply("What's the status of the car service?", tools=TOOLS))
    assert name == "find_task" and "car service" in arguments["title"]


@pytest.mark.parametrize(
    ("text", "arguments"),
    [
        ("Any work stuff I should know about?", {"tag": "work"}),
        ("what are my family tasks?", {"tag": "family"}),
        ("any errands?", {"tag": "errands"}),
        ("any high priority stuff?", {"priority": "high"}),  # a word the tool uses is not a label
    ],
)
def test_a_label_said_as_a_modifier_filters_the_list(text: str, arguments: dict[str, Any]) -> None:
    assert called(reply(text, tools=TOOLS)) == ("list_due_tasks", arguments)


def test_a_reminder_to_do_something_adds_the_something() -> None:
    assert called(reply("I'd like a reminder to back up my laptop, it's pretty important", tools=TOOLS)) == (
        "add_task",
        {"title": "back up my laptop", "priority": "high"},
    )
    assert called(reply("Add a note to the passport task: bring photos", tools=TOOLS))[0] == "add_task_note"


@pytest.mark.parametrize("text", ["Give me a little nudge.", "I'm stuck, can you help me out?", "any tips?"])
def test_asking_for_a_hint_in_other_words(text: str) -> None:
    assert called(reply(text, tools=ROOM)) == ("get_hint", {})


def assert_linear(read: Callable[[int], object], n: int) -> None:
    """`read` of 4n repetitions costs under 8 times its cost for n: about 4 when linear, about 16
    when each repetition rescans the rest. CPU time of this process, each the least of 3 runs, so a
    loaded machine slows both alike and no wall-clock bound can flake."""

    def cost(size: int) -> float:
        runs = []
        for _ in range(3):
            started = time.process_time()
            read(size)
            runs.append(time.process_time() - started)
        return min(runs)

    small, large = cost(n), cost(4 * n)
    assert large < 8 * small, f"{n} took {small:.4f} s, {4 * n} took {large:.4f} s ({large / small:.1f}x)"


@pytest.mark.parametrize("word", ["and", "so", "okay", "well", "please", "can you", "just"])
def test_a_long_run_of_lead_in_words_is_read_in_linear_time(word: str) -> None:
    """A typed text can be long: "and and and ..." must not make every "and" rescan the rest (it
    took seconds at 10,000 characters when the run of lead-in words was unbounded)."""
    assert_linear(lambda n: phrasing.request(f"{word} " * n), 1_250)


@pytest.mark.parametrize("words", ["tag", "tagged work"])
def test_a_long_text_that_repeats_a_parameter_name_is_read_in_linear_time(words: str) -> None:
    """Each mention of a parameter's name reads the few words around it, not the whole text (10,000
    characters of "tag tag ..." took five seconds)."""
    reply("hello", tools=TOOLS)  # the sentence model loaded
    assert_linear(lambda n: reply(" ".join([words] * n), tools=TOOLS), 625)


@pytest.mark.parametrize("word", ["so", "and", "really"])
def test_a_long_answer_of_intensifiers_is_read_in_linear_time(word: str) -> None:
    """ "so so so ..." to "what's the title?" must not rescan the rest from each word for an option
    the description explains ("high if urgent")."""
    asked = [Message("user", "add a task"), Message("assistant", "Sure. What's the title?")]
    reply("hello", tools=TOOLS)  # the sentence model loaded
    assert_linear(lambda n: reply(f"{word} " * n, tools=TOOLS, history=asked), 1_250)


CHORE = {"type": "string", "description": "which chore, by its words"}
ROTA = [
    tool("add_chore", "Add a chore to the rota.", ["chore"], chore={"type": "string"}),
    tool("finish_chore", "Mark a chore as done.", ["chore"], chore=CHORE),
    tool("find_chore", "Look up one chore: whether it is done and who does it.", ["chore"], chore=CHORE),
    tool("list_chores", "List the chores on the rota.", []),
]


@pytest.mark.parametrize(
    "text",
    ["Wait, did I already do the laundry", "Hang on, have I done the laundry", "Oh, is the laundry done",
     "Hold on, did I clean the gutters", "Oh wait, is the laundry done?", "Sorry, did I water the ferns"],
)  # fmt: skip
def test_a_question_after_a_lead_in_only_reads(text: str) -> None:
    """A transcript often lacks its question mark; the lead-in ("wait,", "hang on,") must not hide
    the auxiliary that opens the question, or the question would mark the chore done or add one."""
    assert intent.is_question(text)
    held = ["Do the laundry", "Clean the gutters", "Water the ferns"]
    name, _ = called(reply(text, tools=ROTA, known=held))
    assert name in {"find_chore", "list_chores"}


@pytest.mark.parametrize(
    "text", ["Hang on, have I already done the chemistry homework", "wait is the chemistry homework done"]
)
def test_a_lead_in_is_no_value_of_the_question(text: str) -> None:
    """ "wait" is no "low" priority ("low if it can wait"): the question is read without its lead-in."""
    name, arguments = called(reply(text, tools=TOOLS, known=["Finish chemistry homework", "Clean my room"]))
    assert name == "find_task" and "chemistry homework" in arguments["title"]


@pytest.mark.parametrize(
    ("text", "name"),
    [("Oh wait, could you add empty the bins?", "add_chore"),
     ("Sorry, can you mark the laundry done?", "finish_chore"),
     ("Hang on, would you mind adding sweep the yard?", "add_chore")],
)  # fmt: skip
def test_a_polite_request_after_a_lead_in_is_done(text: str, name: str) -> None:
    """The same lead-ins before "could you ..." ask for it to be done: it is no question."""
    assert not intent.is_question(text)
    held = ["Do the laundry", "Clean the gutters", "Water the ferns"]
    assert called(reply(text, tools=ROTA, known=held))[0] == name
