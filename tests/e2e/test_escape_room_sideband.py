"""The Escape Room with a sideband backend (examples/escape_room_sideband.py), against a live server.

The backend runs in this process behind its own uvicorn server and talks real HTTP and WebSocket
to RealTalk; the "browser" is a real aiortc peer that only ever holds the client secret. The
built-in brain plays Enigma from the instructions and the client-defined tools.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from openai import AsyncOpenAI

from examples.escape_room_sideband import EscapeRoomBackend, web_app
from tests.live_server import API_KEY, LiveServer, free_port
from tests.rtc_client import RtcClient

pytestmark = pytest.mark.slow

DIGIT_WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]


@asynccontextmanager
async def serving(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """The example's web app on a real port, and a client for it."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    task = asyncio.create_task(server.serve())
    try:
        while not server.started:
            assert not task.done(), "the example's web app did not start"
            await asyncio.sleep(0.05)
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=30) as http:
            yield http
    finally:
        server.should_exit = True
        await task


async def turn(call: RtcClient, text: str) -> tuple[str, list[dict[str, Any]]]:
    """One typed turn on the data channel, as the page sends it. What Enigma finally said (after
    any tool round trips through the backend) once the browser has heard it, and the events."""
    start = len(call.events)
    content = [{"type": "input_text", "text": text}]
    await call.send(
        {"type": "conversation.item.create", "item": {"type": "message", "role": "user", "content": content}}
    )
    await call.send({"type": "response.create"})
    while True:
        output = (await call.until("response.done"))["response"]["output"]
        if not any(item["type"] == "function_call" for item in output):
            break
    await call.until("output_audio_buffer.stopped")
    said = " ".join(
        part["transcript"] for item in output if item["type"] == "message" for part in item["content"]
    )
    return said, call.events[start:]


def tool_outputs(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        json.loads(e["item"]["output"])
        for e in events
        if e["type"] == "conversation.item.added" and e["item"]["type"] == "function_call_output"
    ]


def mentions(event: dict[str, Any], code: str) -> bool:
    """Whether the event holds the code, written as a number or digit by digit."""
    text = json.dumps(event)
    return bool(re.search(rf"(?<!\d){code}(?!\d)", text)) or " ".join(code) in text


async def test_backend_keeps_the_code_and_decides(server: LiveServer) -> None:
    backend = EscapeRoomBackend(AsyncOpenAI(base_url=server.base_url, api_key=API_KEY))
    async with serving(web_app(backend, server.base_url)) as http:
        minted = (await http.post("/session")).json()
        assert minted["value"].startswith("ek_") and minted["realtime_url"] == server.base_url
        unknown = await http.post("/watch", json={"call_id": "rtc_no_such_call"})
        assert unknown.status_code == 404

        call = RtcClient()
        try:
            await call.connect(server, minted["value"])
            created = await call.until("session.created")
            assert "Enigma" in created["session"]["instructions"]
            assert [tool["name"] for tool in created["session"]["tools"]] == ["get_hint", "unlock_door"]
            assert (await http.post("/watch", json={"call_id": call.call_id})).status_code == 202
            watcher = backend.watching[call.call_id]
            room = backend.rooms.get(call.call_id)

            digits = []
            for position in range(4):
                said, events = await turn(call, "can i have a hint please")
                digit = re.search(r"digit is (\d)", said)
                assert digit, f"hint {position + 1}: Enigma said {said!r}"
                digits.append(digit.group(1))
                hints = [o["message"] for o in tool_outputs(events)]
                assert len(hints) == 1 and f"digit is {digit.group(1)}" in hints[0], "from the backend"
            assert "".join(digits) == room.code, "each hint revealed the next digit, by position"
            assert room.hints_given == 4
            leaks = [e["type"] for e in call.events if mentions(e, room.code)]
            assert not leaks, f"the browser saw the code before guessing: {leaks}"

            wrong = "".join(str((int(d) + 1) % 10) for d in digits)
            said, events = await turn(call, "try the code " + " ".join(DIGIT_WORDS[int(d)] for d in wrong))
            assert "not the code" in said
            assert [o["unlocked"] for o in tool_outputs(events)] == [False]
            assert not room.unlocked and room.attempts == 1

            loud_before = call.heard.loud_frames
            said, events = await turn(call, "try the code " + " ".join(DIGIT_WORDS[int(d)] for d in digits))
            assert "You escaped" in said
            assert [o["unlocked"] for o in tool_outputs(events)] == [True], "the backend's decision"
            assert room.unlocked and room.attempts == 2
            heard_ms = (call.heard.loud_frames - loud_before) * 20
            assert heard_ms >= 500, f"the browser heard only {heard_ms} ms of the answer"
        finally:
            await call.close()
        await asyncio.wait_for(watcher, 30)  # the call ended, so the backend left it
        assert call.call_id not in backend.watching
