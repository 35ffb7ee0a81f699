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

from realtalk.protocol import beta
from realtalk.protocol.client_events import validate_session_config
from realtalk.protocol.errors import ProtocolError
from tests.hostile import (
    Client,
    Frame,
    frame_streams,
    fuzz_settings,
    near_valid_events,
    replacements,
    session_fields,
)


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


@fuzz_settings(300)
@given(
    session=st.one_of(
        session_fields,
        near_valid_events().map(lambda pair: pair[0].get("session")),
        st.dictionaries(st.sampled_from(["instructions", "audio", "tools", "foo", "type"]), replacements),
    ),
    is_beta=st.booleans(),
)
def test_a_session_config_over_http_is_refused_or_opens_a_working_session(
    session: Any, is_beta: bool
) -> None:
    """Client secrets and calls take a `session` object that later becomes a session's base config:
    whatever it is, it is refused with a `ProtocolError` or it opens a session that works."""
    try:
        config = validate_session_config(
            beta.session_to_ga(session) if is_beta and isinstance(session, dict) else session
        )
    except ProtocolError:
        return
    client = Client(is_beta=False, base_config=config)
    check_stream(client, [])
