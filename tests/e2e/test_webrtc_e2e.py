"""WebRTC calls, ephemeral client secrets and sideband connections, as OpenAI's browser flow uses them.

The caller is a real aiortc peer (tests/rtc_client.py) speaking recorded speech into an Opus track;
keys and calls go through the official `openai` SDK.
"""

from __future__ import annotations

import asyncio
import time

import httpx
import openai
import pytest
from aiortc import RTCSessionDescription
from openai import AsyncOpenAI
from websockets.exceptions import ConnectionClosed

from tests.live_server import API_KEY, LiveServer
from tests.realtime_client import Recorder, pcm24k, realtime, silence
from tests.rtc_client import RtcClient
from tests.speech_data import librivox_clips, load_wav_16k, word_error_rate

pytestmark = pytest.mark.slow


def clip(index: int) -> bytes:
    return pcm24k(load_wav_16k(librivox_clips()[index][0]))


async def client_secret(server: LiveServer, **session: object) -> str:
    client = AsyncOpenAI(base_url=server.base_url, api_key=API_KEY)
    secret = await client.realtime.client_secrets.create(
        session={"type": "realtime", **session},  # type: ignore[typeddict-item]
        expires_after={"anchor": "created_at", "seconds": 60},
    )
    return secret.value


async def test_client_secret_has_openai_shape(server: LiveServer) -> None:
    client = AsyncOpenAI(base_url=server.base_url, api_key=API_KEY)
    before = time.time()
    secret = await client.realtime.client_secrets.create(
        session={"type": "realtime", "instructions": "Speak like a pirate."},
        expires_after={"anchor": "created_at", "seconds": 120},
    )
    assert secret.value.startswith("ek_")
    assert before + 110 <= secret.expires_at <= time.time() + 121
    assert secret.session.type == "realtime"
    assert secret.session.instructions == "Speak like a pirate."  # type: ignore[union-attr]
    # The key opens sessions but can do nothing else, and mints no further keys.
    async with httpx.AsyncClient(base_url=server.http_url) as http:
        headers = {"Authorization": f"Bearer {secret.value}"}
        minted = await http.post("/v1/realtime/client_secrets", headers=headers, json={})
        assert minted.status_code == 403
        assert minted.json()["error"]["code"] == "insufficient_scope"
        bad = await http.post(
            "/v1/realtime/client_secrets",
            headers={"Authorization": f"Bearer {API_KEY}"},
            json={"expires_after": {"anchor": "created_at", "seconds": 5}},
        )
        assert bad.status_code == 400
        assert bad.json()["error"]["param"] == "expires_after.seconds"


async def test_spoken_turn_over_webrtc(server: LiveServer) -> None:
    key = await client_secret(server, audio={"input": {"transcription": {"model": "whisper-1"}}})
    call = RtcClient()
    try:
        await call.connect(server, key)
        created = await call.until("session.created")
        assert created["session"]["audio"]["input"]["transcription"]["model"] == "whisper-1"
        call.say(clip(1) + silence(600))  # "he was not an ill disposed young man"
        transcript = await call.until("conversation.item.input_audio_transcription.completed")
        reference = librivox_clips()[1][1]
        assert word_error_rate(reference, transcript["transcript"]) <= 0.3, transcript["transcript"]
        started = await call.until("output_audio_buffer.started")
        done = await call.until("response.done")
        assert done["response"]["status"] == "completed"
        stopped = await call.until("output_audio_buffer.stopped", timeout=30)
        assert started["response_id"] == stopped["response_id"] == done["response"]["id"]
        kinds = [e["type"] for e in call.events]
        assert "response.output_audio.delta" not in kinds, "audio goes on the media track"
        assert "response.output_audio_transcript.delta" in kinds
        spoken_ms = call.heard.loud_frames * 20
        assert spoken_ms >= 500, f"heard only {spoken_ms} ms of the agent's voice"
    finally:
        await call.close()


async def test_barge_in_truncates_what_was_heard(server: LiveServer) -> None:
    key = await client_secret(server, instructions="You are a chatty storyteller.")
    call = RtcClient()
    try:
        await call.connect(server, key)
        call.say(clip(1) + silence(600))
        started = await call.until("output_audio_buffer.started")
        await asyncio.sleep(0.8)  # let the caller hear some of it
        call.say(clip(4) + silence(600))
        done = await call.until("response.done")
        assert done["response"]["id"] == started["response_id"]
        assert done["response"]["status"] == "cancelled"
        truncated = await call.until("conversation.item.truncated")
        cleared = await call.until("output_audio_buffer.cleared")
        assert cleared["response_id"] == started["response_id"]
        item = done["response"]["output"][0]
        assert truncated["item_id"] == item["id"]
        assert 300 <= truncated["audio_end_ms"] <= 5000
    finally:
        await call.close()


async def test_sideband_answers_the_tool_call(server: LiveServer) -> None:
    """A backend joins by call_id, sees the function call, answers it, and the caller hears it."""
    tool = {
        "type": "function",
        "name": "get_weather",
        "description": "Get the weather for a city.",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
    }
    key = await client_secret(server, tools=[tool])
    call = RtcClient()
    try:
        await call.connect(server, key)
        await call.until("session.created")
        client = AsyncOpenAI(base_url=server.base_url, api_key=API_KEY)
        async with client.realtime.connect(call_id=call.call_id) as connection:
            backend = Recorder(connection)
            joined = await backend.next()
            assert joined["type"] == "session.created"
            await call.send(
                {
                    "type": "conversation.item.create",
                    "item": {
                        "type": "message",
                        "role": "user",
                        "content": [{"type": "input_text", "text": "What's the weather in Paris?"}],
                    },
                }
            )
            await call.send({"type": "response.create"})
            arguments = await backend.until("response.function_call_arguments.done")
            assert arguments["name"] == "get_weather"
            assert "paris" in arguments["arguments"].lower()
            await backend.send(
                {
                    "type": "conversation.item.create",
                    "item": {
                        "type": "function_call_output",
                        "call_id": arguments["call_id"],
                        "output": '{"forecast": "sunny and 24 degrees"}',
                    },
                }
            )
            await backend.until("response.done")  # the function-call response
            loud_before = call.heard.loud_frames
            await backend.send({"type": "response.create"})
            done = await backend.until("response.done")
            transcript = done["response"]["output"][0]["content"][0]["transcript"]
            assert "sunny" in transcript.lower()
            await call.until("output_audio_buffer.stopped", timeout=30)
            assert call.heard.loud_frames - loud_before >= 25, "the caller heard the answer"
    finally:
        await call.close()


async def test_audio_only_offer_and_hangup(server: LiveServer) -> None:
    """An offer without a data channel works; the sideband sees its events; hang-up ends it."""
    call = RtcClient(data_channel=False)
    try:
        await call.connect(server, API_KEY)
        client = AsyncOpenAI(base_url=server.base_url, api_key=API_KEY)
        async with client.realtime.connect(call_id=call.call_id) as connection:
            backend = Recorder(connection)
            await backend.until("session.created")
            call.say(clip(1) + silence(600))
            await backend.until("input_audio_buffer.speech_started")
            await backend.until("response.done")
            async with httpx.AsyncClient(base_url=server.http_url) as http:
                headers = {"Authorization": f"Bearer {API_KEY}"}
                hung = await http.post(f"/v1/realtime/calls/{call.call_id}/hangup", headers=headers)
                assert hung.status_code == 200
                again = await http.post(f"/v1/realtime/calls/{call.call_id}/hangup", headers=headers)
                assert again.status_code == 404
            with pytest.raises(ConnectionClosed):  # the server closes the sideband socket; a timeout fails
                while True:  # (after any events still on their way)
                    await backend.next(timeout=10)
    finally:
        await call.close()


async def test_peer_disconnect_ends_the_call(server: LiveServer) -> None:
    call = RtcClient()
    await call.connect(server, API_KEY)
    await call.until("session.created")
    await call.close()
    async with httpx.AsyncClient(base_url=server.http_url) as http:
        headers = {"Authorization": f"Bearer {API_KEY}"}
        for _ in range(100):
            hung = await http.post(f"/v1/realtime/calls/{call.call_id}/hangup", headers=headers)
            if hung.status_code == 404:
                break
            await asyncio.sleep(0.2)
        assert hung.status_code == 404, "the server freed the call"


async def test_bad_requests_get_clear_errors(server: LiveServer) -> None:
    async with httpx.AsyncClient(base_url=server.http_url) as http:
        auth = {"Authorization": f"Bearer {API_KEY}"}
        not_sdp = await http.post(
            "/v1/realtime/calls", headers={**auth, "Content-Type": "application/sdp"}, content="hello"
        )
        assert not_sdp.status_code == 400
        assert "SDP" in not_sdp.json()["error"]["message"]
        wrong_type = await http.post("/v1/realtime/calls", headers=auth, json={"sdp": "v=0"})
        assert wrong_type.status_code == 400
        assert wrong_type.json()["error"]["code"] == "unsupported_content_type"
        no_key = await http.post(
            "/v1/realtime/calls", headers={"Content-Type": "application/sdp"}, content="v=0\r\n"
        )
        assert no_key.status_code == 401
        bad_session = await http.post(
            "/v1/realtime/calls",
            headers=auth,
            files={"sdp": (None, "v=0\r\n"), "session": (None, '{"type": "realtime", "voice": 3}')},
        )
        assert bad_session.status_code == 400
    with pytest.raises(openai.AuthenticationError):
        await RtcClient().connect(server, "ek_not-a-real-key")


async def test_sideband_needs_the_master_key(server: LiveServer) -> None:
    call = RtcClient()
    try:
        await call.connect(server, API_KEY)
        key = await client_secret(server)
        with pytest.raises(Exception, match="403"):
            async with realtime(server, api_key=key, call_id=call.call_id):
                pass
    finally:
        await call.close()


async def test_expired_client_secret_is_refused_clearly(server: LiveServer) -> None:
    client = AsyncOpenAI(base_url=server.base_url, api_key=API_KEY)
    secret = await client.realtime.client_secrets.create(
        session={"type": "realtime"}, expires_after={"anchor": "created_at", "seconds": 10}
    )
    await asyncio.sleep(max(0.0, secret.expires_at - time.time()) + 0.5)
    with pytest.raises(openai.AuthenticationError) as refused:
        await RtcClient().connect(server, secret.value)
    assert refused.value.code == "expired_client_secret"
    assert "expired" in refused.value.message


async def test_beta_browser_flow(server: LiveServer) -> None:
    """Apps written for the beta: `POST /v1/realtime/sessions` for a key, SDP to `/v1/realtime`."""
    client = AsyncOpenAI(base_url=server.base_url, api_key=API_KEY)
    session = await client.beta.realtime.sessions.create(
        model="gpt-4o-realtime-preview", modalities=["audio", "text"], voice="verse", instructions="Be brief."
    )
    assert session.client_secret.value.startswith("ek_")
    assert session.voice == "verse"
    call = RtcClient(beta=True)
    try:
        await call.pc.setLocalDescription(await call.pc.createOffer())
        async with httpx.AsyncClient(base_url=server.http_url) as http:
            answer = await http.post(
                "/v1/realtime?model=gpt-4o-realtime-preview",
                headers={
                    "Authorization": f"Bearer {session.client_secret.value}",
                    "Content-Type": "application/sdp",
                },
                content=call.pc.localDescription.sdp,
            )
        assert answer.status_code == 201, answer.text
        await call.pc.setRemoteDescription(RTCSessionDescription(sdp=answer.text, type="answer"))
        created = await call.until("session.created")
        assert created["session"]["instructions"] == "Be brief."
        call.say(clip(1) + silence(600))
        await call.until("response.audio_transcript.delta")  # beta name of the transcript delta
        done = await call.until("response.done")
        assert done["response"]["status"] == "completed"
    finally:
        await call.close()
