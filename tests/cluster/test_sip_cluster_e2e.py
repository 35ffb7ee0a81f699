"""A SIP call rings on node A; the backend's call control and sideband go to node B (one Redis).

The backend is the one in tests/e2e/test_sip_e2e.py (a signed-webhook receiver); the caller is SIPp.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
import uvicorn
from openai import AsyncOpenAI

from tests.e2e.test_sip_e2e import SECRET, Backend
from tests.live_server import API_KEY, free_port, start_server
from tests.realtime_client import Recorder
from tests.redis_server import redis_server
from tests.sip_caller import WAIT_FOR_BYE, RtpReceiver, answered, place_call, scenario

pytestmark = pytest.mark.slow


async def test_accept_sideband_and_hang_up_through_another_node(tmp_path: Path) -> None:
    backend = Backend()
    hook_port, sip_port, rtp_base = free_port(), free_port(), free_port() // 2 * 2
    hook = uvicorn.Server(uvicorn.Config(backend.app, host="127.0.0.1", port=hook_port, log_level="warning"))
    hook_task = asyncio.create_task(hook.serve())
    receiver = await RtpReceiver.open()
    with redis_server() as redis_url:
        ringing_node = start_server(
            tmp_path / "a",
            REALTALK_REDIS_URL=redis_url,
            REALTALK_SIP_PORT=str(sip_port),
            REALTALK_SIP_RTP_PORTS=f"{rtp_base}-{rtp_base + 10}",
            REALTALK_SIP_WEBHOOK_URL=f"http://127.0.0.1:{hook_port}/webhook",
            REALTALK_SIP_WEBHOOK_SECRET=SECRET,
            REALTALK_SIP_ALLOWED_SOURCES="127.0.0.1/32",
        )
        other_node = start_server(tmp_path / "b", REALTALK_REDIS_URL=redis_url)
        sipp = place_call(
            tmp_path / "sipp", scenario(answered(WAIT_FOR_BYE), media_port=receiver.port), sip_port
        )
        try:
            event = await asyncio.wait_for(backend.events.get(), 30)
            assert event.type == "realtime.call.incoming"
            client = AsyncOpenAI(base_url=other_node.base_url, api_key=API_KEY)
            await client.realtime.calls.accept(event.data.call_id, type="realtime", instructions="Bakery.")
            async with client.realtime.connect(call_id=event.data.call_id) as connection:
                created = await Recorder(connection).until("session.created")
                assert created["session"]["instructions"] == "Bakery."
                assert created["session"]["audio"]["output"]["format"]["type"] == "audio/pcmu"
                await client.realtime.calls.hangup(event.data.call_id)
            assert await sipp.wait() == 0, sipp.errors()
            assert "BYE sip:" in sipp.messages(), "the owner's BYE reached the caller"
        finally:
            receiver.close()
            if sipp.process.poll() is None:
                sipp.process.kill()
            ringing_node.stop()
            other_node.stop()
            hook.should_exit = True
            await hook_task
