"""A Twilio Media Streams peer, written from Twilio's documentation, for tests and benchmarks.

It does what Twilio does for a call to a number whose voice webhook is RealTalk: POSTs the signed
webhook (form fields, `X-Twilio-Signature` over URL + sorted fields), reads the TwiML
`<Connect><Stream>`, opens the stream WebSocket and sends `connected`, `start` (with the TwiML's
`<Parameter>`s as `customParameters`), the caller's audio as 20 ms μ-law `media` messages at real
time, `dtmf` and `stop`. Audio it receives is "played" at real time; a `mark` is echoed once the
audio sent before it has played, and `clear` drops unplayed audio and echoes the pending marks at
once, as Twilio does.
"""

from __future__ import annotations

import asyncio
import base64
import json
import secrets
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from typing import Any

import httpx
import numpy as np
import soxr
from twilio.request_validator import RequestValidator
from websockets.asyncio.client import ClientConnection, connect

from realtalk.audio import g711

AUTH_TOKEN = "twilio-test-auth-token-0123456789"
ACCOUNT_SID = "AC" + "0" * 32
FRAME_BYTES = 160
"""20 ms of 8 kHz μ-law, what Twilio sends per media message."""


def ulaw_8k(samples16k: Any) -> bytes:
    """16 kHz float speech as a phone line carries it: 8 kHz μ-law."""
    resampled = soxr.resample(np.asarray(samples16k, dtype=np.float32), 16000, 8000)
    return g711.ulaw_encode((np.clip(resampled, -1, 1) * 32767).astype(np.int16))


def ulaw_silence(ms: int) -> bytes:
    return g711.ulaw_encode(np.zeros(8 * ms, dtype=np.int16))


def sign(url: str, params: dict[str, str], token: str = AUTH_TOKEN) -> str:
    return str(RequestValidator(token).compute_signature(url, params))


@dataclass
class Twiml:
    stream_url: str
    parameters: dict[str, str]


def parse_connect_stream(xml: str) -> Twiml:
    root = ET.fromstring(xml)
    stream = root.find("./Connect/Stream")
    assert root.tag == "Response" and stream is not None, xml
    parameters = {p.attrib["name"]: p.attrib["value"] for p in stream.findall("Parameter")}
    return Twiml(stream.attrib["url"], parameters)


async def voice_webhook(
    http_url: str, *, caller: str = "+15551230000", query: str = "", token: str = AUTH_TOKEN
) -> tuple[httpx.Response, dict[str, str]]:
    """POST the incoming-call webhook as Twilio does; returns the response and the form fields."""
    url = f"{http_url}/v1/realtalk/twilio/voice{query}"
    params = {
        "AccountSid": ACCOUNT_SID,
        "CallSid": "CA" + secrets.token_hex(16),
        "From": caller,
        "To": "+15559870000",
        "CallStatus": "ringing",
        "Direction": "inbound",
        "ApiVersion": "2010-04-01",
    }
    async with httpx.AsyncClient() as http:
        response = await http.post(url, data=params, headers={"X-Twilio-Signature": sign(url, params, token)})
    return response, params


@dataclass
class TwilioPeer:
    """One call's stream, from Twilio's side."""

    ws: ClientConnection
    stream_sid: str
    call_sid: str
    received: bytearray = field(default_factory=bytearray)
    """Every μ-law byte the server sent, in order (cleared audio included)."""
    played: bytearray = field(default_factory=bytearray)
    """What the caller heard: audio that played before any `clear`."""
    marks_echoed: list[str] = field(default_factory=list)
    clears: list[float] = field(default_factory=list)
    played_at_clear: list[int] = field(default_factory=list)
    """len(played) when each `clear` arrived."""
    arrivals: list[tuple[float, int]] = field(default_factory=list)
    """(arrival time, offset in `received`) of each media message."""
    messages: list[dict[str, Any]] = field(default_factory=list)
    _queue: list[tuple[bytes | str, float]] = field(default_factory=list)
    """Audio chunks and mark names waiting to play, with when each finishes playing."""
    _play_end: float = 0.0
    _sequence: int = 0
    _chunk: int = 0
    _started_at: float = 0.0
    _tasks: list[asyncio.Task[None]] = field(default_factory=list)

    @classmethod
    async def open(cls, twiml: Twiml, call_sid: str, token: str = AUTH_TOKEN) -> TwilioPeer:
        ws = await connect(
            twiml.stream_url, additional_headers={"X-Twilio-Signature": sign(twiml.stream_url, {}, token)}
        )
        peer = cls(ws, "MZ" + secrets.token_hex(16), call_sid)
        peer._started_at = time.monotonic()
        await ws.send(json.dumps({"event": "connected", "protocol": "Call", "version": "1.0.0"}))
        await peer._send(
            "start",
            {
                "accountSid": ACCOUNT_SID,
                "streamSid": peer.stream_sid,
                "callSid": call_sid,
                "tracks": ["inbound"],
                "mediaFormat": {"encoding": "audio/x-mulaw", "sampleRate": 8000, "channels": 1},
                "customParameters": twiml.parameters,
            },
        )
        peer._tasks = [asyncio.create_task(peer._read()), asyncio.create_task(peer._playout())]
        return peer

    async def _send(self, event: str, body: dict[str, Any] | None = None) -> None:
        self._sequence += 1
        message: dict[str, Any] = {"event": event, "sequenceNumber": str(self._sequence)}
        if body is not None:
            message[event] = body
        message["streamSid"] = self.stream_sid
        await self.ws.send(json.dumps(message))

    async def say(self, ulaw: bytes, *, realtime: bool = True) -> None:
        """Stream the caller's audio, 20 ms a message: at real time, or (`realtime=False`, a
        misbehaving peer) as fast as the connection takes it."""
        start = time.monotonic()
        for n, offset in enumerate(range(0, len(ulaw), FRAME_BYTES)):
            self._chunk += 1
            media = {
                "track": "inbound",
                "chunk": str(self._chunk),
                "timestamp": str(int((time.monotonic() - self._started_at) * 1000)),
                "payload": base64.b64encode(ulaw[offset : offset + FRAME_BYTES]).decode(),
            }
            await self._send("media", media)
            if realtime:
                await asyncio.sleep(max(0.0, start + (n + 1) * 0.02 - time.monotonic()))

    async def press(self, digit: str) -> None:
        await self._send("dtmf", {"track": "inbound_track", "digit": digit})

    async def send_raw(self, text: str | bytes) -> None:
        await self.ws.send(text)

    async def stop(self) -> None:
        await self._send("stop", {"accountSid": ACCOUNT_SID, "callSid": self.call_sid})

    async def close(self) -> None:
        for task in self._tasks:
            task.cancel()
        await self.ws.close()

    async def _read(self) -> None:
        async for raw in self.ws:
            message = json.loads(raw)
            self.messages.append(message)
            assert message["streamSid"] == self.stream_sid, message
            event = message["event"]
            now = time.monotonic()
            if event == "media":
                audio = base64.b64decode(message["media"]["payload"])
                self.arrivals.append((now, len(self.received)))
                self.received += audio
                self._play_end = max(self._play_end, now) + len(audio) / 8000
                self._queue.append((audio, self._play_end))
            elif event == "mark":
                self._queue.append((message["mark"]["name"], max(self._play_end, now)))
            elif event == "clear":
                self.clears.append(now)
                self.played_at_clear.append(len(self.played))
                pending = [item for item, _ in self._queue if isinstance(item, str)]
                self._queue.clear()
                self._play_end = now
                for name in pending:
                    await self._echo_mark(name)
            else:
                raise AssertionError(f"Twilio does not accept {event!r} messages")

    async def _playout(self) -> None:
        while True:
            now = time.monotonic()
            while self._queue and self._queue[0][1] <= now:
                item, _ = self._queue.pop(0)
                if isinstance(item, str):
                    await self._echo_mark(item)
                else:
                    self.played += item
            await asyncio.sleep(0.01)

    async def _echo_mark(self, name: str) -> None:
        self.marks_echoed.append(name)
        await self._send("mark", {"name": name})

    async def wait_for(self, predicate: Any, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while not predicate():
            if time.monotonic() > deadline:
                raise TimeoutError("condition not met")
            await asyncio.sleep(0.02)


def ulaw_to_16k(ulaw: bytes) -> np.ndarray[Any, np.dtype[np.float32]]:
    pcm = g711.ulaw_decode(ulaw).astype(np.float32) / 32768.0
    return np.asarray(soxr.resample(pcm, 8000, 16000), dtype=np.float32)


def is_loud(ulaw: bytes, level: int = 1000) -> bool:
    """Whether μ-law audio holds sound rather than (near) silence."""
    return bool(ulaw) and int(np.abs(g711.ulaw_decode(ulaw).astype(np.int32)).max()) >= level
