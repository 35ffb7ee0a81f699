"""End to end over a real socket with the official `openai` SDK; every server event validated."""

from __future__ import annotations

import base64
import json
from typing import Any

import httpx
import pytest
import websockets

from tests.live_server import API_KEY, LiveServer
from tests.realtime_client import Recorder, audio_bytes, realtime
from tests.realtime_schema import validate_server_event

pytestmark = pytest.mark.slow

WEATHER_TOOL = {
    "type": "function",
    "name": "get_weather",
    "description": "Get the current weather for a city.",
    "parameters": {
        "type": "object",
        "properties": {"city": {"type": "string", "description": "City name"}},
        "required": ["city"],
    },
}


async def say(conn: Recorder, text: str) -> None:
    await conn.send(
        {
            "type": "conversation.item.create",
            "item": {"type": "message", "role": "user", "content": [{"type": "input_text", "text": text}]},
        }
    )
    await conn.until("conversation.item.done")


def test_health_is_open_and_everything_else_needs_a_key(server: LiveServer) -> None:
    health = httpx.get(f"{server.http_url}/healthz")
    assert health.status_code == 200
    body = health.json()
    assert body["status"] == "ok" and body["engines"]["stt"] and body["engines"]["tts"]
    assert httpx.get(f"{server.http_url}/docs").status_code == 401
    assert (
        httpx.get(f"{server.http_url}/docs", headers={"Authorization": f"Bearer {API_KEY}"}).status_code
        == 200
    )


async def test_wrong_key_is_refused_before_upgrade(server: LiveServer) -> None:
    url = f"ws://127.0.0.1:{server.port}/v1/realtime?model=x"
    for headers in ({"Authorization": "Bearer wrong"}, {}):
        with pytest.raises(websockets.InvalidStatus) as info:
            async with websockets.connect(url, additional_headers=headers):
                pass
        assert info.value.response.status_code == 401
        assert b"invalid_api_key" in info.value.response.body


async def test_text_turn(server: LiveServer) -> None:
    async with realtime(server) as conn:
        await conn.update(
            output_modalities=["text"], instructions="You are Ada, the concierge of the Grand Hotel."
        )
        await say(conn, "hello")
        start = len(conn.events)
        await conn.send({"type": "response.create"})
        events = await conn.collect_response()
        kinds = [e["type"] for e in events]
        assert kinds[0] == "response.created"
        assert kinds.index("response.output_item.added") < kinds.index("response.content_part.added")
        assert kinds.index("response.content_part.added") < kinds.index("response.output_text.delta")
        assert kinds[-4:] == [
            "response.content_part.done",
            "response.output_item.done",
            "conversation.item.done",
            "response.done",
        ]
        text = "".join(e["delta"] for e in events if e["type"] == "response.output_text.delta")
        assert "Ada" in text
        done = conn.events[-1]["response"]
        assert done["status"] == "completed" and done["output"][0]["content"][0]["text"] == text
        assert "response.output_audio.delta" not in conn.types(start)


async def test_tool_call_round_trip(server: LiveServer) -> None:
    async with realtime(server) as conn:
        await conn.send(
            {
                "type": "session.update",
                "session": {"type": "realtime", "output_modalities": ["text"], "tools": [WEATHER_TOOL]},
            }
        )
        await conn.until("session.updated")
        await say(conn, "what's the weather like in Paris today")
        await conn.send({"type": "response.create"})
        events = await conn.collect_response()
        call = next(e for e in events if e["type"] == "response.function_call_arguments.done")
        assert call["name"] == "get_weather"
        assert json.loads(call["arguments"])["city"].lower() == "paris"
        await conn.send(
            {
                "type": "conversation.item.create",
                "item": {
                    "type": "function_call_output",
                    "call_id": call["call_id"],
                    "output": json.dumps(
                        {"city": "Paris", "temperature": 21, "unit": "C", "conditions": "sunny"}
                    ),
                },
            }
        )
        await conn.until("conversation.item.done")
        await conn.send({"type": "response.create"})
        events = await conn.collect_response()
        text = "".join(e["delta"] for e in events if e["type"] == "response.output_text.delta")
        assert "21" in text


async def test_audio_reply_cancel_and_truncate(server: LiveServer) -> None:
    async with realtime(server) as conn:
        await say(conn, "what can you do")
        await conn.send({"type": "response.create"})
        events = await conn.collect_response()
        audio = audio_bytes(events)
        assert len(audio) > 24000, "at least half a second of 24 kHz PCM16"
        transcript = "".join(
            e["delta"] for e in events if e["type"] == "response.output_audio_transcript.delta"
        )
        item_id = next(e for e in events if e["type"] == "response.output_item.done")["item"]["id"]
        full_ms = len(audio) / 48
        await conn.send(
            {
                "type": "conversation.item.truncate",
                "item_id": item_id,
                "content_index": 0,
                "audio_end_ms": int(full_ms / 3),
            }
        )
        truncated = await conn.until("conversation.item.truncated")
        assert truncated["audio_end_ms"] == int(full_ms / 3)
        await conn.send({"type": "conversation.item.retrieve", "item_id": item_id})
        part = (await conn.until("conversation.item.retrieved"))["item"]["content"][0]
        assert len(base64.b64decode(part["audio"])) <= full_ms / 3 * 48 + 2
        assert len(part["transcript"]) < len(transcript)

        await say(conn, "what can you do")
        await conn.send({"type": "response.create"})
        await conn.until("response.output_audio.delta")
        await conn.send({"type": "response.cancel"})
        done = await conn.until("response.done")
        assert done["response"]["status"] == "cancelled"
        assert done["response"]["status_details"]["reason"] == "client_cancelled"


async def _error_for(conn: Recorder, raw: str | dict[str, Any]) -> dict[str, Any]:
    if isinstance(raw, str):
        await conn.connection.send(raw)
    else:
        await conn.send(raw)
    return await conn.until("error")


async def test_bad_input_gets_errors_and_the_session_lives(server: LiveServer) -> None:
    async with realtime(server) as conn:
        error = await _error_for(conn, "{oops")
        assert error["error"]["code"] == "invalid_json"
        error = await _error_for(conn, {"type": "conversation.item.explode", "event_id": "e1"})
        assert error["error"]["param"] == "type" and error["error"]["event_id"] == "e1"
        error = await _error_for(conn, {"type": "conversation.item.create"})
        assert error["error"]["code"] == "missing_required_parameter" and error["error"]["param"] == "item"
        error = await _error_for(conn, {"type": "conversation.item.delete", "item_id": "item_missing"})
        assert error["error"]["code"] == "item_delete_invalid_item_id"
        error = await _error_for(
            conn, {"type": "input_audio_buffer.append", "audio": base64.b64encode(b"\1\2\3").decode()}
        )
        assert error["error"]["code"] == "invalid_audio_format"
        big = base64.b64encode(b"\0" * (15 * 1024 * 1024 + 2)).decode()
        error = await _error_for(conn, {"type": "input_audio_buffer.append", "audio": big})
        assert error["error"]["code"] == "input_audio_buffer_too_large"
        error = await _error_for(
            conn,
            {
                "type": "session.update",
                "session": {
                    "type": "realtime",
                    "audio": {
                        "input": {"turn_detection": {"type": "server_vad", "silence_duration_ms": "long"}}
                    },
                },
            },
        )
        assert error["error"]["param"] == "session.audio.input.turn_detection.silence_duration_ms"
        # Still alive and still answering.
        await conn.update(output_modalities=["text"])
        await say(conn, "hello")
        await conn.send({"type": "response.create"})
        assert (await conn.until("response.done"))["response"]["status"] == "completed"


async def test_beta_dialect(server: LiveServer) -> None:
    from openai import AsyncOpenAI

    # The beta client always dials wss:// unless told the WebSocket base URL.
    client = AsyncOpenAI(
        base_url=server.base_url, api_key=API_KEY, websocket_base_url=server.base_url.replace("http", "ws", 1)
    )
    async with client.beta.realtime.connect(model="gpt-4o-realtime-preview") as conn:
        seen: list[dict[str, Any]] = []

        async def until(kind: str) -> dict[str, Any]:
            while True:
                event = json.loads(await conn.recv_bytes())
                validate_server_event(event, beta=True)
                seen.append(event)
                if event["type"] == kind:
                    return event

        created = await until("session.created")
        assert created["session"]["input_audio_format"] == "pcm16"
        await conn.send(
            {
                "type": "session.update",
                "session": {"modalities": ["text", "audio"], "output_audio_format": "g711_ulaw"},
            }
        )
        updated = await until("session.updated")
        assert updated["session"]["output_audio_format"] == "g711_ulaw"
        await conn.send(
            {
                "type": "conversation.item.create",
                "item": {
                    "type": "message",
                    "role": "user",
                    "content": [{"type": "input_text", "text": "hello"}],
                },
            }
        )
        await until("conversation.item.created")
        await conn.send({"type": "response.create"})
        await until("response.done")
        kinds = [e["type"] for e in seen]
        assert "response.audio.delta" in kinds and "response.audio_transcript.delta" in kinds
        assert "response.output_audio.delta" not in kinds and "conversation.item.added" not in kinds
        ulaw = b"".join(base64.b64decode(e["delta"]) for e in seen if e["type"] == "response.audio.delta")
        assert len(ulaw) > 4000, "G.711 at 8 kHz: one byte per sample"
