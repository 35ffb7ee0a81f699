"""A session with server-side playout driven as a transport drives it, for tests and benches.

20 ms of microphone audio in, one 20 ms frame of the agent's voice out of a real `PlayoutQueue`:
what the caller heard is the frames that came out.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from realtalk.audio import g711
from realtalk.audio.formats import G711_ULAW, PCM16_24K, AudioFormat
from realtalk.engines.base import VadStream
from realtalk.session.effects import (
    ClearPlayout,
    Effect,
    Generate,
    PausePlayout,
    PlayAudio,
    ResumePlayout,
    Send,
)
from realtalk.session.session import RealtimeSession
from realtalk.transports.playout import PlayoutQueue

FRAME_BYTES = 960
"""20 ms of PCM16 at 24 kHz."""


def voice(seconds: float, fmt: AudioFormat = PCM16_24K) -> bytes:
    """The agent's "voice": a loud tone whose samples never repeat, so a frame tells its place."""
    t = np.arange(int(fmt.rate * seconds))
    wave = (8000 * np.sin(2 * np.pi * 220 * t / fmt.rate) + (t % 997)).astype(np.int16)
    return g711.ulaw_encode(wave) if fmt == G711_ULAW else wave.tobytes()


def encode(pcm16: bytes, fmt: AudioFormat) -> bytes:
    """PCM16 at `fmt`'s rate as `fmt` (what a phone line carries)."""
    return g711.ulaw_encode(np.frombuffer(pcm16, dtype=np.int16)) if fmt == G711_ULAW else pcm16


class Line:
    """A session with server-side playout, and the transport's side of it: a `PlayoutQueue`."""

    def __init__(
        self, vad: VadStream, detection: dict[str, Any] | None = None, fmt: AudioFormat = PCM16_24K
    ) -> None:
        """`fmt`: the media's format both ways (24 kHz PCM16 as on WebRTC, or a phone's μ-law)."""
        self.session = RealtimeSession(model="m", vad=vad, server_playout=True, playout_format=fmt)
        self.runtime = self  # what the queue reports to, as `Call.runtime`
        self.format = fmt
        self.queue = PlayoutQueue(self, fmt, 20)  # type: ignore[arg-type]
        self._silence = self.queue.next_frame()  # nothing queued yet
        self.events: list[dict[str, Any]] = []
        self.event_frames: list[int] = []
        """For each event, the 20 ms frame it was sent in (the count of frames out before it)."""
        self.effects: list[Effect] = []
        self.out: list[bytes] = []
        """The agent's audio, frame by frame, as the caller got it."""
        self.submit(self.session.start())
        if detection is not None:
            update = {"type": "realtime", "audio": {"input": {"turn_detection": detection}}}
            self.submit(self.session.handle_event({"type": "session.update", "session": update}))

    def reply(self, seconds: float) -> None:
        """Make the agent talk for `seconds`."""
        item = {"type": "message", "role": "user", "content": [{"type": "input_text", "text": "a story"}]}
        self.submit(self.session.handle_event({"type": "conversation.item.create", "item": item}))
        effects = self.session.handle_event({"type": "response.create"})
        self.response_id = next(e for e in effects if isinstance(e, Generate)).response_id
        self.submit(effects)
        self.voice = voice(seconds, self.format)
        self.submit(self.session.response_audio(self.response_id, self.voice, "Once upon a time. "))

    def submit(self, effects: list[Effect]) -> None:
        for effect in effects:
            self.effects.append(effect)
            if isinstance(effect, Send):
                self.events.append(effect.event)
                self.event_frames.append(len(self.out))
            elif isinstance(effect, PlayAudio):
                self.queue.play(effect.response_id, effect.item_id, effect.audio)
            elif isinstance(effect, ClearPlayout):
                self.queue.clear()
            elif isinstance(effect, PausePlayout):
                self.queue.pause()
            elif isinstance(effect, ResumePlayout):
                self.queue.resume()

    def talk(self, pcm: bytes) -> None:
        """The caller's microphone (in the media's format), 20 ms at a time, while the agent's track
        plays 20 ms."""
        step = self.queue.frame_bytes
        for start in range(0, len(pcm), step):
            self.submit(self.session.feed_audio(pcm[start : start + step]))
            self.out.append(self.queue.next_frame())

    def voiced(self) -> list[bool]:
        return [frame != self._silence for frame in self.out]

    def frame_of(self, kind: str, since: int = 0) -> int | None:
        """The frame in which the first event of `kind` was sent (from frame `since` on)."""
        return next(
            (
                f
                for e, f in zip(self.events, self.event_frames, strict=True)
                if e["type"] == kind and f >= since
            ),
            None,
        )

    def kinds(self) -> list[str]:
        return [e["type"] for e in self.events]
