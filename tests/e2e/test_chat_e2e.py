"""Text chat over SSE (`POST /v1/realtalk/chat`) and images over the Realtime WebSocket, live."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import pytest

from realtalk.protocol.limits import MAX_INSTRUCTIONS_CHARS, MAX_TEXT_CHARS
from tests.images import MEETING, data_url, text_image, words
from tests.live_server import API_KEY, LiveServer
from tests.realtime_client import realtime
from tests.realtime_schema import validate_server_event

pytestmark = pytest.mark.slow

AUTH = {"Authorization": f"Bearer {API_KEY}"}


async def chat(server: LiveServer, body: dict[str, Any], *, until: str | None = None) -> list[dict[str, Any]]:
    """POST a chat turn; the server events it streams (all of them, or up to one of type `until`)."""
    received: list[dict[str, Any]] = []
    async with (
        httpx.AsyncClient(timeout=60) as http,
        http.stream("POST", f"{server.http_url}/v1/realtalk/chat", json=body, headers=AUTH) as response,
    ):
        assert response.status_code == 200, await response.aread()
        assert response.headers["content-type"].startswith("text/event-stream")
        conversation_id = response.headers["x-realtalk-conversation-id"]
        async for line in response.aiter_lines():
            if not line.startswith("data:"):
                continue
            event = json.loads(line.removeprefix("data:"))
            if not event["type"].startswith("realtalk."):
                validate_server_event(event)
            received.append(event)
            assert received[0]["conversation_id"] == conversation_id
            if event["type"] == until:
                break  # leaves the block: the connection closes mid-stream
    return received


def reply_text(events: list[dict[str, Any]]) -> str:
    return "".join(e["delta"] for e in events if e["type"] == "response.output_text.delta")


async def test_chat_streams_a_turn_and_the_websocket_continues_it(tool_server: LiveServer) -> None:
    events = await chat(tool_server, {"text": "hello"})
    assert events[0]["type"] == "realtalk.chat.started"
    conversation_id = events[0]["conversation_id"]
    kinds = [e["type"] for e in events]
    assert "session.created" not in kinds
    assert kinds[1:3] == ["conversation.item.added", "conversation.item.done"]
    assert events[1]["item"]["content"] == [{"type": "input_text", "text": "hello"}]
    assert kinds[-1] == "response.done" and events[-1]["response"]["status"] == "completed"
    created = events[kinds.index("response.created")]["response"]
    assert created["status"] == "in_progress" and created["output"] == [], "each event as it was sent"
    assert events[-1]["response"]["output_modalities"] == ["text"]
    greeting = reply_text(events)
    assert greeting and "response.output_text.done" in kinds

    async with realtime(tool_server, conversation_id=conversation_id) as conn:
        replayed = [(await conn.until("conversation.item.done"))["item"] for _ in range(2)]
        assert replayed[0]["content"][0]["text"] == "hello"
        assert replayed[1]["role"] == "assistant" and replayed[1]["content"][0]["text"] == greeting
        await conn.update(output_modalities=["text"])
        assert "welcome" in (await conn.turn("thank you")).lower()

    # And back: the SSE turn sees what was said over the WebSocket.
    again = await chat(tool_server, {"text": "say that again", "conversation_id": conversation_id})
    assert again[0]["conversation_id"] == conversation_id
    assert "welcome" in reply_text(again).lower()


async def test_instructions_apply_to_the_chat_session(tool_server: LiveServer) -> None:
    body = {"text": "who are you?", "instructions": "You are Ada, a helpful concierge for Hotel X."}
    assert "Ada" in reply_text(await chat(tool_server, body))


async def test_a_server_tool_runs_within_one_chat_request(tool_server: LiveServer) -> None:
    events = await chat(tool_server, {"text": "what's the weather in paris"})
    call = next(e for e in events if e["type"] == "response.function_call_arguments.done")
    assert call["name"] == "get_weather" and json.loads(call["arguments"]) == {"city": "Paris"}
    output = next(
        e["item"]
        for e in events
        if e["type"] == "conversation.item.added" and e["item"]["type"] == "function_call_output"
    )
    assert json.loads(output["output"])["temperature"] == 21
    done = [e for e in events if e["type"] == "response.done"]
    assert len(done) == 2 and events[-1] is done[-1], "the stream ends after the follow-up answer"
    assert "21" in reply_text(events[events.index(done[0]) :])


async def test_an_image_in_a_chat_turn_is_read_out(tool_server: LiveServer) -> None:
    image = data_url(text_image(MEETING))
    events = await chat(tool_server, {"text": "what does this say?", "image_url": image})
    item = events[1]["item"]
    assert [p["type"] for p in item["content"]] == ["input_image", "input_text"]
    answer = reply_text(events)
    assert answer.startswith("The image says:") and {"meeting", "room", "42"} <= words(answer)


async def test_an_image_over_the_realtime_websocket_gets_a_spoken_answer(tool_server: LiveServer) -> None:
    image = data_url(text_image(MEETING, fmt="JPEG"), "image/jpeg")
    async with realtime(tool_server) as conn:
        await conn.send(
            {
                "type": "conversation.item.create",
                "item": {
                    "type": "message",
                    "role": "user",
                    "content": [
                        {"type": "input_image", "image_url": image, "detail": "auto"},
                        {"type": "input_text", "text": "Read this to me."},
                    ],
                },
            }
        )
        await conn.send({"type": "response.create"})
        events = await conn.collect_response()
        spoken = "".join(e["delta"] for e in events if e["type"] == "response.output_audio_transcript.delta")
        assert {"meeting", "room", "42"} <= words(spoken)
        assert any(e["type"] == "response.output_audio.delta" for e in events)

        await conn.send(
            {
                "type": "conversation.item.create",
                "event_id": "bad-image",
                "item": {
                    "type": "message",
                    "role": "user",
                    "content": [
                        {"type": "input_image", "image_url": "data:image/png;base64,bm90IGFuIGltYWdl"}
                    ],
                },
            }
        )
        error = await conn.until("error")
        assert error["error"]["code"] == "invalid_image_format" and error["error"]["event_id"] == "bad-image"


async def test_leaving_mid_stream_stops_the_agent_and_keeps_what_was_saved(tool_server: LiveServer) -> None:
    events = await chat(
        tool_server,
        {"text": "look up my order number four five six"},
        until="response.function_call_arguments.done",
    )
    conversation_id = events[0]["conversation_id"]
    await asyncio.sleep(2.5)  # longer than the tool takes: its result would have been saved by now
    async with realtime(tool_server, conversation_id=conversation_id) as conn:
        first = (await conn.until("conversation.item.done"))["item"]
        second = (await conn.until("conversation.item.done"))["item"]
        assert first["content"][0]["text"] == "look up my order number four five six"
        assert second["type"] == "function_call" and second["name"] == "lookup_order"
        # One round trip: by its answer, every replayed item has arrived.
        await conn.send({"type": "conversation.item.retrieve", "item_id": "item_missing"})
        assert (await conn.until("error"))["error"]["code"] == "item_retrieve_invalid_item_id"
        replayed = [e for e in conn.events if e["type"] == "conversation.item.done"]
        assert len(replayed) == 2, "the cancelled tool's result was never saved"


def test_chat_refusals(tool_server: LiveServer) -> None:
    url = f"{tool_server.http_url}/v1/realtalk/chat"
    with httpx.Client(timeout=30) as http:
        unauthorized = http.post(url, json={"text": "hi"})
        assert unauthorized.status_code == 401 and unauthorized.json()["error"]["code"] == "invalid_api_key"

        missing = http.post(url, json={"text": "hi", "conversation_id": "conv_nope"}, headers=AUTH)
        assert missing.status_code == 404 and missing.json()["error"]["code"] == "conversation_not_found"

        cases = [
            ({}, "missing_required_parameter", "text"),
            ({"text": "   "}, "missing_required_parameter", "text"),
            ({"text": "hi", "voice": "marin"}, "unknown_parameter", "voice"),
            ({"text": 42}, "invalid_value", "text"),
            ({"text": "x" * (MAX_TEXT_CHARS + 1)}, "string_above_max_length", "text"),
            (
                {"text": "hi", "instructions": "x" * (MAX_INSTRUCTIONS_CHARS + 1)},
                "string_above_max_length",
                "instructions",
            ),
            ({"text": "hi", "image_url": "https://example.com/a.png"}, "invalid_image_url", "image_url"),
        ]
        for body, code, param in cases:
            refused = http.post(url, json=body, headers=AUTH)
            assert refused.status_code == 422, (body, refused.text)
            error = refused.json()["error"]
            assert (error["code"], error["param"]) == (code, param) and error["message"], body

        not_json = http.post(url, content=b"{text: hi", headers={**AUTH, "content-type": "application/json"})
        assert not_json.status_code == 400 and not_json.json()["error"]["code"] == "invalid_json"
        not_object = http.post(url, json=["hi"], headers=AUTH)
        assert not_object.status_code == 400 and not_object.json()["error"]["code"] == "invalid_type"
