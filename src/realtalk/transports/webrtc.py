"""The Realtime API over WebRTC (`POST /v1/realtime/calls`), with aiortc.

The caller's SDP offer gets an answer; then Opus audio flows both ways and the `oai-events` data
channel carries the same JSON client and server events as the WebSocket. The server plays the
reply audio itself (`PlayoutTrack`), so it knows what the caller has heard: barge-in truncates the
assistant item there, and `output_audio_buffer.started|stopped|cleared` report playback.
"""

from __future__ import annotations

import asyncio
import contextlib
import fractions
import json
import logging
import time
from collections.abc import Callable
from typing import Any

import numpy as np
from aiortc import RTCDataChannel, RTCPeerConnection, RTCSessionDescription
from aiortc.jitterbuffer import JitterBuffer
from aiortc.mediastreams import MediaStreamError, MediaStreamTrack
from av import AudioFrame, AudioResampler

from ..audio.formats import PCM16_24K
from ..protocol.errors import ProtocolError
from ..server.calls import Call, Listener
from .playout import PlayoutQueue
from .rtc_network import advertise, ice_configuration

log = logging.getLogger(__name__)

DATA_CHANNEL = "oai-events"
RATE = 24_000
"""The session's reply audio rate; aiortc's Opus encoder resamples to 48 kHz itself."""
FRAME_MS = 20
FRAME_SAMPLES = RATE * FRAME_MS // 1000
CONNECT_TIMEOUT_S = 30.0
"""A call whose ICE/DTLS has not connected by then is ended."""
DISCONNECT_GRACE_S = 5.0
"""How long a 'disconnected' peer may take to come back (ICE restarts, brief network loss)."""
MAX_INBOX = 1024
"""Client events from the data channel waiting for the session."""
JITTER_PACKETS = 1
"""Caller audio held back for reordering, in 20 ms packets, beyond the one packet aiortc's buffer
always waits for (a frame is complete when the next one arrives). aiortc holds 4 (80 ms); every
packet held is latency added to turn ends and barge-in. A packet that comes late still finds its
place: the buffer stops at the gap until it arrives (and is one packet deeper from then on), so
the prefetch only sets the starting depth."""


class SdpError(ValueError):
    """The offer could not be parsed or answered."""


class PacedAudioTrack(MediaStreamTrack):
    """An audio track that yields 20 ms frames of 24 kHz PCM16 at real time (`next_samples`)."""

    kind = "audio"

    def __init__(self) -> None:
        super().__init__()
        self._start: float | None = None
        self._pts = 0

    def next_samples(self) -> np.ndarray[Any, np.dtype[np.int16]]:
        """The next `FRAME_SAMPLES` samples to send."""
        raise NotImplementedError

    async def recv(self) -> AudioFrame:
        if self.readyState != "live":
            raise MediaStreamError
        if self._start is None:
            self._start = time.monotonic()
        else:
            self._pts += FRAME_SAMPLES
            await asyncio.sleep(max(0.0, self._start + self._pts / RATE - time.monotonic()))
        frame = AudioFrame.from_ndarray(self.next_samples().reshape(1, -1), format="s16", layout="mono")
        frame.sample_rate = RATE
        frame.pts = self._pts
        frame.time_base = fractions.Fraction(1, RATE)
        return frame


class PlayoutTrack(PacedAudioTrack):
    """The agent's voice: reply audio queued by the session, paced at real time, silence between.

    Implements `session.runtime.AudioPlayer`; the `PlayoutQueue` reports playback to the session.
    """

    def __init__(self, call: Call) -> None:
        super().__init__()
        self._queue = PlayoutQueue(call, PCM16_24K, FRAME_MS)

    def play(self, response_id: str, item_id: str, audio: bytes) -> None:
        self._queue.play(response_id, item_id, audio)

    def clear(self) -> None:
        self._queue.clear()

    def pause(self) -> None:
        self._queue.pause()

    def resume(self) -> None:
        self._queue.resume()

    def next_samples(self) -> np.ndarray[Any, np.dtype[np.int16]]:
        return np.frombuffer(self._queue.next_frame(), dtype=np.int16)


class _ChannelListener(Listener):
    """Sends server events on the data channel; holds them until the caller's channel opens.

    What waits — before the channel opens, or in SCTP's send buffer for a peer that stopped
    reading — is bounded by `limit_bytes`; past it, `on_overflow` ends the call.
    """

    def __init__(self, beta: bool, limit_bytes: int, on_overflow: Callable[[], None]) -> None:
        super().__init__(self._send, beta)
        self.channel: RTCDataChannel | None = None
        self._pending: list[str] = []
        self._pending_bytes = 0
        self._limit = limit_bytes
        self._on_overflow = on_overflow
        self._overflowed = False

    async def _send(self, event: dict[str, Any]) -> None:
        if self._overflowed:
            return
        text = json.dumps(event, separators=(",", ":"))
        channel = self.channel
        waiting = channel.bufferedAmount if channel is not None else self._pending_bytes
        if waiting + len(text) > self._limit:
            self._overflowed = True
            self._pending.clear()
            log.warning("ending a WebRTC call: %d bytes unsent (the peer is not reading)", waiting)
            self._on_overflow()
        elif channel is None:
            self._pending.append(text)
            self._pending_bytes += len(text)
        elif channel.readyState == "open":
            channel.send(text)
        # else the peer closed its channel: nobody will read this, so it is not kept

    def attach(self, channel: RTCDataChannel) -> None:
        self.channel = channel
        for text in self._pending:
            channel.send(text)
        self._pending.clear()
        self._pending_bytes = 0


class RtcCall:
    """One WebRTC peer connection driving one hosted `Call`.

    `beta`: the data channel speaks the beta dialect (OpenAI's beta `POST /v1/realtime` calls).
    """

    def __init__(self, call: Call, *, beta: bool = False) -> None:
        self.call = call
        # No ICE servers by default: the answer carries host candidates (see `rtc_network`).
        self.pc = RTCPeerConnection(ice_configuration(call.state.settings.rtc_ice_servers))
        self.player = PlayoutTrack(call)
        self.events = _ChannelListener(beta, call.state.settings.send_buffer_bytes, self._overflowed)
        self._tasks: set[asyncio.Task[None]] = set()
        self._inbox: asyncio.Queue[str] = asyncio.Queue(MAX_INBOX)
        self._dropping = False
        self._disconnected_at: float | None = None
        call.runtime.player = self.player
        call.listeners.append(self.events)
        call.on_end.append(self._close)

    async def answer(self, offer_sdp: str) -> str:
        """Apply the caller's offer and return the SDP answer (host candidates included)."""
        self.pc.on("track", self._on_track)
        self.pc.on("datachannel", self._on_datachannel)
        self.pc.on("connectionstatechange", self._on_connection_state)
        try:
            await self.pc.setRemoteDescription(RTCSessionDescription(sdp=offer_sdp, type="offer"))
        except Exception as exc:
            raise SdpError(f"Could not parse the SDP offer: {exc}") from exc
        for transceiver in self.pc.getTransceivers():
            if transceiver.kind == "audio":
                shorten_jitter_buffer(transceiver.receiver)
                self.pc.addTrack(self.player)
                break
        try:
            await self.pc.setLocalDescription(await self.pc.createAnswer())
        except Exception as exc:
            raise SdpError(f"Could not answer the SDP offer: {exc}") from exc
        self._spawn(self._consume_inbox())
        self._spawn(self._watch_connect())
        return advertise(self.pc.localDescription.sdp, self.call.state.settings.rtc_advertise_address)

    def _spawn(self, coro: Any) -> None:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _on_track(self, track: MediaStreamTrack) -> None:
        if track.kind == "audio":
            self._spawn(self._read_microphone(track))

    async def _read_microphone(self, track: MediaStreamTrack) -> None:
        resampler = AudioResampler(format="s16", layout="mono", rate=RATE)
        session, runtime = self.call.session, self.call.runtime
        while True:
            try:
                frame = await track.recv()
            except MediaStreamError:
                return
            assert isinstance(frame, AudioFrame)  # an audio track yields audio frames
            for pcm in resampler.resample(frame):
                runtime.submit(session.feed_audio(pcm.to_ndarray().tobytes()))

    def _on_datachannel(self, channel: RTCDataChannel) -> None:
        if channel.label != DATA_CHANNEL:
            log.info("call %s: ignoring data channel %r", self.call.id, channel.label)
            return
        self.events.attach(channel)

        @channel.on("message")
        def on_message(message: str | bytes) -> None:
            if isinstance(message, str):
                if self._inbox.full():
                    # aiortc hands over every message (no flow control to push back on): drop,
                    # and say so once per overflow.
                    if not self._dropping:
                        self._dropping = True
                        self.call.error(
                            ProtocolError(
                                f"Too many client events waiting ({MAX_INBOX}); events are being dropped.",
                                code="too_many_pending_events",
                            )
                        )
                    return
                self._inbox.put_nowait(message)
            else:
                self.call.error(
                    ProtocolError(
                        "Binary messages are not supported; send JSON client events as text.",
                        code="invalid_frame",
                    )
                )

    async def _consume_inbox(self) -> None:
        # One consumer keeps client events in the order the caller sent them.
        while True:
            text = await self._inbox.get()
            if self._inbox.qsize() < MAX_INBOX // 2:
                self._dropping = False
            await self.call.handle_text(text, is_beta=self.events.beta)

    async def _on_connection_state(self) -> None:
        state = self.pc.connectionState
        log.info("call %s: connection %s", self.call.id, state)
        if state in ("failed", "closed"):
            await self.call.end()
        elif state == "disconnected":
            self._disconnected_at = time.monotonic()
            self._spawn(self._end_if_still_disconnected(self._disconnected_at))
        elif state == "connected":
            self._disconnected_at = None

    async def _end_if_still_disconnected(self, since: float) -> None:
        await asyncio.sleep(DISCONNECT_GRACE_S)
        if self._disconnected_at == since:
            log.info("call %s: peer gone for %.0f s, ending", self.call.id, DISCONNECT_GRACE_S)
            await self.call.end()

    async def _watch_connect(self) -> None:
        await asyncio.sleep(CONNECT_TIMEOUT_S)
        if self.pc.connectionState != "connected" and not self.call.ended.is_set():
            log.info("call %s: ICE/DTLS did not connect in %.0f s, ending", self.call.id, CONNECT_TIMEOUT_S)
            await self.call.end()

    def _overflowed(self) -> None:
        self.call.state.metrics.slow_clients.inc()
        self._spawn(self.call.end())

    async def _close(self) -> None:
        current = asyncio.current_task()
        for task in list(self._tasks):
            if task is not current:
                task.cancel()
        self.player.stop()
        with contextlib.suppress(Exception):
            await self.pc.close()


def shorten_jitter_buffer(receiver: Any, packets: int = JITTER_PACKETS) -> None:
    """Hold `packets` instead of aiortc's fixed 4 (it has no setting; see JITTER_PACKETS).

    Done before any packet arrives. If a later aiortc names its buffer differently, its default
    stays: slower, still correct.
    """
    attribute = "_RTCRtpReceiver__jitter_buffer"
    if isinstance(getattr(receiver, attribute, None), JitterBuffer):
        setattr(receiver, attribute, JitterBuffer(capacity=16, prefetch=packets))
    else:
        log.debug("aiortc's receiver has no jitter buffer to shorten; keeping its default")
