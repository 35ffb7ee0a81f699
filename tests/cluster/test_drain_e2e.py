"""SIGTERM drains a live server process: no new sessions, live calls go on, then a clear ending."""

from __future__ import annotations

import asyncio
import signal
import time
from pathlib import Path

import httpx
import pytest
from websockets.exceptions import ConnectionClosed

from tests.live_server import API_KEY, start_server
from tests.realtime_client import realtime, say

pytestmark = pytest.mark.slow

DRAIN_S = 4.0


async def test_sigterm_drains_then_ends_live_calls_and_loses_nothing(tmp_path: Path) -> None:
    """Then, restarted on the same data: everything is there, and with no live calls SIGTERM exits at once."""
    server = start_server(tmp_path / "data", REALTALK_DRAIN_TIMEOUT_S=str(DRAIN_S))
    auth = {"Authorization": f"Bearer {API_KEY}"}
    try:
        async with httpx.AsyncClient(base_url=server.http_url) as http:
            ready = await http.get("/readyz")
        assert ready.status_code == 200, ready.text
        assert ready.json()["checks"] == {"models": "ok", "store": "ok", "draining": "no", "capacity": "ok"}

        async with realtime(server, conversation_id="drain-test") as conn:
            acknowledged = [await say(conn, "before the drain")]
            assert server.process is not None
            server.process.send_signal(signal.SIGTERM)
            signalled = time.monotonic()

            async with httpx.AsyncClient(base_url=server.http_url, headers=auth) as http:
                for _ in range(50):  # the signal is handled on the server's next tick
                    ready = await http.get("/readyz")
                    if ready.status_code == 503:
                        break
                    await asyncio.sleep(0.05)
                assert ready.status_code == 503 and ready.json()["checks"]["draining"] == "yes"
                assert ready.json()["live_sessions"] == 1
                # A new session over HTTP (WebRTC offer) is refused with a time to retry.
                offer = await http.post(
                    "/v1/realtime/calls", content=b"v=0\r\n", headers={"content-type": "application/sdp"}
                )
                assert offer.status_code == 503 and offer.headers["retry-after"] == "1"
                assert offer.json()["error"]["code"] == "server_shutting_down"
                assert (await http.get("/healthz")).status_code == 200  # alive, just not taking work
            with pytest.raises(Exception) as refused:  # and over WebSocket
                async with realtime(server):
                    pass
            assert "503" in str(refused.value)

            # The live call carries on while the node drains...
            acknowledged.append(await say(conn, "during the drain"))
            # ...until the drain timeout: then a final error event, then close 1001.
            final = await conn.until("error", timeout=DRAIN_S + 10)
            assert final["error"]["code"] == "server_shutting_down"
            assert final["error"]["type"] == "server_error"
            with pytest.raises(ConnectionClosed) as closed:
                await conn.next(timeout=5)
            assert closed.value.rcvd is not None and closed.value.rcvd.code == 1001
            ended_after = time.monotonic() - signalled
        assert DRAIN_S - 0.5 <= ended_after <= DRAIN_S + 5

        assert server.process.wait(20) in (0, -signal.SIGTERM)
        server.process = None
        server.env["REALTALK_DRAIN_TIMEOUT_S"] = "60"
        server.start()  # same data: everything acknowledged is there
        async with realtime(server, conversation_id="drain-test") as restored:
            replayed = [(await restored.until("conversation.item.done"))["item"]["id"] for _ in acknowledged]
        assert replayed == acknowledged

        # With no live calls, SIGTERM does not wait out the (now 60 s) drain timeout.
        async with httpx.AsyncClient(base_url=server.http_url) as http:
            for _ in range(100):  # the closed session is let go asynchronously
                if (await http.get("/readyz")).json()["live_sessions"] == 0:
                    break
                await asyncio.sleep(0.05)
        assert server.process is not None
        signalled = time.monotonic()
        server.process.send_signal(signal.SIGTERM)
        server.process.wait(15)
        assert time.monotonic() - signalled < 5
        server.process = None
    finally:
        server.stop()
