"""Phone calls through Twilio Media Streams, against a live server.

Twilio's side is `tests/twilio_peer.py` (signed webhook, TwiML, the stream protocol, playout with
marks and clear); the backend watching the call is the official `openai` SDK joined by sideband.
What the caller hears is transcribed back with the repo's Whisper.
"""

from __future__ import annotations

import asyncio
import base64
import json
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import pytest
from openai import AsyncOpenAI
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from realtalk.config import Settings
from realtalk.engines.loader import load_speech_engines
from realtalk.storage.store import ConversationStore
from tests.live_server import API_KEY, LiveServer
from tests.realtime_client import Recorder
from tests.speech_data import librivox_clips, load_wav_16k, word_error_rate
from tests.twilio_peer import (
    TwilioPeer,
    is_loud,
    parse_connect_stream,
    sign,
    ulaw_8k,
    ulaw_silence,
    ulaw_to_16k,
    voice_webhook,
)

pytestmark = pytest.mark.slow

TRANSCRIBE_INPUT = {
    "type": "session.update",
    "session": {"type": "realtime", "audio": {"input": {"transcription": {"model": "whisper-1"}}}},
}
"""The backend asks for the caller's words as transcripts."""


def clip(index: int) -> bytes:
    return ulaw_8k(load_wav_16k(librivox_clips()[index][0]))


@asynccontextmanager
async def phone_call(server: LiveServer) -> AsyncIterator[tuple[TwilioPeer, Recorder]]:
    """A call placed through the webhook, with a backend joined to it by sideband."""
    response, form = await voice_webhook(server.http_url, caller="+15550001111")
    assert response.status_code == 200, response.text
    twiml = parse_connect_stream(response.text)
    peer = await TwilioPeer.open(twiml, form["CallSid"])
    client = AsyncOpenAI(base_url=server.base_url, api_key=API_KEY)
    try:
        for _ in range(100):  # the call exists once the server has read `start`
            try:
                async with client.realtime.connect(call_id=f"rtc_{form['CallSid']}") as connection:
                    backend = Recorder(connection)
                    created = await backend.next()
                    assert created["type"] == "session.created"
                    assert created["session"]["audio"]["input"]["format"]["type"] == "audio/pcmu"
                    yield peer, backend
                    return
            except Exception as exc:
                if "404" not in str(exc):
                    raise
                await asyncio.sleep(0.05)
        raise AssertionError("the call never appeared")
    finally:
        await peer.close()


async def test_voice_webhook_answers_with_connect_stream(server: LiveServer) -> None:
    response, _ = await voice_webhook(server.http_url, caller="+15550002222")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/xml")
    twiml = parse_connect_stream(response.text)
    assert twiml.stream_url == f"ws://127.0.0.1:{server.port}/v1/realtalk/twilio/stream"
    assert twiml.parameters["caller"] == "+15550002222"
    assert len(twiml.parameters["token"]) >= 24

    forged, _ = await voice_webhook(server.http_url, token="not-the-account-token")
    assert forged.status_code == 403
    assert forged.json()["error"]["code"] == "invalid_signature"
    unknown_agent, _ = await voice_webhook(server.http_url, query="?agent=nobody")
    assert unknown_agent.status_code == 400
    assert unknown_agent.json()["error"]["param"] == "agent"


async def test_stream_without_a_valid_token_is_closed(server: LiveServer) -> None:
    url = f"ws://127.0.0.1:{server.port}/v1/realtalk/twilio/stream"
    async with connect(url) as ws:
        await ws.send('{"event": "connected", "protocol": "Call", "version": "1.0.0"}')
        await ws.send(
            '{"event": "start", "streamSid": "MZ1", "start": {"streamSid": "MZ1", "callSid": "CA1", '
            '"customParameters": {"token": "forged"}}}'
        )
        with pytest.raises(ConnectionClosed) as closed:
            await asyncio.wait_for(ws.recv(), 10)
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 1008
    with pytest.raises(InvalidStatus) as refused:  # Twilio signs the upgrade; a wrong signature is refused
        await connect(url, additional_headers={"X-Twilio-Signature": sign(url, {}, "not-the-account-token")})
    assert refused.value.response.status_code == 403
    async with connect(url) as ws:
        await ws.send("this is not JSON")
        await ws.send('{"event": "media", "media": {"payload": "AAAA"}}')  # media before start
        with pytest.raises(ConnectionClosed) as closed:
            await asyncio.wait_for(ws.recv(), 10)
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 1008


async def test_spoken_call_reply_marks_and_dtmf(server: LiveServer) -> None:
    async with phone_call(server) as (peer, backend):
        await backend.send(TRANSCRIBE_INPUT)
        # Garbage mid-call is ignored; the call goes on.
        await peer.send_raw("not json")
        await peer.send_raw(b"\x00\x01")
        await peer.send_raw('{"event": "media", "media": {"payload": "***"}}')
        await peer.send_raw('{"event": "surprise", "streamSid": "x"}')
        # Seconds of speech in one message (Twilio's are 20 ms): ignored, not heard at once.
        whole = base64.b64encode(clip(2) + ulaw_silence(900)).decode()
        await peer.send_raw(json.dumps({"event": "media", "media": {"payload": whole}}))
        await peer.say(clip(1) + ulaw_silence(900))  # "he was not an ill disposed young man"
        transcript = await backend.until("conversation.item.input_audio_transcription.completed")
        reference = librivox_clips()[1][1]  # μ-law at 8 kHz: a word may be misheard ("old-sposed")
        assert word_error_rate(reference, transcript["transcript"]) <= 0.3, transcript["transcript"]
        started = await backend.until("output_audio_buffer.started")
        done = await backend.until("response.done")
        assert done["response"]["status"] == "completed"
        stopped = await backend.until("output_audio_buffer.stopped", timeout=30)
        assert started["response_id"] == stopped["response_id"] == done["response"]["id"]
        # Every mark came back after its audio played; nothing was cleared.
        sent_marks = [m["mark"]["name"] for m in peer.messages if m["event"] == "mark"]
        assert sent_marks and peer.marks_echoed == sent_marks
        assert not peer.clears
        # What the caller heard is the reply the session reports.
        said = done["response"]["output"][0]["content"][0]["transcript"]
        assert len(peer.played) >= 8 * 500, "at least half a second of voice"
        stt = load_speech_engines(Settings()).stt
        heard = await asyncio.to_thread(stt.transcribe, ulaw_to_16k(bytes(peer.played)))
        assert word_error_rate(said, heard.text) <= 0.35, (said, heard.text)

        await peer.press("7" * 100_000)  # not a key: ignored, never passed on as one
        await peer.press("7")
        dtmf = await backend.until("input_audio_buffer.dtmf_event_received")
        assert dtmf["event"] == "7"
        await peer.stop()
        with pytest.raises(ConnectionClosed):
            await backend.until("never", timeout=10)
    # The call's conversation is stored with the caller's number, and holds what was said.
    with ConversationStore(f"sqlite:///{server.data_dir / 'realtalk.db'}") as store:
        [call] = [c for c in store.list_conversations() if c.metadata.get("call_sid") == peer.call_sid]
        assert call.metadata == {"channel": "twilio", "caller": "+15550001111", "call_sid": peer.call_sid}
        items = store.load_items(call.id)
        assert [i["role"] for i in items if i["type"] == "message"][:2] == ["user", "assistant"]


async def test_barge_in_clears_and_truncates_at_what_was_heard(server: LiveServer) -> None:
    async with phone_call(server) as (peer, backend):
        await backend.send(
            {
                "type": "session.update",
                "session": {"type": "realtime", "instructions": "You are a chatty storyteller."},
            }
        )
        await peer.say(clip(1) + ulaw_silence(900))
        started = await backend.until("output_audio_buffer.started")
        await peer.wait_for(lambda: len(peer.played) >= 8 * 800, timeout=30)  # the caller hears some
        await peer.say(clip(4) + ulaw_silence(900))
        await peer.wait_for(lambda: bool(peer.clears), timeout=10)
        truncated = await backend.until("conversation.item.truncated")
        cleared = await backend.until("output_audio_buffer.cleared")
        assert cleared["response_id"] == started["response_id"]
        heard_ms = peer.played_at_clear[0] / 8
        # The server knows what was heard from the marks (to within a chunk and the network).
        assert abs(truncated["audio_end_ms"] - heard_ms) <= 250, (truncated["audio_end_ms"], heard_ms)
        # The backend hangs up: the stream closes, which ends Twilio's <Connect>.
        client = AsyncOpenAI(base_url=server.base_url, api_key=API_KEY)
        await client.realtime.calls.hangup(f"rtc_{peer.call_sid}")
        await asyncio.wait_for(peer.ws.wait_closed(), 10)
        assert peer.ws.close_code == 1000


async def test_the_agent_answers_a_key_press_when_no_backend_watches(server: LiveServer) -> None:
    response, form = await voice_webhook(server.http_url)
    peer = await TwilioPeer.open(parse_connect_stream(response.text), form["CallSid"])
    try:
        await peer.say(ulaw_silence(300))
        await peer.press("1")
        await peer.wait_for(lambda: is_loud(bytes(peer.received)), timeout=60)  # the agent speaks
        # A piece's mark follows its media, so it may arrive a moment after the first loud audio.
        await peer.wait_for(lambda: any(m["event"] == "mark" for m in peer.messages), timeout=10)
    finally:
        await peer.close()


async def test_a_caller_flooding_audio_stalls_nobody_and_the_call_goes_on(server: LiveServer) -> None:
    """A peer that sends five minutes of speech as fast as TCP takes it: the server reads it in turn
    with everyone else (a health check waited the whole flood, ~4 s, before the reader yielded),
    its memory stays flat, and the call goes on hearing its caller."""
    async with phone_call(server) as (peer, backend):
        await backend.send(TRANSCRIBE_INPUT)
        before = server.rss_kib()
        flood = asyncio.create_task(peer.say((clip(1) + ulaw_silence(600)) * 60, realtime=False))
        slowest = 0.0
        async with httpx.AsyncClient() as http:
            while not flood.done():
                start = time.monotonic()
                assert (await http.get(f"{server.http_url}/healthz", timeout=30)).status_code == 200
                slowest = max(slowest, time.monotonic() - start)
                await asyncio.sleep(0.05)
        await flood
        assert slowest < 2.0, f"a health check waited {slowest:.2f} s behind the flood"
        assert server.rss_kib() - before < 100_000, "the flood was queued, not slowed"
        # The call still hears its caller: a new sentence at real time is transcribed.
        await peer.say(ulaw_silence(1500) + clip(4) + ulaw_silence(900))
        reference = librivox_clips()[4][1]
        for _ in range(100):
            heard = await backend.until("conversation.item.input_audio_transcription.completed", timeout=60)
            if word_error_rate(reference, heard["transcript"]) <= 0.4:
                break
        else:
            raise AssertionError("the sentence after the flood was never transcribed")
