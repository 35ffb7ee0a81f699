"""The OpenAI-compatible brain against a real HTTP server speaking Chat Completions."""

from __future__ import annotations

import json

import pytest

from realtalk.brain.base import BrainError, BrainRequest, Message, TextDelta, ToolCall, ToolSpec
from realtalk.brain.builtin import BuiltinBrain
from realtalk.brain.fallback import FallbackBrain
from realtalk.brain.openai_compat import OpenAICompatibleBrain
from tests.chat_server import ChatServer, Scripted
from tests.live_server import free_port

WEATHER = ToolSpec(
    "get_weather", "Weather for a city", {"type": "object", "properties": {"city": {"type": "string"}}}
)


async def collect(brain: object, request: BrainRequest) -> list[object]:
    return [event async for event in brain.stream(request)]  # type: ignore[attr-defined]


@pytest.fixture
def chat() -> ChatServer:
    with ChatServer() as server:
        yield server


async def test_streams_text_and_sends_the_conversation(chat: ChatServer) -> None:
    chat.replies.append(Scripted(text=["Hello", " there", "!"]))
    brain = OpenAICompatibleBrain(base_url=chat.base_url, model="llama3", api_key="sk-local")
    call = ToolCall("call_9", "get_weather", '{"city":"Oslo"}')
    request = BrainRequest(
        "Be brief.",
        [
            Message("user", "weather in Oslo?"),
            Message("assistant", "", (call,)),
            Message("tool", '{"temp": 3}', tool_call_id="call_9"),
        ],
        [WEATHER],
        "auto",
        0.3,
        50,
    )
    events = await collect(brain, request)
    assert events == [TextDelta("Hello"), TextDelta(" there"), TextDelta("!")]
    sent = chat.requests[0]
    assert sent["model"] == "llama3" and sent["stream"] is True and sent["max_tokens"] == 50
    assert sent["messages"][0] == {"role": "system", "content": "Be brief."}
    assert sent["messages"][2]["tool_calls"][0]["function"] == {
        "name": "get_weather",
        "arguments": '{"city":"Oslo"}',
    }
    assert sent["messages"][3] == {"role": "tool", "tool_call_id": "call_9", "content": '{"temp": 3}'}
    assert sent["tools"][0]["function"]["name"] == "get_weather"
    assert chat.headers[0]["authorization"] == "Bearer sk-local"


async def test_tool_call_fragments_are_joined(chat: ChatServer) -> None:
    chat.replies.append(Scripted(tool_calls=[("get_weather", ['{"ci', 'ty": "Pa', 'ris"}'])]))
    brain = OpenAICompatibleBrain(base_url=chat.base_url, model="m")
    events = await collect(
        brain,
        BrainRequest(
            "", [Message("user", "weather in Paris")], [WEATHER], {"type": "function", "name": "get_weather"}
        ),
    )
    assert len(events) == 1 and isinstance(events[0], ToolCall)
    assert events[0].name == "get_weather" and json.loads(events[0].arguments) == {"city": "Paris"}
    assert chat.requests[0]["tool_choice"] == {"type": "function", "function": {"name": "get_weather"}}


async def test_http_error_and_timeout_are_brain_errors(chat: ChatServer) -> None:
    brain = OpenAICompatibleBrain(base_url=chat.base_url, model="m", api_key="sk-secret-value", timeout_s=0.5)
    chat.replies.append(Scripted(status=500))
    with pytest.raises(BrainError) as info:
        await collect(brain, BrainRequest("", [Message("user", "hi")]))
    assert "500" in str(info.value) and "sk-secret-value" not in str(info.value)
    chat.replies.append(Scripted(hang_s=2.0))
    with pytest.raises(BrainError, match="within"):
        await collect(brain, BrainRequest("", [Message("user", "hi")]))


async def test_fallback_when_endpoint_is_down_or_hangs(chat: ChatServer) -> None:
    request = BrainRequest("You are Ada.", [Message("user", "hello")])
    down = FallbackBrain(
        OpenAICompatibleBrain(base_url=f"http://127.0.0.1:{free_port()}/v1", model="m"), BuiltinBrain()
    )
    text = "".join(e.text for e in await collect(down, request) if isinstance(e, TextDelta))
    assert "Ada" in text
    chat.replies.append(Scripted(hang_s=2.0))
    slow = FallbackBrain(
        OpenAICompatibleBrain(base_url=chat.base_url, model="m", timeout_s=0.3), BuiltinBrain()
    )
    text = "".join(e.text for e in await collect(slow, request) if isinstance(e, TextDelta))
    assert "Ada" in text
    chat.replies.append(Scripted(text=["From the LLM."]))
    text = "".join(e.text for e in await collect(slow, request) if isinstance(e, TextDelta))
    assert text == "From the LLM."
