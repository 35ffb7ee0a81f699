"""Server-side playout: the paced queue (WebRTC, SIP) and Twilio's, and a pause that keeps its place."""

from __future__ import annotations

import base64
from typing import Any

from realtalk.audio.formats import PCM16_24K
from realtalk.session.effects import Effect
from realtalk.session.session import RealtimeSession
from realtalk.transports.playout import PlayoutQueue
from realtalk.transports.twilio import MARK_GRACE_S, TwilioPlayer
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


def test_a_paused_twilio_stream_is_cleared_and_resumes_with_what_it_had_not_played() -> None:
    call = _Call()
    sent: list[dict[str, Any]] = []
    player = TwilioPlayer(call, sent.append)  # type: ignore[arg-type]
    audio = bytes(range(256)) * 8  # 256 ms of μ-law
    player.play("resp_1", "item_1", audio[:1024])
    player.play("resp_1", "item_1", audio[1024:])
    player.pause()  # Twilio holds seconds of audio: a pause must take it back
    assert sent[-1] == {"event": "clear"}
    player.play("resp_1", "item_1", b"\x01" * 160)  # generated while paused: kept back too
    before = len(sent)
    player.resume()
    media = [base64.b64decode(m["media"]["payload"]) for m in sent[before:] if m["event"] == "media"]
    resent = b"".join(media[:2])
    assert 0 < len(resent) <= len(audio) and resent == audio[-len(resent) :], "the unplayed rest, in order"
    assert len(audio) - len(resent) < 80, "only the few ms Twilio played before the clear are gone"
    assert media[2] == b"\x01" * 160
    marks = [m["mark"]["name"] for m in sent[before:] if m["event"] == "mark"]
    for name in marks:
        player.marked(name)
    player.clear()
    cleared = [e for e in _events(call) if e["type"] == "output_audio_buffer.cleared"]
    assert cleared == [], "the marks of what was sent again were taken: nothing was left to cut"


def test_a_twilio_peer_that_never_returns_marks_does_not_keep_every_reply(monkeypatch: Any) -> None:
    call = _Call()
    player = TwilioPlayer(call, lambda message: None)  # type: ignore[arg-type]
    clock = [1000.0]
    monkeypatch.setattr("realtalk.transports.twilio.time.monotonic", lambda: clock[0])
    second = b"\x7f" * 8000
    for _ in range(120):  # two minutes of replies, sent as they play, and not one mark back
        player.play("resp_1", "item_1", second)
        clock[0] += 1.0
    kept = sum(len(sent.audio) for sent in player._pending)
    assert kept <= (MARK_GRACE_S + 2) * 8000, f"{kept} bytes kept for a peer that never acknowledges"
    assert player._heard_samples["item_1"] >= 100 * 8000, "what was taken as played counts as heard"
