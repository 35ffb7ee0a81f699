"""Server-side playout: reply audio queued by the session, sent in fixed frames at real time.

Transports that carry media themselves (WebRTC's Opus track, a SIP call's RTP) pull one frame
every `frame_ms` from a `PlayoutQueue`; between replies the frame is silence. The queue reports
back to the session what the caller heard: `playout_started` when a reply's first audio goes out,
`playout_drained` when it runs dry, and on `clear` (barge-in) `playout_cleared` with how much of
the cut reply was played. `pause` holds the queue (silence goes out) until `resume` or `clear`.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import Any

from ..audio.formats import AudioFormat
from ..server.calls import Call

_SILENCE: dict[str, bytes] = {"audio/pcm": b"\x00", "audio/pcmu": b"\xff", "audio/pcma": b"\xd5"}
"""One sample's worth of silence per format (G.711 encodes zero as 0xFF / 0xD5)."""


@dataclass
class _Chunk:
    response_id: str
    item_id: str
    audio: bytes
    offset: int = 0


class PlayoutQueue:
    """Implements `session.runtime.AudioPlayer` for a transport that pulls frames with `next_frame`."""

    def __init__(self, call: Call, fmt: AudioFormat, frame_ms: int = 20) -> None:
        self._call = call
        self._bytes_per_ms = fmt.rate * fmt.bytes_per_sample / 1000
        self.frame_bytes = int(self._bytes_per_ms * frame_ms)
        self._silence = _SILENCE[fmt.type] * self.frame_bytes
        self._queue: deque[_Chunk] = deque()
        self._played_chunks: dict[str, int] = {}
        self._played_bytes: dict[str, int] = {}
        self._paused = False

    def pause(self) -> None:
        """Send silence and keep the queue: a backchannel is being judged."""
        self._paused = True

    def resume(self) -> None:
        self._paused = False

    def play(self, response_id: str, item_id: str, audio: bytes) -> None:
        self._queue.append(_Chunk(response_id, item_id, audio))

    def clear(self) -> None:
        # Report each reply that was cut, with how much of it the caller heard.
        cut: dict[str, str] = {}
        for chunk in self._queue:
            cut.setdefault(chunk.response_id, chunk.item_id)
        self._queue.clear()
        self._paused = False
        for response_id, item_id in cut.items():
            heard_ms = self._played_bytes.get(item_id, 0) / self._bytes_per_ms
            self._report(self._call.session.playout_cleared(response_id, item_id, heard_ms))

    def next_frame(self) -> bytes:
        """The next `frame_bytes` to send: queued audio, padded with silence."""
        if not self._queue or self._paused:
            return self._silence
        out = bytearray()
        while len(out) < self.frame_bytes and self._queue:
            chunk = self._queue[0]
            if chunk.offset == 0 and chunk.response_id not in self._played_chunks:
                self._played_chunks[chunk.response_id] = 0
                self._report(self._call.session.playout_started(chunk.response_id))
            take = chunk.audio[chunk.offset : chunk.offset + self.frame_bytes - len(out)]
            out += take
            chunk.offset += len(take)
            self._played_bytes[chunk.item_id] = self._played_bytes.get(chunk.item_id, 0) + len(take)
            if chunk.offset >= len(chunk.audio):
                self._queue.popleft()
                self._played_chunks[chunk.response_id] += 1
                if not self._queue:
                    played = self._played_chunks[chunk.response_id]
                    self._report(self._call.session.playout_drained(chunk.response_id, played))
        return bytes(out) + self._silence[len(out) :]

    def _report(self, effects: list[Any]) -> None:
        self._call.runtime.submit(effects)
