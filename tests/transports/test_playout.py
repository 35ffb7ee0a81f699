"""The shared playout queue (WebRTC, SIP): paced frames, and a pause that keeps its place."""

from __future__ import annotations

from typing import Any

from realtalk.audio.formats import PCM16_24K
from realtalk.session.effects import Effect
from realtalk.session.session import RealtimeSession
from realtalk.transports.playout import PlayoutQueue
from tests.session.test_session_core import QuietVad


class _Call:
    """What a `PlayoutQueue` uses of a `Call`: its (real) session, and a runtime to report to."""

    def __init__(self) -> None:
        self.session = RealtimeSession(model="m", vad=QuietVad(), server_playout=True)
        self.runtime = self
        self.reported: list[Effect] = []

    def submit(self, effects: list[Effect]) -> None:
        self.reported += effects


def _events(call: _Call) -> list[dict[str, Any]]:
    return [e.event for e in call.reported if hasattr(e, "event")]


def test_pause_plays_silence_and_resume_goes_on_where_it_stopped() -> None:
    call = _Call()
    queue = PlayoutQueue(call, PCM16_24K, 20)  # type: ignore[arg-type]
    frame = queue.frame_bytes
    audio = bytes(range(1, 256)) * (3 * frame // 255 + 1)
    queue.play("resp_1", "item_1", audio[: 3 * frame])
    assert queue.next_frame() == audio[:frame]
    queue.pause()
    assert queue.next_frame() == b"\0" * frame, "silence while a backchannel is judged"
    queue.resume()
    assert queue.next_frame() == audio[frame : 2 * frame]
    queue.pause()
    queue.clear()  # an interruption: what was not played is dropped, and playout is live again
    cleared = [e for e in _events(call) if e["type"] == "output_audio_buffer.cleared"]
    assert len(cleared) == 1 and cleared[0]["response_id"] == "resp_1"
    queue.play("resp_2", "item_2", audio[:frame])
    assert queue.next_frame() == audio[:frame]
