"""Capacity, backpressure, per-key limits and metrics on a real server, with counters in a real Redis."""

from __future__ import annotations

import asyncio
import json
import socket
import time
from collections.abc import Iterator

import httpx
import pytest
import redis
from websockets.asyncio.client import connect
from websockets.client import ClientProtocol
from websockets.exceptions import InvalidStatus
from websockets.frames import Close, Opcode
from websockets.http11 import Response
from websockets.uri import parse_uri

from realtalk.ratelimits.policy import key_id
from tests.live_server import API_KEY, LiveServer, scrape, serving
from tests.realtime_client import Recorder, pcm24k, realtime, silence
from tests.redis_server import redis_server
from tests.speech_data import librivox_clips, load_wav_16k

LIMITED_KEY = "limited-key-0123456789"
LIMITS = {"keys": {LIMITED_KEY: {"concurrent_sessions": 1, "sessions_per_minute": 5, "tokens_per_day": 40}}}
SEND_BUFFER = 64 * 1024

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def redis_url() -> Iterator[str]:
    with redis_server() as url:
        yield url


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, redis_url: str) -> Iterator[LiveServer]:
    with serving(
        tmp_path_factory.mktemp("capacity"),
        REALTALK_API_KEYS=f"{API_KEY},{LIMITED_KEY}",
        REALTALK_MAX_SESSIONS="2",
        REALTALK_SEND_BUFFER_BYTES=str(SEND_BUFFER),
        REALTALK_RATE_LIMITS=json.dumps(LIMITS),
        REALTALK_REDIS_URL=redis_url,
    ) as live:
        yield live


async def text_only(conn: Recorder) -> Recorder:
    await conn.update(output_modalities=["text"])
    return conn


def ws_url(server: LiveServer) -> str:
    return f"ws://127.0.0.1:{server.port}/v1/realtime?model=realtalk"


async def refused_upgrade(server: LiveServer, key: str = API_KEY) -> Response:
    with pytest.raises(InvalidStatus) as refused:
        async with connect(ws_url(server), additional_headers={"Authorization": f"Bearer {key}"}):
            pass
    return refused.value.response


def error_of(response: httpx.Response | Response) -> dict[str, str]:
    body = response.body if isinstance(response, Response) else response.content
    return dict(json.loads(body)["error"])


async def test_full_node_refuses_new_sessions_before_they_start(server: LiveServer) -> None:
    headers = {"Authorization": f"Bearer {API_KEY}"}
    async with realtime(server) as first, realtime(server):
        refused = await refused_upgrade(server)
        assert refused.status_code == 503
        assert int(refused.headers["Retry-After"]) > 0
        error = error_of(refused)
        assert error["code"] == "server_at_capacity" and "capacity (2 live sessions)" in error["message"]
        async with httpx.AsyncClient(base_url=server.http_url, headers=headers) as http:
            offer = await http.post(
                "/v1/realtime/calls", content="v=0\r\n", headers={"content-type": "application/sdp"}
            )
            minted = await http.post("/v1/realtime/client_secrets", json={})
        for response in (offer, minted):
            assert response.status_code == 503 and response.headers["retry-after"]
            assert error_of(response)["code"] == "server_at_capacity"
        # The sessions it holds are undisturbed.
        assert await (await text_only(first)).turn("hello") != ""
    # Once they end, the node takes sessions again.
    deadline = time.monotonic() + 10
    while True:
        try:
            async with realtime(server) as again:
                assert await (await text_only(again)).turn("hello") != ""
            break
        except Exception:
            if time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.2)


async def test_key_limits_rate_limit_events_and_refusals(server: LiveServer, redis_url: str) -> None:
    async with realtime(server, api_key=LIMITED_KEY) as conn:
        await text_only(conn)
        # One session at a time for this key; other keys are unaffected.
        refused = await refused_upgrade(server, LIMITED_KEY)
        assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
        assert error_of(refused)["code"] == "rate_limit_exceeded"
        # Each response is followed by OpenAI's `rate_limits.updated` (validated by the recorder).
        remaining: list[int] = []
        for _ in range(6):
            await conn.turn("Tell me something about the weather today please")
            updated = await conn.next()
            assert updated["type"] == "rate_limits.updated", updated
            limits = {limit["name"]: limit for limit in updated["rate_limits"]}
            assert limits["requests"]["limit"] == 5 and limits["requests"]["remaining"] == 4
            assert limits["tokens"]["limit"] == 40 and limits["tokens"]["reset_seconds"] <= 86_400
            remaining.append(limits["tokens"]["remaining"])
            if remaining[-1] == 0:
                break
        assert remaining[-1] == 0 and remaining == sorted(remaining, reverse=True)
        spent = await conn.next()
        assert spent["type"] == "error" and spent["error"]["code"] == "rate_limit_exceeded"
        # A spent budget refuses what would spend more, and the session lives on.
        await conn.send({"type": "response.create", "event_id": "evt_more"})
        again = await conn.until("error")
        assert again["error"]["code"] == "rate_limit_exceeded" and again["error"]["event_id"] == "evt_more"
    # The counters live in Redis: every node sharing it sees the spent budget.
    used = redis.Redis.from_url(redis_url).keys(f"realtalk:limits:{key_id(LIMITED_KEY)}:tokens:*")
    assert len(used) == 1
    headers = {"Authorization": f"Bearer {LIMITED_KEY}"}
    until_tomorrow = 86_400 - time.time() % 86_400  # the tokens' window is the UTC day
    async with httpx.AsyncClient(base_url=server.http_url, headers=headers) as http:
        minted = await http.post("/v1/realtime/client_secrets", json={})
    assert minted.status_code == 429
    assert until_tomorrow - 10 <= int(minted.headers["retry-after"]) <= until_tomorrow + 1
    assert "40 tokens for today" in error_of(minted)["message"]
    refused = await refused_upgrade(server, LIMITED_KEY)
    assert refused.status_code == 429


def test_a_client_that_stops_reading_is_closed_with_a_clear_code(server: LiveServer) -> None:
    """A raw WebSocket client with a tiny receive window floods events and never reads."""
    protocol = ClientProtocol(parse_uri(ws_url(server)))
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.connect(("127.0.0.1", server.port))
    request = protocol.connect()
    request.headers["Authorization"] = f"Bearer {API_KEY}"
    protocol.send_request(request)
    sock.sendall(b"".join(protocol.data_to_send()))
    handshake: list[object] = []
    while not handshake:
        protocol.receive_data(sock.recv(65536))
        handshake = [e for e in protocol.events_received() if isinstance(e, Response)]
    assert handshake[0].status_code == 101  # type: ignore[attr-defined]
    # Each item comes back in several server events: far more output than the server may buffer.
    text = "word " * 6_000  # under the 32 KiB text limit
    item = {"type": "message", "role": "user", "content": [{"type": "input_text", "text": text}]}
    for _ in range(int(8 * 1024 * 1024 / len(text))):
        protocol.send_text(json.dumps({"type": "conversation.item.create", "item": item}).encode())
        try:
            sock.sendall(b"".join(protocol.data_to_send()))
        except OSError:
            break  # the server gave up on us already
    # Only once the server has given up on us (its metrics say so) do we read what it managed to
    # send: it ends with the close frame and its reason.
    deadline = time.monotonic() + 60
    while scrape(server).get("realtalk_slow_client_closes_total{}", 0.0) < 1:
        assert time.monotonic() < deadline, "the server never gave up on the client: " + server.log_tail()
        time.sleep(0.2)
    sock.settimeout(30)
    close: Close | None = None
    while close is None:
        data = sock.recv(1 << 20)
        if not data:
            break
        protocol.receive_data(data)
        for frame in protocol.events_received():
            if frame.opcode is Opcode.CLOSE:  # type: ignore[union-attr]
                close = Close.parse(frame.data)  # type: ignore[union-attr]
    sock.close()
    assert close is not None, server.log_tail()
    assert close.code == 1008 and "not reading" in close.reason
    assert "send buffer full" in server.log_tail(20_000)
    # And its session ends: the slot is free again.
    deadline = time.monotonic() + 20
    while scrape(server)["realtalk_sessions_live{transport=websocket}"] != 0:
        assert time.monotonic() < deadline, "the slow client's session was never ended"
        time.sleep(0.2)
    assert httpx.get(f"{server.http_url}/healthz").status_code == 200


async def test_metrics_count_sessions_refusals_and_time_a_spoken_turn(server: LiveServer) -> None:
    before = scrape(server)
    path, _ = librivox_clips()[1]
    async with realtime(server) as conn:
        assert scrape(server)["realtalk_sessions_live{transport=websocket}"] == 1
        await conn.send(
            {"type": "session.update",
             "session": {"type": "realtime", "audio": {"input": {"transcription": {"model": "whisper-1"}}}}}
        )  # fmt: skip
        await conn.until("session.updated")
        await conn.append_audio(silence(300) + pcm24k(load_wav_16k(path)) + silence(1200))
        await conn.collect_response(timeout=90)
    for _ in range(100):  # the server lets a closed session go asynchronously
        after = scrape(server)
        if after["realtalk_sessions_live{transport=websocket}"] == 0:
            break
        await asyncio.sleep(0.05)
    assert after["realtalk_sessions_live{transport=websocket}"] == 0
    grew = {name: after[name] - before.get(name, 0.0) for name in after}
    assert grew["realtalk_sessions_total{transport=websocket}"] == 1
    assert grew["realtalk_turns_total{status=completed}"] == 1
    assert grew["realtalk_voice_to_voice_seconds_count{}"] == 1
    v2v = grew["realtalk_voice_to_voice_seconds_sum{}"]
    endpoint = grew["realtalk_stage_seconds_sum{stage=endpoint}"]
    assert 0.3 < endpoint < v2v < 10, (endpoint, v2v)  # the silence window is part of it
    for stage in ("transcript", "first_audio"):
        assert grew[f"realtalk_stage_seconds_count{{stage={stage}}}"] == 1
    assert grew["realtalk_audio_seconds_total{direction=in}"] > 1.5
    assert grew["realtalk_audio_seconds_total{direction=out}"] > 0.5
    assert grew["realtalk_tokens_total{kind=output}"] > 0
    # What the earlier tests in this module did shows too (if run alone, these are simply 0).
    assert after["process_resident_memory_bytes{}"] > 50e6 and after["process_cpu_seconds_total{}"] > 0
    for name in (
        "realtalk_sessions_refused_total{code=server_at_capacity}",
        "realtalk_slow_client_closes_total{}",
    ):
        assert after.get(name, 0.0) == before.get(name, 0.0)  # nothing refused in this test
    # Only the master key may read them.
    async with httpx.AsyncClient(base_url=server.http_url) as http:
        secret = (
            await http.post(
                "/v1/realtime/client_secrets", headers={"Authorization": f"Bearer {API_KEY}"}, json={}
            )
        ).json()["value"]
        denied = await http.get("/metrics", headers={"Authorization": f"Bearer {secret}"})
        assert denied.status_code == 403
        assert (await http.get("/metrics")).status_code == 401


def test_metrics_saw_the_refusals_and_the_slow_client(server: LiveServer) -> None:
    """Runs after the tests above in this module (pytest keeps file order)."""
    samples = scrape(server)
    assert samples["realtalk_sessions_refused_total{code=server_at_capacity}"] >= 3
    assert samples["realtalk_sessions_refused_total{code=rate_limit_exceeded}"] >= 3
    assert samples["realtalk_slow_client_closes_total{}"] == 1
    assert samples["realtalk_errors_total{code=rate_limit_exceeded}"] >= 2
