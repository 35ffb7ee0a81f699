"""The web app's server side: sign-in cookie, config, per-page client secrets, CORS."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import pytest

from tests.live_server import API_KEY, LiveServer, start_server
from tests.rtc_client import RtcClient

pytestmark = pytest.mark.slow

UI_TOKEN = "ui-token-for-tests"
ORIGIN = "https://app.example.com"


@pytest.fixture(scope="module")
def web_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    live = start_server(
        tmp_path_factory.mktemp("realtalk-web"),
        REALTALK_UI_TOKEN=UI_TOKEN,
        REALTALK_CORS_ORIGINS=ORIGIN,
    )
    yield live
    live.stop()


@contextmanager
def signed_in(server: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.http_url) as http:
        assert http.post("/web/login", json={"token": UI_TOKEN}).status_code == 204
        yield http


def test_sign_in_sets_an_httponly_cookie(web_server: LiveServer) -> None:
    with httpx.Client(base_url=web_server.http_url) as http:
        assert http.get("/web/config").status_code == 401
        wrong = http.post("/web/login", json={"token": "nope"})
        assert wrong.status_code == 401
        assert http.post("/web/login", json={}).status_code == 400
        ok = http.post("/web/login", json={"token": UI_TOKEN})
        assert ok.status_code == 204
        cookie = ok.headers["set-cookie"].lower()
        assert "httponly" in cookie and "samesite=strict" in cookie
        assert UI_TOKEN not in ok.headers["set-cookie"], "the cookie is derived, not the token itself"
        config = http.get("/web/config").json()
        assert config["session"]["type"] == "realtime"
        assert "marin" in config["voices"]
        assert http.post("/web/logout").status_code == 204
        assert http.get("/web/config").status_code == 401


async def test_page_session_key_opens_a_call(web_server: LiveServer) -> None:
    with signed_in(web_server) as http:
        minted = http.post(
            "/web/session",
            json={
                "instructions": "Be brief.",
                "audio": {"input": {"turn_detection": {"type": "server_vad", "threshold": 0.6}}},
            },
        )
        assert minted.status_code == 200, minted.text
        body = minted.json()
        assert body["value"].startswith("ek_")
        session = body["session"]
        assert session["audio"]["input"]["transcription"]["model"] == "whisper-1", "captions on by default"
        assert session["audio"]["input"]["turn_detection"]["threshold"] == 0.6
        bad = http.post("/web/session", json={"voice": 7})
        assert bad.status_code == 400
    call = RtcClient()
    try:
        await call.connect(web_server, body["value"])
        created = await call.until("session.created")
        assert created["session"]["instructions"] == "Be brief."
        assert created["session"]["audio"]["input"]["turn_detection"]["threshold"] == 0.6
    finally:
        await call.close()


def test_cors_preflight_for_configured_origins(web_server: LiveServer) -> None:
    preflight = {
        "Origin": ORIGIN,
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization, content-type",
    }
    with httpx.Client(base_url=web_server.http_url) as http:
        ok = http.options("/v1/realtime/calls", headers=preflight)
        assert ok.status_code == 200
        assert ok.headers["access-control-allow-origin"] == ORIGIN
        assert "authorization" in ok.headers["access-control-allow-headers"].lower()
        other = http.options("/v1/realtime/calls", headers={**preflight, "Origin": "https://evil.example"})
        assert "access-control-allow-origin" not in other.headers
        # Errors carry CORS headers too, so the page can read the reason.
        refused = http.post("/v1/realtime/calls", headers={"Origin": ORIGIN})
        assert refused.status_code == 401
        assert refused.headers["access-control-allow-origin"] == ORIGIN
        minted = http.post(
            "/v1/realtime/client_secrets", headers={"Origin": ORIGIN, "Authorization": f"Bearer {API_KEY}"}
        )
        assert minted.status_code == 200
        exposed = minted.headers.get("access-control-expose-headers", "").lower()
        assert "location" in exposed and "x-realtalk-conversation-id" in exposed
