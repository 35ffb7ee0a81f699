"""RealTalk in front of an OpenAI-compatible LLM server (a real HTTP server on loopback)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.chat_server import ChatServer, Scripted
from tests.live_server import API_KEY, LiveServer, start_server
from tests.realtime_client import Recorder, pcm24k, realtime, silence
from tests.speech_data import librivox_clips, load_wav_16k

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
    await conn.ask(text)
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
        assert sent["messages"][0]["role"] == "system"
        assert sent["messages"][0]["content"].startswith("You are Ada.\n\nToday is ")
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


async def test_a_long_spoken_answer_starts_while_the_llm_still_writes(
    llm_server: LiveServer, chat: ChatServer
) -> None:
    """Prefetched or not, the first clause is spoken long before the LLM's answer is complete."""
    path, _ = librivox_clips()[1]
    words = [f"{w} " for w in ("Here is a long answer, " + "and it goes on for a while. " * 12).split()]
    for _ in range(3):  # the prefetch, and the reply if the speech end moved after it
        chat.replies.append(Scripted(text=words, piece_delay_s=0.15))
    async with realtime(llm_server) as conn:
        start = len(conn.events)
        await conn.append_audio(silence(300) + pcm24k(load_wav_16k(path)) + silence(1500))
        await conn.until("response.output_audio.delta")
        assert chat.outcomes[-1] == "streaming"  # ~11 s of text in all: most still to come
        events = await conn.collect_response()
        assert events[-1]["response"]["status"] == "completed"
        kind = "response.output_audio_transcript.delta"
        spoken = "".join(str(e["delta"]) for e in conn.events[start:] if e["type"] == kind)
        assert spoken.split() == "".join(words).split()
        assert "input_audio_buffer.committed" in conn.types(start)


async def test_the_semantic_cache_answers_a_repeated_opening_question(
    tmp_path: Path, chat: ChatServer
) -> None:
    other_key = "other-key-0123456789"
    live = start_server(
        tmp_path / "cache",
        REALTALK_API_KEYS=f"{API_KEY},{other_key}",
        REALTALK_LLM_BASE_URL=chat.base_url,
        REALTALK_LLM_TIMEOUT_S="5",
        REALTALK_SEMANTIC_CACHE="true",
    )
    try:
        chat.replies += [Scripted(text=["Breakfast starts at seven."]) for _ in range(3)]

        async def opening(question: str, key: str = API_KEY) -> str:
            async with realtime(live, api_key=key) as conn:
                await conn.update(output_modalities=["text"])
                return "".join(
                    str(e["delta"])
                    for e in await ask(conn, question)
                    if e["type"] == "response.output_text.delta"
                )

        assert await opening("What time does breakfast start?") == "Breakfast starts at seven."
        assert await opening("When does breakfast start?") == "Breakfast starts at seven."
        assert len(chat.requests) == 1, "a new session's near-identical opening question came from the cache"
        assert await opening("When does breakfast start?", other_key) == "Breakfast starts at seven."
        assert len(chat.requests) == 2, "never across API keys"
    finally:
        live.stop()
