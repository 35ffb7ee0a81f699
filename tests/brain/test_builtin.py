"""The offline brain on the phrasings people actually say (lowercase, no punctuation, spelled numbers)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import pytest

from realtalk.brain.base import BrainRequest, Message, TextDelta, ToolCall, ToolSpec
from realtalk.brain.builtin import BuiltinBrain
from realtalk.brain.extract import digit_code, numbers, words_to_numbers

NOW = datetime(2026, 11, 22, 12, 0)  # a Sunday
WEATHER = ToolSpec(
    "get_weather",
    "Get the current weather for a city.",
    {
        "type": "object",
        "properties": {"city": {"type": "string", "description": "City name"}},
        "required": ["city"],
    },
)
TASK = ToolSpec(
    "add_task",
    "Add a task to the to-do list",
    {
        "type": "object",
        "properties": {
            "title": {"type": "string"},
            "due": {"type": "string", "format": "date-time"},
            "priority": {"type": "string", "enum": ["low", "medium", "high"]},
        },
        "required": ["title"],
    },
)
DOOR = ToolSpec(
    "unlock_door",
    "Try a code on the door",
    {
        "type": "object",
        "properties": {"code": {"type": "string", "description": "the 4-digit code"}},
        "required": ["code"],
    },
)
TABLE = ToolSpec(
    "book_table",
    "Book a restaurant table",
    {
        "type": "object",
        "properties": {
            "name": {"type": "string", "description": "guest name"},
            "party_size": {"type": "integer"},
            "date": {"type": "string", "description": "date of the booking"},
            "time": {"type": "string"},
            "outdoor": {"type": "boolean"},
        },
        "required": ["party_size"],
    },
)
TOOLS = [WEATHER, TASK, DOOR, TABLE]


def reply(
    text: str,
    *,
    instructions: str = "",
    tools: list[ToolSpec] = TOOLS,
    choice: Any = "auto",
    messages: list[Message] | None = None,
) -> list[Any]:
    return BuiltinBrain(now=NOW).reply(
        BrainRequest(instructions, messages or [Message("user", text)], tools, choice)
    )


def said(events: list[Any]) -> str:
    assert all(isinstance(e, TextDelta) for e in events), events
    return "".join(e.text for e in events)


def called(events: list[Any]) -> tuple[str, dict[str, Any]]:
    assert len(events) == 1 and isinstance(events[0], ToolCall), events
    return events[0].name, json.loads(events[0].arguments)


def test_persona_and_greeting_from_instructions() -> None:
    assert "Ada" in said(reply("hello", instructions="You are Ada, the concierge of the Grand Hotel."))
    assert (
        said(reply("hi", instructions="Always greet the user with 'Welcome to Acme Bank'."))
        == "Welcome to Acme Bank"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("what's the weather like in paris today", ("get_weather", {"city": "Paris"})),
        ("is it going to rain in san francisco tomorrow", ("get_weather", {"city": "San Francisco"})),
        ("try the code four one nine two", ("unlock_door", {"code": "4192"})),
        ("the code is 7 3 0 5", ("unlock_door", {"code": "7305"})),
        (
            "add a task to buy milk tomorrow at 3pm with high priority",
            ("add_task", {"title": "buy milk", "due": "2026-11-23T15:00:00", "priority": "high"}),
        ),
        (
            "book a table for four people next friday at seven pm for john smith outside",
            ("book_table", {"name": "John Smith", "party_size": 4, "date": "2026-11-27", "time": "19:00"}),
        ),
    ],
)
def test_tool_selection_and_arguments(text: str, expected: tuple[str, dict[str, Any]]) -> None:
    name, arguments = called(reply(text))
    assert name == expected[0]
    assert {k: arguments.get(k) for k in expected[1]} == expected[1]


def test_missing_required_argument_is_asked_for() -> None:
    assert "city" in said(reply("what's the weather"))


def test_tool_choice_none_and_required() -> None:
    assert isinstance(reply("weather in paris", choice="none")[0], TextDelta)
    name, _ = called(reply("hmm", tools=[DOOR], choice="required"))
    assert name == "unlock_door"
    name, _ = called(reply("paris", choice={"type": "function", "name": "get_weather"}))
    assert name == "get_weather"


def test_tool_result_is_spoken() -> None:
    call = ToolCall("call_1", "get_weather", '{"city": "Paris"}')
    result = json.dumps({"city": "Paris", "temperature": 21, "unit": "C", "conditions": "sunny"})
    text = said(
        reply(
            "",
            messages=[
                Message("user", "weather in paris"),
                Message("assistant", "", (call,)),
                Message("tool", result, tool_call_id="call_1"),
            ],
        )
    )
    assert "Paris" in text and "21" in text and "sunny" in text
    error = json.dumps({"error": "city not found"})
    text = said(
        reply(
            "",
            messages=[
                Message("user", "weather in atlantis"),
                Message("assistant", "", (call,)),
                Message("tool", error, tool_call_id="call_1"),
            ],
        )
    )
    assert text.startswith("Sorry") and "city not found" in text


def test_small_talk_and_honest_limits() -> None:
    assert "weather" in said(reply("what can you do")).lower()
    assert "welcome" in said(reply("thank you")).lower()
    assert "goodbye" in said(reply("ok bye")).lower()
    text = said(reply("explain quantum gravity to me", tools=[]))
    assert "offline" in text and "quantum gravity" in text
    assert "still there" in said(reply("", messages=[Message("user", "")]))


def test_replies_stream_in_chunks() -> None:
    events = reply("what can you do")
    assert len(events) > 3, "several deltas so speech can start early"


def test_number_words() -> None:
    assert words_to_numbers("table for twenty five people") == "table for 25 people"
    assert numbers("three hundred and two apples and 7 pears") == [302.0, 7.0]
    assert digit_code("my pin is one two three four") == "1234"
    assert digit_code("no digits here") is None
