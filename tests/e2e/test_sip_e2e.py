"""SIP calls placed by SIPp against a live server, controlled by a backend using the `openai` SDK.

The backend is what OpenAI's SIP docs describe: a webhook receiver that verifies the signature
with `client.webhooks.unwrap`, then `client.realtime.calls.accept / reject / refer / hangup` and a
sideband connection. What the caller hears is transcribed back with the repo's Whisper.
"""

from __future__ import annotations

import asyncio
import base64
import re
import secrets
import socket
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import openai
import pytest
import soxr
import uvicorn
from openai import AsyncOpenAI
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from websockets.exceptions import ConnectionClosed

from realtalk.config import Settings
from realtalk.engines.loader import load_speech_engines
from tests.live_server import API_KEY, LiveServer, free_port, scrape, serving
from tests.realtime_client import Recorder
from tests.sip_caller import (
    DTMF_PCAP,
    EXPECT_REFER_THEN_HANG_UP,
    G729_ONLY,
    WAIT_FOR_BYE,
    RtpReceiver,
    SippRun,
    answered,
    place_call,
    play,
    reinvited,
    rejected,
    scenario,
    softphone_call,
    speech_pcap,
)
from tests.speech_data import librivox_clips, load_wav_16k, word_error_rate
from tests.twilio_peer import ulaw_8k, ulaw_silence, ulaw_to_16k

pytestmark = pytest.mark.slow

SECRET = "whsec_" + base64.b64encode(b"realtalk-sip-test-secret-0123456").decode()
RTP_TIMEOUT_S = 12


class Backend:
    """The webhook receiver: verifies each delivery with the SDK and queues the event."""

    def __init__(self) -> None:
        self.events: asyncio.Queue[Any] = asyncio.Queue()
        self.client = AsyncOpenAI(api_key="unused", webhook_secret=SECRET)
        self.app = Starlette(routes=[Route("/webhook", self.webhook, methods=["POST"])])
        self.accept_then_fail: AsyncOpenAI | None = None
        """Set: the handler accepts the call itself through this client, then answers 500."""
        self.failed = asyncio.Event()

    async def webhook(self, request: Request) -> Response:
        body = await request.body()
        try:
            event = self.client.webhooks.unwrap(body, request.headers, secret=SECRET)
        except openai.InvalidWebhookSignatureError:
            return Response(status_code=400)
        await self.events.put(event)
        if self.accept_then_fail is not None:
            await self.accept_then_fail.realtime.calls.accept(event.data.call_id, type="realtime")
            self.failed.set()
            return Response(status_code=500)
        return Response(status_code=200)


@pytest.fixture(scope="module")
async def backend() -> AsyncIterator[tuple[Backend, int]]:
    receiver = Backend()
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(receiver.app, host="127.0.0.1", port=port, log_level="warning"))
    task = asyncio.create_task(server.serve())
    while not server.started:  # noqa: ASYNC110 - uvicorn offers no event to wait on
        await asyncio.sleep(0.02)
    yield receiver, port
    server.should_exit = True
    await task


@pytest.fixture(scope="module")
def sip_server(
    tmp_path_factory: pytest.TempPathFactory, backend: tuple[Backend, int]
) -> Iterator[LiveServer]:
    sip_port, rtp_base = free_port(), free_port() // 2 * 2
    with serving(
        tmp_path_factory.mktemp("realtalk-sip"),
        REALTALK_SIP_PORT=str(sip_port),
        REALTALK_SIP_RTP_PORTS=f"{rtp_base}-{rtp_base + 40}",
        REALTALK_SIP_WEBHOOK_URL=f"http://127.0.0.1:{backend[1]}/webhook",
        REALTALK_SIP_WEBHOOK_SECRET=SECRET,
        REALTALK_SIP_RTP_TIMEOUT_S=str(RTP_TIMEOUT_S),
        REALTALK_SIP_ALLOWED_SOURCES="127.0.0.1/32, ::1",
    ) as server:
        server.env["sip_port"] = str(sip_port)
        yield server


def sdk(server: LiveServer) -> AsyncOpenAI:
    return AsyncOpenAI(base_url=server.base_url, api_key=API_KEY)


async def incoming(backend: Backend) -> Any:
    event = await asyncio.wait_for(backend.events.get(), 30)
    assert event.type == "realtime.call.incoming"
    return event


async def test_call_is_announced_accepted_heard_and_hung_up(
    sip_server: LiveServer, backend: tuple[Backend, int], tmp_path: Path
) -> None:
    receiver = await RtpReceiver.open()
    speech = ulaw_silence(600) + ulaw_8k(load_wav_16k(librivox_clips()[1][0]))
    # A new pcap stops the one playing, so: speech, the key press, then the line stays open.
    talk = speech_pcap(tmp_path / "speech.pcap", speech + ulaw_silence(900))
    hold = speech_pcap(tmp_path / "hold.pcap", ulaw_silence(20_000))
    steps = answered(
        play(talk, then_pause_ms=len(speech) // 8 + 900)
        + play(DTMF_PCAP.format(digit=7), then_pause_ms=600)
        + play(hold)
        + WAIT_FOR_BYE
    )
    sipp = place_call(
        tmp_path / "sipp", scenario(steps, media_port=receiver.port), int(sip_server.env["sip_port"])
    )
    try:
        event = await incoming(backend[0])
        headers = {h.name: h.value for h in event.data.sip_headers}
        assert "+15550001111" in headers["From"] and headers["X-Customer-Id"] == "42"
        call_id = event.data.call_id
        client = sdk(sip_server)
        await client.realtime.calls.accept(
            call_id,
            type="realtime",
            instructions="You answer the phone for a bakery.",
            audio={"input": {"transcription": {"model": "whisper-1"}}},
        )
        async with client.realtime.connect(call_id=call_id) as connection:
            sideband = Recorder(connection)
            created = await sideband.next()
            assert created["session"]["audio"]["output"]["format"]["type"] == "audio/pcmu"
            assert created["session"]["instructions"] == "You answer the phone for a bakery."
            transcript = await sideband.until("conversation.item.input_audio_transcription.completed")
            reference = librivox_clips()[1][1]  # "he was not an ill disposed young man"
            assert word_error_rate(reference, transcript["transcript"]) <= 0.3, transcript["transcript"]
            done = await sideband.until("response.done")
            assert done["response"]["status"] == "completed"
            await sideband.until("output_audio_buffer.stopped", timeout=30)
            if "input_audio_buffer.dtmf_event_received" not in sideband.types():  # pressed during the reply
                await sideband.until("input_audio_buffer.dtmf_event_received", timeout=30)
            [dtmf] = [e for e in sideband.events if e["type"] == "input_audio_buffer.dtmf_event_received"]
            assert dtmf["event"] == "7"
            said = done["response"]["output"][0]["content"][0]["transcript"]
            stt = load_speech_engines(Settings()).stt
            heard = await asyncio.to_thread(stt.transcribe, ulaw_to_16k(bytes(receiver.audio)))
            assert word_error_rate(said, heard.text) <= 0.35, (said, heard.text)
            await client.realtime.calls.hangup(call_id)
        assert await sipp.wait() == 0, sipp.errors()
        assert "BYE sip:" in sipp.messages(), "the server's BYE reached the caller"
    finally:
        receiver.close()
        if sipp.process.poll() is None:
            sipp.process.kill()


async def answered_rtp_port(sipp: SippRun) -> int:
    """The server's RTP port, from the SDP of its 200 OK as SIPp logged it."""
    for _ in range(100):
        match = re.search(r"SIP/2.0 200 OK.*?m=audio (\d+)", sipp.messages(), re.S)
        if match:
            return int(match.group(1))
        await asyncio.sleep(0.05)
    raise AssertionError("no 200 OK with SDP in SIPp's log")


async def test_barge_in_cuts_the_reply_at_what_was_sent(
    sip_server: LiveServer, backend: tuple[Backend, int], tmp_path: Path
) -> None:
    receiver = await RtpReceiver.open()
    first = ulaw_silence(300) + ulaw_8k(load_wav_16k(librivox_clips()[1][0]))
    interruption = ulaw_8k(load_wav_16k(librivox_clips()[4][0]))
    talk = speech_pcap(
        tmp_path / "talk.pcap", first + ulaw_silence(3500) + interruption + ulaw_silence(20_000)
    )
    steps = answered(play(talk) + WAIT_FOR_BYE)
    sipp = place_call(
        tmp_path / "sipp", scenario(steps, media_port=receiver.port), int(sip_server.env["sip_port"])
    )
    try:
        call_id = (await incoming(backend[0])).data.call_id
        client = sdk(sip_server)
        await client.realtime.calls.accept(
            call_id, type="realtime", instructions="You are a chatty storyteller."
        )
        async with client.realtime.connect(call_id=call_id) as connection:
            sideband = Recorder(connection)
            started = await sideband.until("output_audio_buffer.started")
            truncated = await sideband.until("conversation.item.truncated", timeout=30)
            cleared = await sideband.until("output_audio_buffer.cleared")
            assert cleared["response_id"] == started["response_id"]
            # The cut reply's response.done came before the truncation (barge-in cancels first).
            [done] = [e for e in sideband.events if e["type"] == "response.done"]
            assert done["response"]["id"] == started["response_id"]
            assert done["response"]["status"] == "cancelled"
            assert 300 <= truncated["audio_end_ms"] <= 4000, truncated
            await client.realtime.calls.hangup(call_id)
        assert await sipp.wait() == 0, sipp.errors()
    finally:
        receiver.close()
        if sipp.process.poll() is None:
            sipp.process.kill()


async def test_a_softphone_call(sip_server: LiveServer, backend: tuple[Backend, int], tmp_path: Path) -> None:
    """baresip, a second independent SIP stack, dials, speaks, hears the reply and hangs up."""
    speech = soxr.resample(load_wav_16k(librivox_clips()[1][0]), 16000, 8000)
    pcm = np.concatenate([np.zeros(4000), speech, np.zeros(8000 * 12)])
    phone = softphone_call(
        tmp_path / "baresip", (pcm * 32767).astype("<i2").tobytes(), int(sip_server.env["sip_port"])
    )
    try:
        try:
            event = await incoming(backend[0])
        except TimeoutError:  # once, under heavy load: say what baresip did
            pytest.fail(f"no call was announced; baresip's log:\n{phone.log()}")
        assert "softphone" in {h.name: h.value for h in event.data.sip_headers}["From"]
        client = sdk(sip_server)
        await client.realtime.calls.accept(event.data.call_id, type="realtime")
        async with client.realtime.connect(call_id=event.data.call_id) as connection:
            sideband = Recorder(connection)
            done = await sideband.until("response.done")
            said = done["response"]["output"][0]["content"][0]["transcript"]
            with pytest.raises(ConnectionClosed):  # baresip hangs up when its file ends: the call is over
                await sideband.until("never", timeout=40)
        phone.process.terminate()  # it stays up after the call; the recording is closed already
        await phone.wait()
        assert "terminated" in phone.log(), phone.log()
        heard = np.frombuffer(phone.heard(), dtype="<i2").astype(np.float32) / 32768
        stt = load_speech_engines(Settings()).stt
        text = (await asyncio.to_thread(stt.transcribe, soxr.resample(heard, 8000, 16000))).text
        assert word_error_rate(said, text) <= 0.35, (said, text)
    finally:
        if phone.process.poll() is None:
            phone.process.kill()


async def test_refer_hands_the_caller_on(
    sip_server: LiveServer, backend: tuple[Backend, int], tmp_path: Path
) -> None:
    receiver = await RtpReceiver.open()
    steps = answered('<pause milliseconds="500"/>\n' + reinvited(receiver.port) + EXPECT_REFER_THEN_HANG_UP)
    sipp = place_call(
        tmp_path / "sipp", scenario(steps, media_port=receiver.port), int(sip_server.env["sip_port"])
    )
    try:
        call_id = (await incoming(backend[0])).data.call_id
        client = sdk(sip_server)
        await client.realtime.calls.accept(call_id, type="realtime")
        # An RTP flood (and junk) at the call's port is dropped; the call goes on.
        port = await answered_rtp_port(sipp)
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as flood:
            for n in range(3000):
                header = (
                    bytes([0x80, 0]) + n.to_bytes(2, "big") + (n * 160).to_bytes(4, "big") + b"\x0f\x100D"
                )
                flood.sendto(header + secrets.token_bytes(160) if n % 10 else b"junk", ("127.0.0.1", port))
        await asyncio.sleep(0.5)
        async with httpx.AsyncClient() as http:
            assert (await http.get(f"{sip_server.http_url}/healthz")).status_code == 200
        await client.realtime.calls.refer(call_id, target_uri="sip:human@example.com")
        assert await sipp.wait() == 0, sipp.errors()
        assert "Refer-To: <sip:human@example.com>" in sipp.messages()
        with pytest.raises(openai.NotFoundError):  # the caller's BYE ended the call
            for _ in range(100):
                await client.realtime.calls.hangup(call_id)  # 200 while the BYE is on its way
                await asyncio.sleep(0.1)
        assert receiver.packets > 10, "RTP flowed to the caller"
    finally:
        receiver.close()


async def test_reject_and_unsupported_codecs(
    sip_server: LiveServer, backend: tuple[Backend, int], tmp_path: Path
) -> None:
    port = int(sip_server.env["sip_port"])
    declined = place_call(tmp_path / "declined", scenario(rejected(486), media_port=4000), port)
    call_id = (await incoming(backend[0])).data.call_id
    await sdk(sip_server).realtime.calls.reject(call_id, status_code=486)
    assert await declined.wait() == 0, declined.errors()

    g729 = place_call(tmp_path / "g729", scenario(rejected(488), media_port=4000, codecs=G729_ONLY), port)
    assert await g729.wait() == 0, g729.errors()
    over_tcp = place_call(
        tmp_path / "tcp", scenario(rejected(488), media_port=4000, codecs=G729_ONLY), port, transport="t1"
    )
    assert await over_tcp.wait() == 0, over_tcp.errors()
    assert "TCP message sent" in over_tcp.messages()
    stranger = place_call(
        tmp_path / "stranger", scenario(rejected(403), media_port=4000), port, local_ip="127.0.0.2"
    )
    assert await stranger.wait() == 0, stranger.errors()
    assert backend[0].events.empty(), "a call we cannot answer is not announced"


async def test_rtp_timeout_hangs_up(
    sip_server: LiveServer, backend: tuple[Backend, int], tmp_path: Path
) -> None:
    sipp = place_call(
        tmp_path / "sipp", scenario(answered(WAIT_FOR_BYE), media_port=4000), int(sip_server.env["sip_port"])
    )
    call_id = (await incoming(backend[0])).data.call_id
    await sdk(sip_server).realtime.calls.accept(call_id, type="realtime")
    assert await sipp.wait(timeout=RTP_TIMEOUT_S + 30) == 0, sipp.errors()


async def test_accept_is_idempotent(
    sip_server: LiveServer, backend: tuple[Backend, int], tmp_path: Path
) -> None:
    """Accepts that race (two workers handling one webhook) or retry answer the call once."""
    sipp = place_call(
        tmp_path / "sipp", scenario(answered(WAIT_FOR_BYE), media_port=4000), int(sip_server.env["sip_port"])
    )
    try:
        call_id = (await incoming(backend[0])).data.call_id
        opened = scrape(sip_server).get("realtalk_sessions_total{transport=sip}", 0)
        client = sdk(sip_server)
        await asyncio.gather(*(client.realtime.calls.accept(call_id, type="realtime") for _ in range(3)))
        assert scrape(sip_server)["realtalk_sessions_total{transport=sip}"] == opened + 1, "one session"
        await client.realtime.calls.accept(call_id, type="realtime")  # a retry once it is answered
        assert scrape(sip_server)["realtalk_sessions_total{transport=sip}"] == opened + 1
        await client.realtime.calls.hangup(call_id)
        assert await sipp.wait() == 0, sipp.errors()
    finally:
        if sipp.process.poll() is None:
            sipp.process.kill()


async def test_a_call_accepted_by_a_failing_webhook_handler_stays_answered(
    sip_server: LiveServer, backend: tuple[Backend, int], tmp_path: Path
) -> None:
    """The backend accepts from its webhook handler, which then fails: the call was answered all
    the same, and is neither rejected nor forgotten."""
    sipp = place_call(
        tmp_path / "sipp", scenario(answered(WAIT_FOR_BYE), media_port=4000), int(sip_server.env["sip_port"])
    )
    client = sdk(sip_server)
    backend[0].accept_then_fail = client
    try:
        call_id = (await incoming(backend[0])).data.call_id
        await asyncio.wait_for(backend[0].failed.wait(), 30)
        await asyncio.sleep(0.5)  # the 500 reaches the server
        await client.realtime.calls.accept(call_id, type="realtime")  # still known: a retry is answered
        await client.realtime.calls.hangup(call_id)
        assert await sipp.wait() == 0, sipp.errors()
        assert "Service Unavailable" not in sipp.messages(), "an answered call is not rejected"
    finally:
        backend[0].accept_then_fail = None
        if sipp.process.poll() is None:
            sipp.process.kill()


async def test_bad_input(sip_server: LiveServer) -> None:
    client = sdk(sip_server)
    for call in (
        client.realtime.calls.accept("rtc_nope", type="realtime"),
        client.realtime.calls.reject("rtc_nope"),
        client.realtime.calls.refer("rtc_nope", target_uri="sip:a@b"),
        client.realtime.calls.hangup("rtc_nope"),
    ):
        with pytest.raises(openai.NotFoundError):
            await call
    # Malformed SIP is dropped or answered 400; the server keeps answering OPTIONS.
    port = int(sip_server.env["sip_port"])
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.settimeout(5)
        sock.bind(("127.0.0.1", 0))
        local = sock.getsockname()[1]
        for junk in (
            b"\x00\xff" * 300,
            b"INVITE nonsense\r\n\r\n",
            b"SIP/2.0 banana\r\n\r\n",
            secrets.token_bytes(1400),
        ):
            sock.sendto(junk, ("127.0.0.1", port))
        options = (
            f"OPTIONS sip:agent@127.0.0.1:{port} SIP/2.0\r\n"
            f"Via: SIP/2.0/UDP 127.0.0.1:{local};branch=z9hG4bK{secrets.token_hex(6)}\r\n"
            "From: <sip:probe@127.0.0.1>;tag=1\r\nTo: <sip:agent@127.0.0.1>\r\n"
            f"Call-ID: {secrets.token_hex(8)}\r\nCSeq: 1 OPTIONS\r\n"
            "Max-Forwards: 70\r\nContent-Length: 0\r\n\r\n"
        )
        sock.sendto(options.encode(), ("127.0.0.1", port))
        reply = ""
        while "OPTIONS" not in reply.partition("CSeq:")[2][:20]:
            reply = sock.recv(4096).decode()
    assert reply.startswith("SIP/2.0 200"), reply
    assert "INVITE" in reply and "BYE" in reply  # Allow
