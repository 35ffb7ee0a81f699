"""Tool calls a small model writes as text (Qwen2.5-Coder's bare JSON), against a real HTTP server
speaking Chat Completions on loopback: they become calls, and nothing else is taken for one."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from realtalk.brain.base import BrainEvent, BrainRequest, Message, TextDelta, ToolCall, ToolSpec
from realtalk.brain.openai_compat import OpenAICompatibleBrain
from realtalk.brain.written_calls import WrittenCalls
from tests.chat_server import ChatServer, Scripted

ADD = ToolSpec(
    "add_task",
    "Add a task",
    {"type": "object", "properties": {"title": {"type": "string"}, "due": {"type": "string"}}},
)
DELETE = ToolSpec(
    "delete_task", "Delete a task", {"type": "object", "properties": {"title": {"type": "string"}}}
)
ASK = BrainRequest("", [Message("user", "add buy milk tomorrow")], [ADD, DELETE])


@pytest.fixture
def chat() -> Iterator[ChatServer]:
    with ChatServer() as server:
        yield server


async def reply(chat: ChatServer, pieces: list[str], request: BrainRequest = ASK) -> list[BrainEvent]:
    chat.replies.append(Scripted(text=pieces))
    brain = OpenAICompatibleBrain(base_url=chat.base_url, model="qwen")
    return [event async for event in brain.stream(request)]


def calls_of(events: list[BrainEvent]) -> list[tuple[str, dict[str, object]]]:
    return [(e.name, json.loads(e.arguments)) for e in events if isinstance(e, ToolCall)]


async def test_bare_json_with_stray_braces_is_a_call_not_speech(chat: ChatServer) -> None:
    # Word for word what Qwen2.5-Coder-1.5B wrote through llama.cpp's server for this request.
    pieces = ["{{", '"', "name", '":', ' "', "add_task", '",', ' "arguments": {"title": "buy milk",',
              ' "due": "tomorrow"}}}']  # fmt: skip
    events = await reply(chat, pieces)
    assert not [e for e in events if isinstance(e, TextDelta)]
    assert calls_of(events) == [("add_task", {"title": "buy milk", "due": "tomorrow"})]
    assert all(isinstance(e, ToolCall) and e.call_id.startswith("call_") for e in events)


@pytest.mark.parametrize(
    "text",
    [
        '<tool_call>\n{"name": "add_task", "arguments": {"title": "buy milk"}}\n</tool_call>\n'
        '<tool_call>\n{"name": "delete_task", "arguments": "{\\"title\\": \\"old\\"}"}\n</tool_call>',
        '```json\n[{"name": "add_task", "parameters": {"title": "buy milk"}},\n'
        ' {"name": "delete_task", "arguments": {"title": "old"}}]\n```',
    ],
    ids=["tags-and-string-arguments", "fenced-list"],
)
async def test_tagged_fenced_and_listed_calls_are_each_a_call(chat: ChatServer, text: str) -> None:
    events = await reply(chat, [text[:7], text[7:30], text[30:]])
    assert calls_of(events) == [("add_task", {"title": "buy milk"}), ("delete_task", {"title": "old"})]
    assert not [e for e in events if isinstance(e, TextDelta)]


@pytest.mark.parametrize(
    "pieces",
    [
        ['{"name": "launch_rocket", ', '"arguments": {}}'],  # not a tool the client offered
        ['{"name": "add_task", "arguments": {"title": "x"}}', " Done, I added it."],  # words after it
        ["[laughs]", " Sure, I can help."],
        ['{"name": "add_task", "arguments": {"title": '],  # cut short: not JSON
    ],
    ids=["unknown-tool", "words-after", "bracket-speech", "unfinished"],
)
async def test_anything_but_calls_is_spoken_as_written(chat: ChatServer, pieces: list[str]) -> None:
    events = await reply(chat, pieces)
    assert events == [TextDelta("".join(pieces))]


@pytest.mark.parametrize(
    "request_",
    [BrainRequest("", [Message("user", "show me JSON")]), BrainRequest("", ASK.messages, [ADD], "none")],
    ids=["no-tools", "tool-choice-none"],
)
async def test_where_no_call_may_be_made_json_is_spoken_at_once(
    chat: ChatServer, request_: BrainRequest
) -> None:
    pieces = ['{"name": "add_task",', ' "arguments": {}}']
    events = await reply(chat, pieces, request_)
    assert events == [TextDelta(pieces[0]), TextDelta(pieces[1])]


async def test_speech_is_not_held_back(chat: ChatServer) -> None:
    events = await reply(chat, ["Sure", ", added", " it."])
    assert events == [TextDelta("Sure"), TextDelta(", added"), TextDelta(" it.")]


async def test_a_named_tool_choice_is_the_only_tool_a_written_call_may_name(chat: ChatServer) -> None:
    named = BrainRequest("", ASK.messages, [ADD, DELETE], {"type": "function", "name": "add_task"})
    other = '{"name": "delete_task", "arguments": {"title": "old"}}'
    assert await reply(chat, [other], named) == [TextDelta(other)]
    events = await reply(chat, ['{"name": "add_task", "arguments": {"title": "milk"}}'], named)
    assert calls_of(events) == [("add_task", {"title": "milk"})]


def test_text_that_is_no_call_is_spoken_once_its_opening_shows_it() -> None:
    written = WrittenCalls(["add_task"])
    pieces = ["[laughs] Sure,", " I can help with that,", " of course: let me look at your list.", " Now"]
    said = [written.feed(piece) for piece in pieces]
    assert said[:2] == ["", ""] and said[2] == "".join(pieces[:3])
    assert said[3] == " Now" and written.flush() == ("", [])


def test_a_call_that_never_ends_is_held_no_longer_than_a_few_calls_worth() -> None:
    written = WrittenCalls(["add_task"])
    opening = '{"name": "add_task", "arguments": {"title": "'
    said = [written.feed(piece) for piece in [opening, *["x" * 100] * 1000]]
    first = next(i for i, text in enumerate(said) if text)
    assert 4000 < len(said[first]) < 4200 and all(said[first + 1 :])
    assert "".join(said) == opening + "x" * 100_000 and written.flush() == ("", [])
