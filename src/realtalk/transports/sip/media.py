"""A SIP call's media: RTP in and out (aiortp), G.711 both ways, RFC 4733 key presses.

Caller audio leaves aiortp's jitter buffer as 8 kHz PCM, is encoded back to the call's G.711 law
(exact: G.711 decode then encode returns the same bytes) and goes to the session, which runs in
that format. The agent's voice comes out of a `PlayoutQueue` in 20 ms frames, one RTP packet
each, paced at real time with silence between replies, as a phone expects.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from typing import Any

import numpy as np
from aiosipua.rtp_bridge import CallSession
from aiosipua.sdp import SdpMessage

from ...audio import g711
from ...audio.formats import G711_ALAW, G711_ULAW, AudioFormat
from ...server.calls import Call
from ..playout import PlayoutQueue

log = logging.getLogger(__name__)
# aiortp warns once per packet it cannot parse: a peer sending junk would flood the log with it.
logging.getLogger("aiortp.session").setLevel(logging.ERROR)

PAYLOAD_FORMATS: dict[int, AudioFormat] = {0: G711_ULAW, 8: G711_ALAW}
"""RTP static payload types (RFC 3551) we speak, in order of preference."""
FRAME_MS = 20
JITTER_PACKETS = 2
"""Caller packets held for reordering (aiortp holds 4): as on WebRTC, each one is latency."""
MAX_INPUT_RATE = 2.0
"""Caller audio accepted per second of wall time, in seconds: more is a flood, and is dropped
before it reaches the VAD (a real phone sends 1.0; bursts after network stalls stay under 2)."""


class SipMedia:
    """The RTP session of one answered call, driving its hosted `Call`."""

    def __init__(
        self,
        call: Call,
        offer: SdpMessage,
        *,
        bind_ip: str,
        advertised_ip: str,
        rtp_port: int,
        rtp_timeout_s: float,
        on_timeout: Callable[[], Any],
    ) -> None:
        self.call = call
        self.rtp_port = rtp_port
        self.rtp = CallSession(
            bind_ip,
            rtp_port,
            offer,
            advertised_ip=advertised_ip if advertised_ip != bind_ip else None,
            supported_codecs=list(PAYLOAD_FORMATS),
            jitter_prefetch=JITTER_PACKETS,
        )
        self.format = PAYLOAD_FORMATS[self.rtp.chosen_payload_type]
        self.player = PlayoutQueue(call, self.format, FRAME_MS)
        self._encode = g711.ulaw_encode if self.format == G711_ULAW else g711.alaw_encode
        self._rtp_timeout_s = rtp_timeout_s
        self._on_timeout = on_timeout
        self._last_packet = time.monotonic()
        self._tokens = float(self.format.rate)  # samples; refilled at MAX_INPUT_RATE, at most 1 s
        self._refilled = time.monotonic()
        self._dropped = 0
        self._tasks: list[asyncio.Task[None]] = []

    async def start(self) -> None:
        """Bind the RTP socket (raises OSError if the port is taken) and start sending."""
        await self.rtp.start()
        self.rtp.on_audio = self._caller_audio
        self.rtp.on_dtmf = self._key_pressed
        self.call.runtime.player = self.player
        self._last_packet = time.monotonic()
        self._tasks = [asyncio.create_task(self._send()), asyncio.create_task(self._watch())]

    async def close(self) -> None:
        current = asyncio.current_task()
        tasks = [task for task in self._tasks if task is not current]
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await self.rtp.close()

    def _caller_audio(self, pcm: bytes, _timestamp: int) -> None:
        self._last_packet = now = time.monotonic()
        samples = np.frombuffer(pcm, dtype=np.int16)
        # A flood (or a peer replaying faster than real time) is cut to MAX_INPUT_RATE.
        rate = self.format.rate
        self._tokens = min(float(rate), self._tokens + (now - self._refilled) * rate * MAX_INPUT_RATE)
        self._refilled = now
        if len(samples) > self._tokens:
            self._dropped += 1
            if self._dropped in (1, 100, 10_000):
                log.warning(
                    "call %s: RTP faster than real time, dropped %d packets", self.call.id, self._dropped
                )
            return
        self._tokens -= len(samples)
        self.call.runtime.submit(self.call.session.feed_audio(self._encode(samples)))

    def _key_pressed(self, digit: str, _duration: int) -> None:
        self._last_packet = time.monotonic()
        # Nobody watching (no sideband backend): the agent answers the key press itself.
        answer = not self.call.listeners
        self.call.runtime.submit(self.call.session.dtmf_received(digit, int(time.time()), answer=answer))

    async def _send(self) -> None:
        session = self.rtp.rtp_session
        start = time.monotonic()
        frames = 0
        while True:
            session.send_audio_auto(self.player.next_frame())
            frames += 1
            await asyncio.sleep(max(0.0, start + frames * FRAME_MS / 1000 - time.monotonic()))

    async def _watch(self) -> None:
        while True:
            await asyncio.sleep(min(1.0, self._rtp_timeout_s / 4))
            silent_for = time.monotonic() - self._last_packet
            if silent_for >= self._rtp_timeout_s:
                log.info("call %s: no RTP for %.0f s, hanging up", self.call.id, silent_for)
                self._on_timeout()
                return
