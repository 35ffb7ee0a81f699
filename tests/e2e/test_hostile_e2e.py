"""The hostile-client fuzzer against a real server over a real WebSocket (fewer, slower examples).

Each frame is followed by a fence (a retrieve of a missing item with its own `event_id`): the
session handles a connection's frames in order, so every `error` the frame caused arrives before
the fence's. The connection must stay up throughout, and the server must log no traceback.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import pytest
import websockets
from hypothesis import given
from hypothesis import strategies as st

from tests.hostile import Frame, frame_streams, fuzz_settings
from tests.live_server import API_KEY, LiveServer

pytestmark = pytest.mark.slow


class Connection:
    def __init__(self, ws: Any) -> None:
        self.ws = ws
        self.fences = 0

    async def exchange(self, text: str) -> list[dict[str, Any]]:
        """Send one frame; the events up to its fence."""
        self.fences += 1
        fence = f"fence_{self.fences}"
        await self.ws.send(text)
        await self.ws.send(
            json.dumps({"type": "conversation.item.retrieve", "item_id": "fence", "event_id": fence})
        )
        events = []
        while True:
            event = json.loads(await asyncio.wait_for(self.ws.recv(), 30))
            if event["type"] == "error" and event["error"]["event_id"] == fence:
                assert event["error"]["code"] == "item_retrieve_invalid_item_id"
                return events
            events.append(event)


async def run_stream(server: LiveServer, stream: list[Frame], is_beta: bool) -> None:
    headers = {"Authorization": f"Bearer {API_KEY}"}
    if is_beta:
        headers["OpenAI-Beta"] = "realtime=v1"
    url = f"ws://127.0.0.1:{server.port}/v1/realtime?model=realtalk"
    async with websockets.connect(url, additional_headers=headers, max_size=None) as ws:
        assert json.loads(await ws.recv())["type"] == "session.created"
        conn = Connection(ws)
        for frame in stream:
            out = await conn.exchange(frame.text)
            errors = [e["error"] for e in out if e["type"] == "error"]
            mine = [e for e in errors if e["event_id"] == frame.event_id]
            if frame.event_id is None:
                assert len(mine) >= 1, (frame.text[:200], out)
            else:
                assert len(mine) <= 1, (frame.text[:300], out)
                if frame.invalid:
                    assert len(mine) == 1, ("an invalid event must be refused", frame.text[:300], out)
        # Valid events still work.
        out = await conn.exchange(json.dumps({"type": "input_audio_buffer.clear"}))
        assert "input_audio_buffer.cleared" in [e["type"] for e in out], out
        item = {
            "type": "message",
            "role": "user",
            "content": [{"type": "input_text", "text": "still there?"}],
        }
        out = await conn.exchange(json.dumps({"type": "conversation.item.create", "item": item}))
        added = "conversation.item.created" if is_beta else "conversation.item.added"
        assert added in [e["type"] for e in out], out
        session = (
            {"instructions": "Be brief."} if is_beta else {"type": "realtime", "instructions": "Be brief."}
        )
        out = await conn.exchange(json.dumps({"type": "session.update", "session": session}))
        assert "session.updated" in [e["type"] for e in out], out


@pytest.fixture(scope="module")
def log_start(server: LiveServer) -> int:
    return len((server.data_dir / "server.log").read_bytes())


@fuzz_settings(100)
@given(stream=frame_streams(max_size=8), is_beta=st.booleans())
def test_hostile_streams_over_a_real_websocket(
    server: LiveServer, log_start: int, stream: list[Frame], is_beta: bool
) -> None:
    asyncio.run(run_stream(server, stream, is_beta))
    log = (server.data_dir / "server.log").read_bytes()[log_start:].decode(errors="replace")
    assert "Traceback" not in log, log[-3000:]


@pytest.mark.parametrize(
    "path", ["/web/login", "/web/session", "/v1/realtime/client_secrets", "/v1/realtalk/chat"]
)
def test_deeply_nested_json_bodies_are_a_400_not_a_500(server: LiveServer, path: str) -> None:
    """`/web/login` takes no key: an unauthenticated request must not break the server either."""
    body = b"[" * 2_000 + b"]" * 2_000  # too deep for the parser, small enough for every route's size limit
    headers = {"Authorization": f"Bearer {API_KEY}", "Content-Type": "application/json"}
    with httpx.Client(timeout=30) as http:
        response = http.post(f"{server.http_url}{path}", content=body, headers=headers)
        assert response.status_code == 400, (path, response.status_code, response.text)
        error = response.json()["error"]
        assert error["code"] == ("missing_required_parameter" if path == "/web/login" else "invalid_json"), (
            error
        )
        nested = json.dumps({"session": json.loads("[" * 70 + "]" * 70)}).encode()
        response = http.post(f"{server.http_url}{path}", content=nested, headers=headers)
        assert response.status_code == 400, (path, response.status_code, response.text)
