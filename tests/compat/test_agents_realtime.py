"""The npm `@openai/agents-realtime` SDK (0.20), unchanged: its `RealtimeSession` over the
`OpenAIRealtimeWebSocket` transport, which takes a `ws://` URL as it is."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.compat.conftest import NODE, SPOKEN, run_client, stored_items
from tests.live_server import API_KEY, LiveServer
from tests.speech_data import word_error_rate

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("compat_clients")]


def test_text_tool_and_spoken_turns(server: LiveServer, speech: Path) -> None:
    url = f"ws://127.0.0.1:{server.port}/v1/realtime"
    result = run_client(["node", NODE / "agents_realtime.mjs", url, API_KEY, speech], server)
    assert "failed" not in result and result["errors"] == [], result
    assert "Ada" in result["text_turn"]["text"] and result["text_turn"]["audio_bytes"] > 24_000

    tool = result["tool_turn"]  # the SDK runs the tool, sends its output and asks for the reply
    assert tool["calls"] == [{"city": "Paris"}]
    assert json.loads(tool["tool_result"]["output"])["temperature"] == 21
    assert "21" in tool["reply"]

    spoken = result["spoken_turn"]  # `sendAudio` in 20 ms chunks; server VAD ends the turn
    assert len(spoken["transcripts"]) == 1
    assert word_error_rate(SPOKEN, spoken["transcripts"][0]) < 0.4, spoken["transcripts"]
    assert spoken["reply"]
    assert [h["type"] for h in result["history"]] == [
        "message", "message", "message", "function_call", "message", "message", "message",
    ]  # fmt: skip

    items = stored_items(server)[-1]
    assert [i["type"] for i in items] == [
        "message", "message", "message", "function_call", "function_call_output", "message",
        "message", "message",
    ]  # fmt: skip
    assert items[6]["content"][0]["type"] == "input_audio"
