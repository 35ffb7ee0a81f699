"""RealTalk in front of an OpenAI-compatible LLM server (a real HTTP server on loopback)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.chat_server import ChatServer, Scripted
from tests.live_server import LiveServer, start_server
from tests.realtime_client import Recorder, realtime

pytestmark = pytest.mark.slow

TOOL = {"type": "function", "name": "get_weather", "description": "Weather for a city",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}}  # fmt: skip


@pytest.fixture
def chat() -> Iterator[ChatServer]:
    with ChatServer() as server:
        yield server


@pytest.fixture
def llm_server(tmp_path: Path, chat: ChatServer) -> Iterator[LiveServer]:
    live = start_server(
        tmp_path / "data",
        REALTALK_LLM_BASE_URL=chat.base_url,
        REALTALK_LLM_MODEL="test-llm",
        REALTALK_LLM_TIMEOUT_S="2",
    )
    yield live
    live.stop()


async def ask(conn: Recorder, text: str) -> list[dict[str, object]]:
    await conn.send(
        {
            "type": "conversation.item.create",
            "item": {"type": "message", "role": "user", "content": [{"type": "input_text", "text": text}]},
        }
    )
    await conn.send({"type": "response.create"})
    return await conn.collect_response()


async def test_llm_reply_tool_call_and_fallback(llm_server: LiveServer, chat: ChatServer) -> None:
    async with realtime(llm_server) as conn:
        await conn.send(
            {
                "type": "session.update",
                "session": {
                    "type": "realtime",
                    "output_modalities": ["text"],
                    "instructions": "You are Ada.",
                    "tools": [TOOL],
                },
            }
        )
        await conn.until("session.updated")

        chat.replies.append(Scripted(text=["Bonjour", " from the LLM."]))
        events = await ask(conn, "say hi")
        text = "".join(str(e["delta"]) for e in events if e["type"] == "response.output_text.delta")
        assert text == "Bonjour from the LLM."
        sent = chat.requests[-1]
        assert sent["model"] == "test-llm"
        assert sent["messages"][0] == {"role": "system", "content": "You are Ada."}
        assert sent["messages"][-1] == {"role": "user", "content": "say hi"}
        assert sent["tools"][0]["function"]["name"] == "get_weather"

        chat.replies.append(Scripted(tool_calls=[("get_weather", ['{"city":', ' "Lyon"}'])]))
        events = await ask(conn, "weather in lyon")
        call = next(e for e in events if e["type"] == "response.function_call_arguments.done")
        assert call["name"] == "get_weather" and json.loads(str(call["arguments"])) == {"city": "Lyon"}

        chat.replies.append(Scripted(hang_s=5))  # past the 2 s timeout: the built-in brain answers
        events = await ask(conn, "hello")
        text = "".join(str(e["delta"]) for e in events if e["type"] == "response.output_text.delta")
        assert "Ada" in text
        assert events[-1]["response"]["status"] == "completed"  # type: ignore[index]
    assert "answering with the builtin brain" in llm_server.log_tail(20000)
