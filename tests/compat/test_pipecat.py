"""Pipecat 1.14's `OpenAIRealtimeLLMService`, unchanged, in a pipeline of its own aggregators."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.compat.conftest import CLIENTS, ROOT, SPOKEN, run_client, stored_items
from tests.live_server import API_KEY, LiveServer
from tests.speech_data import word_error_rate

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("compat_clients")]

PYTHON = ROOT / ".venv-compat" / "pipecat" / "bin" / "python"


def pipecat(scenario: str, server: LiveServer, speech: Path) -> dict:
    url = f"ws://127.0.0.1:{server.port}/v1/realtime"
    return run_client([PYTHON, CLIENTS / "pipecat_client.py", scenario, url, API_KEY, speech], server)


def test_text_tool_and_spoken_turns(server: LiveServer, speech: Path) -> None:
    result = pipecat("turns", server, speech)
    assert "timed_out" not in result, result
    assert "Ada" in result["text_turn"]["text"]
    assert result["text_turn"]["audio_bytes"] > 24_000, "half a second of 24 kHz PCM16 at least"

    tool = result["tool_turn"]  # typed text that Pipecat sends as a `system` item, then the call
    assert tool["calls"] == [{"city": "Paris"}]
    assert "21" in tool["reply"]["text"] and "{" not in tool["reply"]["text"]
    assert tool["reply"]["audio_bytes"] > 24_000

    spoken = result["spoken_turn"]
    assert word_error_rate(SPOKEN, spoken["transcript"]) < 0.4, spoken["transcript"]
    assert spoken["text"] and spoken["audio_bytes"] > 24_000
    assert result["retrieved"]["type"] == "message" and result["retrieved"]["role"] == "user"

    items = stored_items(server)[-1]
    assert [(i["type"], i.get("role")) for i in items] == [
        ("message", "user"),
        ("message", "assistant"),
        ("message", "system"),
        ("function_call", None),
        ("function_call_output", None),
        ("message", "assistant"),
        ("message", "user"),
        ("message", "assistant"),
    ]
    assert json.loads(items[4]["output"])["temperature"] == 21
    assert items[6]["content"][0]["type"] == "input_audio"
    assert word_error_rate(SPOKEN, items[6]["content"][0]["transcript"]) < 0.4


def test_a_failed_retrieval_raises_and_the_service_carries_on(server: LiveServer, speech: Path) -> None:
    """Pipecat knows `item_retrieve_invalid_item_id` only; any other code stops its receive loop."""
    result = pipecat("retrieve-missing", server, speech)
    assert result["retrieve_missing"].startswith("raised: "), result
    assert "item_does_not_exist" in result["retrieve_missing"]
    assert "timed_out" not in result, result
    assert result["after_error"]["text"], "the service still answers after the error"
