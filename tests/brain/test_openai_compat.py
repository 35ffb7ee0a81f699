"""The OpenAI-compatible brain against a real HTTP server speaking Chat Completions on loopback."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator
from datetime import date

import pytest

from realtalk.brain.base import (
    Brain,
    BrainError,
    BrainEvent,
    BrainRequest,
    Image,
    Message,
    TextDelta,
    ToolCall,
    ToolSpec,
)
from realtalk.brain.fallback import FallbackBrain
from realtalk.brain.loader import load_brain
from realtalk.brain.openai_compat import OpenAICompatibleBrain
from realtalk.config import Settings
from tests.chat_server import ChatServer, Scripted
from tests.images import MEETING, data_url, text_image
from tests.live_server import free_port

WEATHER = ToolSpec(
    "get_weather",
    "Weather for a city",
    {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
)
TIME = ToolSpec(
    "get_time", "The time in a time zone", {"type": "object", "properties": {"tz": {"type": "string"}}}
)
HELLO = BrainRequest("", [Message("user", "hi")])
TODAY = f"{date.today():%A, %B} {date.today().day}, {date.today().year}"


async def collect(brain: Brain, request: BrainRequest) -> list[BrainEvent]:
    return [event async for event in brain.stream(request)]


def text_of(events: list[BrainEvent]) -> str:
    return "".join(e.text for e in events if isinstance(e, TextDelta))


@pytest.fixture
def chat() -> Iterator[ChatServer]:
    with ChatServer() as server:
        yield server


async def test_streams_text_and_sends_the_conversation_as_chat_messages(chat: ChatServer) -> None:
    chat.replies.append(Scripted(text=["Hello", " there", "!"]))
    brain = OpenAICompatibleBrain(base_url=chat.base_url, model="llama3", api_key="sk-local")
    call = ToolCall("call_9", "get_weather", '{"city":"Oslo"}')
    request = BrainRequest(
        "Be brief.",
        [
            Message("user", "weather in Oslo?"),
            Message("assistant", "", (call,)),
            Message("tool", '{"temp": 3}', tool_call_id="call_9"),
            Message("assistant", "It's 3 degrees."),
            Message("user", "thanks"),
        ],
        [WEATHER],
        "auto",
        0.3,
        50,
    )
    events = await collect(brain, request)
    assert events == [TextDelta("Hello"), TextDelta(" there"), TextDelta("!")]
    sent = chat.requests[0]
    assert sent["model"] == "llama3" and sent["stream"] is True
    assert sent["temperature"] == 0.3 and sent["max_tokens"] == 50
    assert sent["messages"] == [
        {"role": "system", "content": f"Be brief.\n\nToday is {TODAY}."},
        {"role": "user", "content": "weather in Oslo?"},
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {
                    "id": "call_9",
                    "type": "function",
                    "function": {"name": "get_weather", "arguments": '{"city":"Oslo"}'},
                }
            ],
        },
        {"role": "tool", "tool_call_id": "call_9", "content": '{"temp": 3}'},
        {"role": "assistant", "content": "It's 3 degrees."},
        {"role": "user", "content": "thanks"},
    ]
    assert sent["tools"] == [
        {
            "type": "function",
            "function": {
                "name": "get_weather",
                "description": "Weather for a city",
                "parameters": WEATHER.parameters,
            },
        }
    ]
    assert sent["tool_choice"] == "auto"
    assert chat.headers[0]["authorization"] == "Bearer sk-local"


async def test_no_tools_means_no_tool_fields_and_no_instructions_no_system_message(chat: ChatServer) -> None:
    brain = OpenAICompatibleBrain(base_url=chat.base_url, model="m")
    assert text_of(await collect(brain, HELLO)) == "OK."
    sent = chat.requests[0]
    assert "tools" not in sent and "tool_choice" not in sent and "temperature" not in sent
    assert sent["messages"] == [{"role": "user", "content": "hi"}]
    assert chat.headers[0]["authorization"].startswith("Bearer "), "a placeholder key for local servers"


async def test_with_tools_and_no_instructions_the_system_message_is_the_date(chat: ChatServer) -> None:
    brain = OpenAICompatibleBrain(base_url=chat.base_url, model="m")
    await collect(brain, BrainRequest("", [Message("user", "weather")], [WEATHER]))
    assert chat.requests[0]["messages"][0] == {"role": "system", "content": f"Today is {TODAY}."}


async def test_streamed_tool_call_fragments_are_joined_per_call(chat: ChatServer) -> None:
    chat.replies.append(
        Scripted(
            text=["Checking."],
            tool_calls=[
                ("get_weather", ['{"ci', 'ty": "Pa', 'ris"}']),
                ("get_time", ["{", '"tz": "CET"', "}"]),
            ],
        )
    )
    brain = OpenAICompatibleBrain(base_url=chat.base_url, model="m")
    events = await collect(
        brain, BrainRequest("", [Message("user", "weather and time in Paris")], [WEATHER, TIME])
    )
    assert events[0] == TextDelta("Checking.")
    calls = events[1:]
    assert [type(c) for c in calls] == [ToolCall, ToolCall]
    assert isinstance(calls[0], ToolCall) and isinstance(calls[1], ToolCall)
    assert (calls[0].call_id, calls[0].name, json.loads(calls[0].arguments)) == (
        "call_0",
        "get_weather",
        {"city": "Paris"},
    )
    assert (calls[1].call_id, calls[1].name, json.loads(calls[1].arguments)) == (
        "call_1",
        "get_time",
        {"tz": "CET"},
    )


@pytest.mark.parametrize(
    ("choice", "sent"),
    [
        (
            {"type": "function", "name": "get_weather"},
            {"type": "function", "function": {"name": "get_weather"}},
        ),
        ("required", "required"),
        ("none", "none"),
    ],
)
async def test_tool_choice_is_mapped(chat: ChatServer, choice: object, sent: object) -> None:
    brain = OpenAICompatibleBrain(base_url=chat.base_url, model="m")
    await collect(brain, BrainRequest("", [Message("user", "weather")], [WEATHER], choice))  # type: ignore[arg-type]
    assert chat.requests[0]["tool_choice"] == sent


async def test_a_leading_think_block_is_not_spoken(chat: ChatServer) -> None:
    chat.replies.append(
        Scripted(text=["<thi", "nk>The user greets me.", " Answer briefly.</think>", "\n\nHi!", " Bye."])
    )
    brain = OpenAICompatibleBrain(base_url=chat.base_url, model="qwen3")
    assert text_of(await collect(brain, HELLO)) == "Hi! Bye."


async def test_http_error_is_a_brain_error_without_the_key(chat: ChatServer) -> None:
    brain = OpenAICompatibleBrain(base_url=chat.base_url, model="m", api_key="sk-secret-value")
    chat.replies.append(Scripted(status=500))
    with pytest.raises(BrainError) as info:
        await collect(brain, HELLO)
    message = str(info.value)
    assert "HTTP 500" in message and "scripted failure" in message and chat.base_url in message
    assert "sk-secret-value" not in message


async def test_first_token_timeout_is_a_brain_error(chat: ChatServer) -> None:
    chat.replies.append(Scripted(hang_s=3.0))
    brain = OpenAICompatibleBrain(base_url=chat.base_url, model="m", timeout_s=0.4)
    started = time.monotonic()
    with pytest.raises(BrainError, match=r"no reply from the LLM endpoint within 0\.4 s"):
        await collect(brain, HELLO)
    assert time.monotonic() - started < 2.0


async def test_a_stall_mid_reply_is_a_brain_error_after_the_text(chat: ChatServer) -> None:
    chat.replies.append(Scripted(text=["Let me", " think"], stall_s=3.0))
    brain = OpenAICompatibleBrain(base_url=chat.base_url, model="m", timeout_s=0.4)
    events: list[BrainEvent] = []
    with pytest.raises(BrainError, match="stalled"):
        async for event in brain.stream(HELLO):
            events.append(event)
    assert text_of(events) == "Let me think"


async def test_unreachable_endpoint_is_a_brain_error() -> None:
    brain = OpenAICompatibleBrain(
        base_url=f"http://user:pw@127.0.0.1:{free_port()}/v1", model="m", api_key="sk-abc", timeout_s=2
    )
    with pytest.raises(BrainError, match="cannot reach the LLM endpoint") as info:
        await collect(brain, HELLO)
    assert "pw" not in str(info.value) and "sk-abc" not in str(info.value)


async def test_closing_the_stream_early_disconnects_from_the_endpoint(chat: ChatServer) -> None:
    chat.replies.append(Scripted(text=["One.", " Two."], stall_s=5.0))
    brain = OpenAICompatibleBrain(base_url=chat.base_url, model="m")
    events = brain.stream(HELLO)
    assert await anext(events) == TextDelta("One.")
    await events.aclose()  # type: ignore[attr-defined]  # what a barge-in does
    for _ in range(40):
        if chat.outcomes != ["streaming"]:
            break
        await asyncio.sleep(0.05)
    assert chat.outcomes == ["client left"], "the server stopped generating well before its 5 s stall ended"


@pytest.mark.parametrize("vision", [True, False], ids=["vision", "ocr-text-only"])
async def test_user_images_reach_a_vision_model_as_image_url_parts(chat: ChatServer, vision: bool) -> None:
    url = data_url(text_image(MEETING))
    image = Image(url, MEETING, "high")
    question = f"{image.note()} when is the meeting?"
    request = BrainRequest("", [Message("user", question, images=(image,)), Message("assistant", "At 3.")])
    brain = OpenAICompatibleBrain(base_url=chat.base_url, model="llava", vision=vision)
    assert text_of(await collect(brain, request)) == "OK."
    sent = chat.requests[-1]["messages"]
    if vision:
        assert sent[0]["content"] == [
            {"type": "text", "text": question},
            {"type": "image_url", "image_url": {"url": url, "detail": "high"}},
        ]
    else:
        assert sent[0]["content"] == question and MEETING in sent[0]["content"]
        assert url not in json.dumps(chat.requests[-1])
    assert sent[1] == {"role": "assistant", "content": "At 3."}


def test_the_llm_vision_setting_reaches_the_brain() -> None:
    brain = load_brain(Settings(llm_base_url="http://127.0.0.1:9/v1", llm_vision=True))
    assert isinstance(brain, FallbackBrain) and isinstance(brain.primary, OpenAICompatibleBrain)
    assert brain.primary.vision
