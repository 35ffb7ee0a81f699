"""The hostile-client fuzzer against the sans-I/O session: many sequences, no sockets, no models.

For any stream of frames the session must stay usable, answer each refused event with exactly one
`error` naming its `event_id` (events that must be refused get exactly one), send only server
events the SDK's GA schema accepts, and still serve valid events afterwards.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from realtalk.engines.base import Transcription
from realtalk.protocol import beta
from realtalk.protocol.client_events import decode_json_event
from realtalk.protocol.errors import ProtocolError
from realtalk.session.effects import Generate, ReadImage, Send, Transcribe
from realtalk.session.session import RealtimeSession
from tests.hostile import Frame, frame_streams, fuzz_settings
from tests.realtime_schema import validate_server_event
from tests.session.test_session_core import QuietVad


class Client:
    """One session, driven like `Call.handle_text` drives it, with instant engines."""

    def __init__(self, *, is_beta: bool) -> None:
        self.is_beta = is_beta
        self.session = RealtimeSession(model="realtalk", vad=QuietVad())
        self.events: list[dict[str, Any]] = []
        self.run(self.session.start())

    def send(self, text: str) -> list[dict[str, Any]]:
        start = len(self.events)
        try:
            event = decode_json_event(text)
        except ProtocolError as exc:
            self.run(self.session.error(exc))
        else:
            if self.is_beta:
                event = beta.client_event_to_ga(event)
            self.run(self.session.handle_event(event))
        return self.events[start:]

    def run(self, effects: list[Any]) -> None:
        """Carry out effects as the runtime would, with engines that answer at once."""
        pending = list(effects)
        while pending:
            effect = pending.pop(0)
            if isinstance(effect, Send):
                validate_server_event(effect.event)
                self.events.append(effect.event)
            elif isinstance(effect, Transcribe):
                pending += self.session.transcription_completed(
                    effect.item_id, Transcription("hello"), speculative=effect.speculative, epoch=effect.epoch
                )
            elif isinstance(effect, ReadImage):
                pending += self.session.image_read(effect.item_id, effect.content_index, "")
            elif isinstance(effect, Generate):
                rid = effect.response_id
                if effect.audio is None:
                    pending += self.session.response_text(rid, "Sure.")
                else:
                    pending += self.session.response_audio(rid, b"\x00\x00" * 240, "Sure.")
                pending += self.session.response_completed(rid)


def errors_for(events: list[dict[str, Any]], event_id: str) -> int:
    return sum(1 for e in events if e["type"] == "error" and e["error"]["event_id"] == event_id)


def check_stream(client: Client, stream: list[Frame]) -> None:
    for frame in stream:
        out = client.send(frame.text)
        if frame.event_id is None:
            assert [e["type"] for e in out].count("error") == 1, (frame.text[:200], out)
            continue
        errors = errors_for(out, frame.event_id)
        assert errors <= 1, (frame.text[:300], out)
        if frame.invalid:
            assert errors == 1, ("an invalid event must be refused", frame.text[:300], out)
    # Whatever came before, valid events still work.
    tail = client.send(json.dumps({"type": "input_audio_buffer.clear", "event_id": "after_1"}))
    assert [e["type"] for e in tail] == ["input_audio_buffer.cleared"], tail
    item = {"type": "message", "role": "user", "content": [{"type": "input_text", "text": "still there?"}]}
    tail = client.send(json.dumps({"type": "conversation.item.create", "item": item, "event_id": "after_2"}))
    assert "conversation.item.added" in [e["type"] for e in tail], tail
    update = (
        {"instructions": "Be brief."} if client.is_beta else {"type": "realtime", "instructions": "Be brief."}
    )
    tail = client.send(json.dumps({"type": "session.update", "session": update, "event_id": "after_3"}))
    assert [e["type"] for e in tail] == ["session.updated"], tail
    counts = Counter(e["error"]["event_id"] for e in client.events if e["type"] == "error")
    assert all(n == 1 for key, n in counts.items() if key is not None), counts


@fuzz_settings(300)
@given(stream=frame_streams(), is_beta=st.booleans())
def test_hostile_streams_get_one_error_each_and_leave_the_session_usable(
    stream: list[Frame], is_beta: bool
) -> None:
    check_stream(Client(is_beta=is_beta), stream)
