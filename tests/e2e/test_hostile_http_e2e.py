"""Hostile clients against a live server: oversized and stalled bodies, slowloris, idle sockets,
the connection cap, cross-site WebSockets, client-secret scope, sign-in guessing, log floods.

The server runs with short timeouts so each case takes a second or two; the defaults differ only
in their numbers (docs/security.md).
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import time
from collections.abc import Iterator
from urllib.parse import quote

import httpx
import pytest
import websockets
from websockets.exceptions import ConnectionClosed, InvalidStatus

from tests.live_server import API_KEY, LiveServer, start_server

pytestmark = pytest.mark.slow

UI_TOKEN = "ui-token-for-hostile-tests"
TIMEOUT_S = 1.0
MAX_CONNECTIONS = 40
AUTH = {"Authorization": f"Bearer {API_KEY}"}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    live = start_server(
        tmp_path_factory.mktemp("realtalk-hostile"),
        REALTALK_UI_TOKEN=UI_TOKEN,
        REALTALK_LOG_LEVEL="info",
        REALTALK_HEADER_TIMEOUT_S=str(TIMEOUT_S),
        REALTALK_BODY_TIMEOUT_S=str(TIMEOUT_S),
        REALTALK_KEEP_ALIVE_TIMEOUT_S=str(TIMEOUT_S),
        REALTALK_WS_IDLE_TIMEOUT_S="2",
        REALTALK_MAX_CONNECTIONS=str(MAX_CONNECTIONS),
    )
    yield live
    live.stop()


def raw(server: LiveServer) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=10)
    return sock


def read_until_closed(sock: socket.socket, limit_s: float) -> tuple[bytes, float]:
    """Everything the server sends until it closes the connection, and how long that took."""
    start = time.monotonic()
    sock.settimeout(limit_s)
    data = b""
    try:
        while chunk := sock.recv(65536):
            data += chunk
    except ConnectionResetError:
        pass
    return data, time.monotonic() - start


def ws_url(server: LiveServer, query: str = "") -> str:
    return f"ws://127.0.0.1:{server.port}/v1/realtime{query}"


# --- Request bodies ---------------------------------------------------------------------------


def test_a_declared_huge_body_is_refused_before_it_is_sent(server: LiveServer) -> None:
    for path, auth in [
        ("/web/login", ""),
        ("/v1/realtime/calls", ""),
        ("/v1/realtime/client_secrets", API_KEY),
    ]:
        with raw(server) as sock:
            head = f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Length: 104857600\r\n"
            head += f"Authorization: Bearer {auth}\r\n" if auth else ""
            sock.sendall(head.encode() + b"Content-Type: application/json\r\n\r\n")
            reply, took = read_until_closed(sock, 5)
        assert reply.startswith(b"HTTP/1.1 413"), (path, reply[:200])
        assert b'"code":"request_too_large"' in reply.replace(b" ", b"")
        assert took < 2, "answered at once, not after reading 100 MB"


def test_a_chunked_body_over_the_limit_is_refused_while_streaming(server: LiveServer) -> None:
    before = server.rss_kib()
    for path in ("/web/login", "/v1/realtime/client_secrets"):
        with raw(server) as sock:
            sock.sendall(
                f"POST {path} HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                f"Authorization: Bearer {API_KEY}\r\n\r\n".encode()
            )
            # Login allows 4 KiB, other routes 1 MiB: keep sending until the server answers.
            sent, reply = 0, b""
            sock.settimeout(0.05)
            chunk = b"%x\r\n%s\r\n" % (16384, b"x" * 16384)
            try:
                while sent < 64 * 1024 * 1024 and not reply:
                    sock.sendall(chunk)
                    sent += 16384
                    with contextlib.suppress(TimeoutError):
                        reply = sock.recv(65536)
            except (BrokenPipeError, ConnectionResetError):
                pass
        assert reply.startswith(b"HTTP/1.1 413"), (path, sent, reply[:200])
        assert sent < 8 * 1024 * 1024, f"{path}: the server read {sent} bytes before refusing"
    assert server.rss_kib() - before < 50_000, "refused bodies were not kept"


def test_a_body_that_stops_half_way_times_out(server: LiveServer) -> None:
    with raw(server) as sock:
        sock.sendall(b'POST /web/login HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{"token": ')
        reply, took = read_until_closed(sock, 10)
    assert reply.startswith(b"HTTP/1.1 408"), reply[:200]
    assert took < TIMEOUT_S + 2


def test_a_content_length_that_understates_the_body_is_not_believed(server: LiveServer) -> None:
    """What follows the declared length is parsed as the next request, found invalid: 400, closed."""
    with raw(server) as sock:
        sock.sendall(b'POST /web/login HTTP/1.1\r\nHost: x\r\nContent-Length: 14\r\n\r\n{"token": "x"}')
        sock.sendall(b"y" * 65536)
        reply, took = read_until_closed(sock, 10)
    # The 401 for the first request may or may not go out before the parser trips on the rest.
    assert b"HTTP/1.1 400" in reply and b"HTTP/1.1 500" not in reply, reply[:300]
    assert took < 5


def test_a_body_within_the_limit_still_works(server: LiveServer) -> None:
    # Whitespace is valid JSON: a 900 KB body that is small once parsed, then one past 1 MiB.
    json_headers = {**AUTH, "Content-Type": "application/json"}
    with httpx.Client(base_url=server.http_url, headers=json_headers) as http:
        padded = b'{"session": {"instructions": "Be brief."}}' + b" " * 900_000
        assert http.post("/v1/realtime/client_secrets", content=padded).status_code == 200
        too_big = http.post("/v1/realtime/client_secrets", content=b"{}" + b" " * 1_100_000)
        assert too_big.status_code == 413
        assert too_big.json()["error"]["code"] == "request_too_large"


# --- Connections ------------------------------------------------------------------------------


def test_slowloris_and_silent_connections_are_closed(server: LiveServer) -> None:
    silent = [raw(server) for _ in range(20)]
    with raw(server) as sock:
        start = time.monotonic()
        sock.settimeout(0.2)
        closed = False
        for byte in b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 200:
            try:
                sock.sendall(bytes([byte]))
                if sock.recv(1024):
                    closed = True
                    break
            except TimeoutError:
                continue
            except (BrokenPipeError, ConnectionResetError):
                closed = True
                break
        assert closed, "a head sent a byte at a time was never cut off"
        assert time.monotonic() - start < TIMEOUT_S + 2
    for sock in silent:
        data, _ = read_until_closed(sock, TIMEOUT_S + 2)
        assert data.startswith(b"HTTP/1.1 408"), data[:100]
        sock.close()


def test_idle_keep_alive_connections_are_closed(server: LiveServer) -> None:
    with raw(server) as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        reply, took = read_until_closed(sock, 10)
    assert reply.startswith(b"HTTP/1.1 200") and reply.count(b"HTTP/1.1 ") == 1, reply[:300]
    assert took < TIMEOUT_S + 2, "closed once idle, not kept open"


def test_connections_over_the_cap_are_refused_clearly(server: LiveServer) -> None:
    held = [raw(server) for _ in range(MAX_CONNECTIONS)]
    try:
        time.sleep(0.2)
        with raw(server) as sock:
            sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            assert sock.recv(65536).startswith(b"HTTP/1.1 503")
        with raw(server) as sock:
            sock.sendall(
                b"GET /v1/realtime HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                b"Authorization: Bearer " + API_KEY.encode() + b"\r\n\r\n"
            )
            assert sock.recv(65536).startswith(b"HTTP/1.1 503")
    finally:
        for sock in held:
            sock.close()
    deadline = time.monotonic() + 10  # the server frees the slots as it sees the closes
    while httpx.get(f"{server.http_url}/healthz").status_code != 200:
        assert time.monotonic() < deadline, "closed connections never freed their slots"
        time.sleep(0.1)


async def test_a_websocket_that_sends_nothing_is_closed(server: LiveServer) -> None:
    async with websockets.connect(ws_url(server), additional_headers=AUTH) as ws:
        start = time.monotonic()
        with pytest.raises(ConnectionClosed) as closed:
            while True:
                await asyncio.wait_for(ws.recv(), 10)
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 1001
        assert time.monotonic() - start < 2 + 2


# --- Access -----------------------------------------------------------------------------------


async def sign_in(server: LiveServer) -> str:
    """The sign-in cookie, as a `Cookie` header value."""
    async with httpx.AsyncClient() as http:
        reply = await http.post(f"{server.http_url}/web/login", json={"token": UI_TOKEN})
    assert reply.status_code == 204, reply.text
    return f"realtalk_ui={reply.cookies['realtalk_ui']}"


async def test_cookie_websockets_need_the_apps_own_origin(server: LiveServer) -> None:
    cookie = {"Cookie": await sign_in(server)}
    own = f"http://127.0.0.1:{server.port}"
    async with websockets.connect(ws_url(server), additional_headers=cookie, origin=own) as ws:
        assert "session.created" in await ws.recv()
    for origin in ("https://evil.example", f"http://127.0.0.1:{server.port + 1}", None):
        with pytest.raises(InvalidStatus) as refused:
            async with websockets.connect(ws_url(server), additional_headers=cookie, origin=origin):
                pass
        assert refused.value.response.status_code == 403, origin
        assert b"origin_not_allowed" in refused.value.response.body
    # Keys are not sent by browsers on their own, so any origin may present one.
    async with httpx.AsyncClient(base_url=server.http_url) as http:
        secret = (await http.post("/v1/realtime/client_secrets", headers=AUTH)).json()["value"]
    for headers in (AUTH, {"Authorization": f"Bearer {secret}"}):
        async with websockets.connect(
            ws_url(server), additional_headers=headers, origin="https://evil.example"
        ) as ws:
            assert "session.created" in await ws.recv()
    # A cross-site POST with the cookie is refused too; the page's own origin works.
    with httpx.Client(base_url=server.http_url, headers=cookie) as http:
        assert (
            http.post("/web/session", json={}, headers={"Origin": "https://evil.example"}).status_code == 403
        )
        assert http.post("/web/session", json={}, headers={"Origin": own}).status_code == 200


def test_a_client_secret_only_opens_sessions(server: LiveServer) -> None:
    with httpx.Client(base_url=server.http_url) as http:
        secret = http.post("/v1/realtime/client_secrets", headers=AUTH).json()["value"]
        ek = {"Authorization": f"Bearer {secret}"}
        for method, path in [
            ("POST", "/v1/realtime/calls/rtc_123/hangup"),
            ("POST", "/v1/realtime/client_secrets"),
            ("POST", "/v1/realtime/sessions"),
            ("GET", "/web/config"),
            ("POST", "/web/session"),
            ("POST", "/web/logout"),
            ("GET", "/v1/realtime/calls/rtc_123"),
        ]:
            reply = http.request(method, path, headers=ek, json={})
            assert reply.status_code == 403, (method, path, reply.status_code)
            assert reply.json()["error"]["code"] == "insufficient_scope"
        # What it is for: opening a session (here an SSE chat turn's validation answers).
        assert http.post("/v1/realtalk/chat", headers=ek, json={}).status_code == 422
        assert http.post("/v1/realtime/calls/rtc_123/hangup", headers=AUTH).status_code == 404


def test_sign_in_is_throttled_and_takes_only_the_ui_token(server: LiveServer) -> None:
    with httpx.Client(base_url=server.http_url) as http:
        assert http.post("/web/login", json={"token": UI_TOKEN}).status_code == 204, (
            "start from a clean slate"
        )
        assert http.post("/web/login", json={"token": API_KEY}).status_code == 401, (
            "an API key is not a UI token"
        )
        for _ in range(5):  # with the API key, six wrong tokens: five are free, the sixth costs 1 s
            assert http.post("/web/login", json={"token": "guess"}).status_code == 401
        blocked = http.post("/web/login", json={"token": UI_TOKEN})
        assert blocked.status_code == 429
        assert int(blocked.headers["retry-after"]) >= 1
        assert blocked.json()["error"]["code"] == "rate_limit_exceeded"
        time.sleep(int(blocked.headers["retry-after"]) + 0.1)
        assert http.post("/web/login", json={"token": UI_TOKEN}).status_code == 204, "a success resets it"


def test_security_headers_on_pages_and_api(server: LiveServer) -> None:
    with httpx.Client(base_url=server.http_url) as http:
        for reply in (http.get("/"), http.get("/static/js/app.js"), http.get("/v1/realtime/client_secrets")):
            assert reply.headers["x-content-type-options"] == "nosniff"
            assert reply.headers["x-frame-options"] == "SAMEORIGIN"
            assert reply.headers["referrer-policy"] == "no-referrer"
            csp = reply.headers["content-security-policy"]
            assert "script-src 'self'" in csp and "frame-ancestors 'self'" in csp and "unsafe" not in csp


async def test_refused_keys_do_not_flood_the_log(server: LiveServer) -> None:
    before = len(server.log_tail(10**9))

    async def wrong_key(n: int) -> None:
        with pytest.raises(InvalidStatus):
            headers = {"Authorization": f"Bearer wrong-{n}"}
            async with websockets.connect(ws_url(server), additional_headers=headers):
                pass

    for batch in range(10):
        await asyncio.gather(*(wrong_key(batch * 50 + n) for n in range(50)))
    async with httpx.AsyncClient(base_url=server.http_url) as http:
        for n in range(100):
            reply = await http.get("/web/config", headers={"Authorization": f"Bearer wrong-{n}"})
            assert reply.status_code == 401
    await asyncio.sleep(0.5)
    lines = server.log_tail(10**9)[before:].splitlines()
    assert not [line for line in lines if "ERROR" in line or "Traceback" in line], lines[:5]
    ours = [line for line in lines if "refused" in line and "realtalk" in line]
    assert len(ours) <= 2, ours
    # The first refusal of each minute is logged (which one depends on the tests before this one).
    assert "realtalk.server.auth: refused" in server.log_tail(10**9), "refusals are logged, not each"


async def test_conversation_ids_must_have_a_sane_form(server: LiveServer) -> None:
    for bad in ("a" * 129, "has space", "../etc", "ü"):
        with pytest.raises(InvalidStatus) as refused:
            async with websockets.connect(
                ws_url(server, f"?conversation_id={quote(bad)}"), additional_headers=AUTH
            ):
                pass
        assert refused.value.response.status_code == 400
        assert b"conversation_id" in refused.value.response.body
        async with httpx.AsyncClient(base_url=server.http_url, headers=AUTH) as http:
            call = await http.post("/v1/realtime/calls", params={"conversation_id": bad}, content=b"v=0\r\n",
                             headers={"Content-Type": "application/sdp"})  # fmt: skip
            assert call.status_code == 400 and call.json()["error"]["param"] == "conversation_id"
            chat = await http.post("/v1/realtalk/chat", json={"text": "hi", "conversation_id": bad})
            assert chat.status_code == 422 and chat.json()["error"]["param"] == "conversation_id"
    async with websockets.connect(ws_url(server), additional_headers=AUTH) as ws:
        await ws.recv()
        await ws.send('{"type": "realtalk.conversation.restore", "event_id": "e1", "conversation_id": "a b"}')
        error = await asyncio.wait_for(ws.recv(), 10)
        assert '"param":"conversation_id"' in error and '"event_id":"e1"' in error
