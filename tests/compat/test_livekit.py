"""LiveKit Agents 1.8's `openai.realtime.RealtimeModel`, unchanged, its session driven directly."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.compat.conftest import CLIENTS, ROOT, SPOKEN, run_client, stored_items
from tests.live_server import API_KEY, LiveServer
from tests.speech_data import word_error_rate

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("compat_clients")]

PYTHON = ROOT / ".venv-compat" / "livekit" / "bin" / "python"


def test_text_tool_and_spoken_turns(server: LiveServer, speech: Path) -> None:
    result = run_client([PYTHON, CLIENTS / "livekit_client.py", server.base_url, API_KEY, speech], server)
    assert result["errors"] == []
    assert "Ada" in result["text_turn"]["text"]
    assert result["text_turn"]["audio_bytes"] > 24_000, "half a second of 24 kHz PCM16 at least"

    tool = result["tool_turn"]
    assert tool["calls"] == [{"name": "get_weather", "arguments": {"city": "Paris"}}]
    # LiveKit sends the tool's return value as str(dict), a Python repr, not JSON ...
    assert tool["outputs"] == ["{'city': 'Paris', 'temperature': 21, 'unit': 'C', 'conditions': 'sunny'}"]
    # ... and it is spoken as naturally as JSON would be.
    assert "21" in tool["reply"] and "{" not in tool["reply"] and "'" not in tool["reply"], tool["reply"]

    spoken = result["spoken_turn"]
    assert len(spoken["transcripts"]) == 1
    assert word_error_rate(SPOKEN, spoken["transcripts"][0]) < 0.4, spoken["transcripts"]
    assert spoken["text"] and spoken["audio_bytes"] > 24_000
    # LiveKit's copy of the server's conversation, built from `conversation.item.added`
    assert result["remote_items"] == [
        "message", "message", "message", "function_call", "function_call_output", "message",
        "message", "message",
    ]  # fmt: skip

    items = stored_items(server)[-1]
    kinds = [(i["type"], i.get("role")) for i in items]
    assert kinds[:6] == [
        ("message", "user"),
        ("message", "assistant"),
        ("message", "user"),
        ("function_call", None),
        ("function_call_output", None),
        ("message", "assistant"),
    ]
    assert json.loads(items[3]["arguments"]) == {"city": "Paris"}
    assert kinds[-2:] == [("message", "user"), ("message", "assistant")]
    assert items[-2]["content"][0]["type"] == "input_audio"
