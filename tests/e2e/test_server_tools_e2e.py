"""Server-side tools over the Realtime protocol: round trip, filler speech, cancel, honest errors."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.live_server import LiveServer
from tests.realtime_client import realtime

pytestmark = pytest.mark.slow


def spoken(events: list[dict[str, Any]]) -> str:
    return "".join(
        e["delta"]
        for e in events
        if e["type"] in ("response.output_text.delta", "response.output_audio_transcript.delta")
    )


async def test_server_tool_round_trip(tool_server: LiveServer) -> None:
    async with realtime(tool_server) as conn:
        await conn.update(output_modalities=["text"])
        await conn.ask("what's the weather in paris")
        first = await conn.collect_response()
        call = next(e for e in first if e["type"] == "response.function_call_arguments.done")
        assert call["name"] == "get_weather" and json.loads(call["arguments"]) == {"city": "Paris"}
        output = next(
            e["item"]
            for e in first
            if e["type"] == "conversation.item.added" and e["item"]["type"] == "function_call_output"
        )
        assert json.loads(output["output"])["temperature"] == 21 and output["call_id"] == call["call_id"]
        second = await conn.collect_response()
        assert "21" in spoken(second) and second[-1]["response"]["status"] == "completed"


async def test_slow_tool_gets_a_filler_line(tool_server: LiveServer) -> None:
    async with realtime(tool_server) as conn:
        await conn.ask("look up my order number four five six")
        first = await conn.collect_response()
        assert "looking up your order" in spoken(first)
        assert any(e["type"] == "response.output_audio.delta" for e in first)
        second = await conn.collect_response()
        assert "shipped" in spoken(second)


async def test_cancel_during_a_tool_call_drops_the_result(tool_server: LiveServer) -> None:
    async with realtime(tool_server) as conn:
        await conn.update(output_modalities=["text"])
        await conn.ask("look up order number one two three")
        await conn.until("response.function_call_arguments.done")
        await conn.send({"type": "response.cancel"})
        done = await conn.until("response.done")
        assert done["response"]["status"] == "cancelled"
        # Ask something else; the late tool result must never show up or be spoken.
        await conn.ask("thank you")
        reply = await conn.collect_response()
        assert "welcome" in spoken(reply).lower()
        assert not any(
            e["type"] == "conversation.item.added" and e["item"]["type"] == "function_call_output"
            for e in conn.events
        )


@pytest.mark.parametrize(
    ("request_text", "expected"),
    [
        ("reset the password for bob at example dot com", "mail server is down"),
        ("check the inventory for blue socks in the warehouse", "longer than"),
    ],
)
async def test_tool_failures_are_answered_honestly(
    tool_server: LiveServer, request_text: str, expected: str
) -> None:
    async with realtime(tool_server) as conn:
        await conn.update(output_modalities=["text"])
        await conn.ask(request_text)
        await conn.collect_response()
        answer = spoken(await conn.collect_response())
        assert answer.startswith("Sorry") and expected in answer
