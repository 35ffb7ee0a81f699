"""A session with server-side playout driven as a transport drives it, for tests and benches.

20 ms of microphone audio in, one 20 ms frame of the agent's voice out of a real `PlayoutQueue`:
what the caller heard is the frames that came out.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from realtalk.audio.formats import PCM16_24K
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


def voice(seconds: float) -> bytes:
    """The agent's "voice": a loud tone whose samples never repeat, so a frame tells its place."""
    t = np.arange(int(24_000 * seconds))
    wave = 8000 * np.sin(2 * np.pi * 220 * t / 24_000) + (t % 997)
    return wave.astype(np.int16).tobytes()


class Line:
    """A session with server-side playout, and the transport's side of it: a `PlayoutQueue`."""

    def __init__(self, vad: VadStream, detection: dict[str, Any] | None = None) -> None:
        self.session = RealtimeSession(model="m", vad=vad, server_playout=True)
        self.runtime = self  # what the queue reports to, as `Call.runtime`
        self.queue = PlayoutQueue(self, PCM16_24K, 20)  # type: ignore[arg-type]
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
        self.voice = voice(seconds)
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
        """The caller's microphone, 20 ms at a time, while the agent's track plays 20 ms."""
        for start in range(0, len(pcm), FRAME_BYTES):
            self.submit(self.session.feed_audio(pcm[start : start + FRAME_BYTES]))
            self.out.append(self.queue.next_frame())

    def voiced(self) -> list[bool]:
        return [any(frame) for frame in self.out]

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
