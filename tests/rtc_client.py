"""A WebRTC Realtime client for tests and benchmarks: a real aiortc peer, as a browser would be.

It sends a microphone track fed from PCM you give it (silence otherwise), opens the `oai-events`
data channel, gets its SDP answer from `POST /v1/realtime/calls` through the official `openai`
SDK, validates every server event strictly, and measures the agent's audio as it arrives.
"""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from aiortc import RTCConfiguration, RTCPeerConnection, RTCSessionDescription
from aiortc.mediastreams import MediaStreamError, MediaStreamTrack
from av import AudioFrame
from openai import AsyncOpenAI

from realtalk.transports.webrtc import FRAME_SAMPLES as FRAME
from realtalk.transports.webrtc import RATE, PacedAudioTrack, shorten_jitter_buffer

from .live_server import LiveServer
from .realtime_client import EventReader
from .realtime_schema import validate_server_event

SOUND_RMS = 300
"""A received 20 ms frame louder than this (PCM16 RMS) carries the agent's voice, not silence."""


class MicTrack(PacedAudioTrack):
    """A microphone that plays queued 24 kHz PCM16 in real time, and silence in between."""

    def __init__(self) -> None:
        super().__init__()
        self._pending = np.zeros(0, dtype=np.int16)
        self.spoken = asyncio.Event()
        self.said_at: float | None = None
        """monotonic time the first sample of the latest `say` went out."""
        self._sent = 0
        self._mark: int | None = None

    def say(self, pcm24k: bytes) -> None:
        """Queue speech behind anything still queued."""
        self.spoken.clear()
        self._mark = self._sent + len(self._pending)
        self._pending = np.concatenate([self._pending, np.frombuffer(pcm24k, dtype=np.int16)])

    @property
    def speaking(self) -> bool:
        return len(self._pending) > 0

    def next_samples(self) -> np.ndarray[Any, np.dtype[np.int16]]:
        samples = np.zeros(FRAME, dtype=np.int16)
        take = min(FRAME, len(self._pending))
        samples[:take] = self._pending[:take]
        if self._mark is not None and self._mark < self._sent + FRAME:
            self.said_at = time.monotonic() + (self._mark - self._sent) / RATE
            self._mark = None
        self._sent += take
        self._pending = self._pending[take:]
        if take and not len(self._pending):
            self.spoken.set()
        return samples


@dataclass
class HeardAudio:
    """What came in on the agent's track."""

    frames: int = 0
    loud_frames: int = 0
    loud_at: list[float] = field(default_factory=list)
    """monotonic times of loud frames."""


class RtcClient(EventReader):
    """One WebRTC call. Use `await connect(...)`, then `say`, `send`, `until`; `close` at the end."""

    def __init__(
        self, *, audio: bool = True, data_channel: bool = True, beta: bool = False, jitter_packets: int = 4
    ) -> None:
        """`jitter_packets`: how much of the agent's audio the peer buffers before playing it (aiortc's
        fixed 4, or fewer, as a browser's adaptive buffer holds on a quiet network)."""
        self.beta = beta
        self._jitter_packets = jitter_packets
        self.pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
        self.mic = MicTrack() if audio else None
        self.heard = HeardAudio()
        self.events: list[dict[str, Any]] = []
        self._inbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self._tasks: list[asyncio.Task[None]] = []
        self._sound = asyncio.Event()
        self.channel = self.pc.createDataChannel("oai-events") if data_channel else None
        self.opened = asyncio.Event()
        self.call_id = ""
        self.conversation_id = ""
        if self.channel is not None:
            self.channel.on("message", self._on_message)
            self.channel.on("open", self.opened.set)
        if self.mic is not None:
            self.pc.addTrack(self.mic)
        self.pc.on("track", self._on_track)

    async def connect(
        self, server: LiveServer, api_key: str, *, session: dict[str, Any] | None = None, **query: str
    ) -> None:
        """Offer, get the answer via the SDK's `realtime.calls.create`, and wait for the channel."""
        await self.pc.setLocalDescription(await self.pc.createOffer())
        if self._jitter_packets != 4:
            for transceiver in self.pc.getTransceivers():
                if transceiver.kind == "audio":
                    shorten_jitter_buffer(transceiver.receiver, self._jitter_packets)
        client = AsyncOpenAI(base_url=server.base_url, api_key=api_key)
        kwargs: dict[str, Any] = {"sdp": self.pc.localDescription.sdp}
        if session is not None:
            kwargs["session"] = session
        answer = await client.realtime.calls.create(**kwargs, extra_query=query or None)
        self.call_id = answer.response.headers["location"].rsplit("/", 1)[-1]
        self.conversation_id = answer.response.headers["x-realtalk-conversation-id"]
        await self.pc.setRemoteDescription(RTCSessionDescription(sdp=answer.text, type="answer"))
        if self.channel is not None:
            await asyncio.wait_for(self.opened.wait(), 20)

    def _on_message(self, message: str | bytes) -> None:
        event = json.loads(message)
        if not event["type"].startswith("realtalk."):
            validate_server_event(event, beta=self.beta)
        self.events.append(event)
        self._inbox.put_nowait(event)

    def _on_track(self, track: MediaStreamTrack) -> None:
        self._tasks.append(asyncio.ensure_future(self._listen(track)))

    async def _listen(self, track: MediaStreamTrack) -> None:
        while True:
            try:
                frame = await track.recv()
            except MediaStreamError:
                return
            assert isinstance(frame, AudioFrame)
            samples = frame.to_ndarray().astype(np.float32)
            self.heard.frames += 1
            if float(np.sqrt(np.mean(samples**2))) > SOUND_RMS:
                self.heard.loud_frames += 1
                self.heard.loud_at.append(time.monotonic())
                self._sound.set()

    async def first_sound_after(self, moment: float, timeout: float = 30.0) -> float:
        """When the agent's voice was first heard after `moment` (monotonic)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not (later := [t for t in self.heard.loud_at if t > moment]):
            self._sound.clear()
            await asyncio.wait_for(self._sound.wait(), max(0.01, deadline - loop.time()))
        return later[0]

    async def send(self, event: dict[str, Any]) -> None:
        assert self.channel is not None
        self.channel.send(json.dumps(event))

    async def next(self, timeout: float = 30.0) -> dict[str, Any]:
        return await asyncio.wait_for(self._inbox.get(), timeout)

    def say(self, pcm24k: bytes) -> None:
        assert self.mic is not None
        self.mic.say(pcm24k)

    async def close(self) -> None:
        for task in self._tasks:
            task.cancel()
        await self.pc.close()
