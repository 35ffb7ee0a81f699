"""Hostile Realtime clients for the fuzzers: valid, near-valid and garbage client events (Hypothesis),
and `Client`, which drives a sans-I/O session with them.

A `Frame` is one WebSocket text frame and what we know of it: `invalid` when any server must
refuse it (so exactly one `error` must name its `event_id`); otherwise it may be accepted or
refused, but never answered by more than one `error` or a dropped connection.
"""

from __future__ import annotations

import base64
import copy
import json
import os
from dataclasses import dataclass
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from realtalk.engines.base import Transcription
from realtalk.protocol import beta
from realtalk.protocol.client_events import decode_json_event
from realtalk.protocol.errors import ProtocolError
from realtalk.session.effects import Generate, ReadImage, Send, Transcribe
from realtalk.session.session import RealtimeSession
from tests.realtime_schema import validate_server_event
from tests.session.test_session_core import QuietVad

EXAMPLES = int(os.environ.get("REALTALK_FUZZ_EXAMPLES", "0"))
"""A long exploratory run with fresh random examples (`REALTALK_FUZZ_EXAMPLES=5000`); unset, each
test runs its default number of examples, the same ones every time, so CI does not flake."""


def fuzz_settings(examples: int) -> settings:
    return settings(
        max_examples=EXAMPLES or examples,
        derandomize=not EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.large_base_example,
        ],
    )


@dataclass
class Frame:
    text: str
    event_id: str | None
    invalid: bool


ITEM_IDS = ["item_a", "item_b", "item_c"]
"""A small pool, so retrieve/delete/truncate/previous_item_id often name items that exist."""

PCM_100MS = base64.b64encode(b"\x01\x00" * 2400).decode()
HUGE_TEXT = "x" * 300_000
DEEP = json.loads("[" * 100 + "]" * 100)
DEEP_TEXT = "[" * 5_000 + "]" * 5_000
"""Deep JSON inside a string (a tool output): it broke the built-in brain, which parses outputs."""

KNOWN_TYPES = [
    "session.update",
    "input_audio_buffer.append",
    "input_audio_buffer.commit",
    "input_audio_buffer.clear",
    "output_audio_buffer.clear",
    "conversation.item.create",
    "conversation.item.retrieve",
    "conversation.item.truncate",
    "conversation.item.delete",
    "response.create",
    "response.cancel",
]

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=10,
)

item_ids = st.sampled_from(ITEM_IDS)
texts = st.sampled_from(["Hello!", "What time is it?", "", "Café ☕ 日本語", "a b c " * 50])

function_tool = st.fixed_dictionaries(
    {"type": st.just("function"), "name": st.sampled_from(["get_weather", "lookup"])},
    optional={
        "description": texts,
        "parameters": st.just(
            {"type": "object", "properties": {"city": {"type": "string", "default": None}}}
        ),
    },
)

session_fields = st.fixed_dictionaries(
    {},
    optional={
        "instructions": texts,
        "output_modalities": st.sampled_from([["text"], ["audio"]]),
        "tools": st.lists(function_tool, max_size=2),
        "tool_choice": st.sampled_from(["auto", "none", "required"]),
        "max_output_tokens": st.sampled_from([50, "inf"]),
        "audio": st.fixed_dictionaries(
            {},
            optional={
                "input": st.fixed_dictionaries(
                    {},
                    optional={
                        "turn_detection": st.sampled_from(
                            [None, {"type": "server_vad"}, {"type": "semantic_vad", "eagerness": "high"}]
                        ),
                        "transcription": st.sampled_from([None, {"model": "whisper-1"}]),
                        "format": st.sampled_from(
                            [{"type": "audio/pcm", "rate": 24000}, {"type": "audio/pcmu"}]
                        ),
                    },
                ),
                "output": st.fixed_dictionaries({}, optional={"speed": st.sampled_from([0.8, 1.0])}),
            },
        ),
    },
)

user_message = st.fixed_dictionaries(
    {
        "type": st.just("message"),
        "role": st.sampled_from(["user", "system"]),
        "content": st.builds(lambda text: [{"type": "input_text", "text": text}], texts),
    },
    optional={"id": item_ids},
)
assistant_message = st.fixed_dictionaries(
    {
        "type": st.just("message"),
        "role": st.just("assistant"),
        "content": st.builds(lambda text: [{"type": "output_text", "text": text}], texts),
    },
    optional={"id": item_ids},
)
tool_output = st.fixed_dictionaries(
    {
        "type": st.just("function_call_output"),
        "call_id": st.just("call_1"),
        "output": st.just('{"ok": true}'),
    },
    optional={"id": item_ids},
)


def _event(event_type: str, **fields: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries({"type": st.just(event_type), **fields})


valid_events: st.SearchStrategy[dict[str, Any]] = st.one_of(
    _event("session.update", session=session_fields),
    _event("input_audio_buffer.append", audio=st.just(PCM_100MS)),
    _event("input_audio_buffer.commit"),
    _event("input_audio_buffer.clear"),
    _event("output_audio_buffer.clear"),
    _event("conversation.item.create", item=st.one_of(user_message, assistant_message, tool_output)),
    st.fixed_dictionaries(
        {"type": st.just("conversation.item.create"), "item": user_message, "previous_item_id": item_ids}
    ),
    _event("conversation.item.retrieve", item_id=item_ids),
    _event("conversation.item.delete", item_id=item_ids),
    _event(
        "conversation.item.truncate",
        item_id=item_ids,
        content_index=st.sampled_from([0, 1]),
        audio_end_ms=st.sampled_from([0, 10, 100_000]),
    ),
    _event("response.create"),
    _event(
        "response.create",
        response=st.fixed_dictionaries(
            {},
            optional={
                "output_modalities": st.just(["text"]),
                "instructions": texts,
                "conversation": st.sampled_from(["auto", "none"]),
                "metadata": st.just({"topic": "fuzz"}),
                "tools": st.lists(function_tool, max_size=1),
            },
        ),
    ),
    _event("response.cancel"),
)

# What a mutation puts in place of a value; `DEEP` and `HUGE_TEXT` are the values that broke servers.
replacements = st.one_of(
    json_values,
    st.sampled_from([None, "", HUGE_TEXT, DEEP, DEEP_TEXT, -1, 2**70, 1e308, [], {}, "not-base64!!", "inf"]),
)


def _paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every key path in a JSON value, parents before children."""
    found = []
    if isinstance(value, dict):
        for key, child in value.items():
            found.append((*path, key))
            found += _paths(child, (*path, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found.append((*path, index))
            found += _paths(child, (*path, index))
    return found


@st.composite
def near_valid_events(draw: st.DrawFn) -> tuple[dict[str, Any], bool]:
    """A valid event with one thing wrong (or not: the mutation may happen to be valid)."""
    event = copy.deepcopy(draw(valid_events))
    how = draw(st.sampled_from(["replace", "drop", "null", "extra", "extra_top", "bad_audio"]))
    paths = [p for p in _paths(event) if p != ("type",)]
    if how == "extra_top":
        event[draw(st.sampled_from(["foo", "session_id", "items"]))] = draw(replacements)
        return event, True  # an unknown top-level key is always refused
    if how == "bad_audio":
        event = {
            "type": "input_audio_buffer.append",
            "audio": draw(st.sampled_from(["@@@", "abc", "A", "AA=\\n"])),
        }
        return event, True  # not base64
    if not paths:
        return event, False
    path = draw(st.sampled_from(paths))
    parent = event
    for key in path[:-1]:
        parent = parent[key]
    last = path[-1]
    if how == "drop":
        del parent[last]
    elif how == "null":
        parent[last] = None
    elif how == "extra" and isinstance(parent[last], dict):
        parent[last]["zz_unknown"] = draw(replacements)
        return event, not {"parameters", "metadata"} & set(path)  # free-form objects take any key
    else:
        parent[last] = draw(replacements)
    return event, False


garbage_events = st.one_of(
    st.dictionaries(
        st.sampled_from(["type", "event_id", "session", "item", "item_id", "audio", "response", "foo"]),
        json_values,
    ),
    st.builds(
        lambda event_type, body: {**body, "type": event_type},
        st.sampled_from([*KNOWN_TYPES, "session.create", "realtalk.nope", "", "SESSION.UPDATE"]),
        st.dictionaries(st.sampled_from(["session", "item", "item_id", "audio", "response"]), replacements),
    ),
)

raw_texts = st.sampled_from(
    [
        "",
        "not json",
        "[" * 100_000 + "]" * 100_000,
        '{"type": "session.update", "session": ' + "[" * 100_000,
        '{"type":' * 50_000,
        "null",
        "[]",
        '"session.update"',
        '{"type": 1}',
        "{" + '"a":1,' * 10 + "}",
    ]
)


@st.composite
def frames(draw: st.DrawFn, index: int) -> Frame:
    """One frame of a hostile client's stream; `index` makes its event_id unique."""
    kind = draw(st.sampled_from(["valid", "valid", "near", "near", "garbage", "raw"]))
    if kind == "raw":
        return Frame(draw(raw_texts), None, True)
    invalid = False
    if kind == "valid":
        event = draw(valid_events)
    elif kind == "near":
        event, invalid = draw(near_valid_events())
    else:
        event = draw(garbage_events)
        invalid = event.get("type") not in KNOWN_TYPES
    event_id = f"evt_{index}"
    event["event_id"] = event_id
    return Frame(json.dumps(event), event_id, invalid)


@st.composite
def frame_streams(draw: st.DrawFn, max_size: int = 12) -> list[Frame]:
    count = draw(st.integers(min_value=1, max_value=max_size))
    return [draw(frames(index)) for index in range(count)]


class Client:
    """One session, driven like `Call.handle_text` drives it, with instant engines."""

    def __init__(self, *, is_beta: bool, base_config: dict[str, Any] | None = None) -> None:
        self.is_beta = is_beta
        self.session = RealtimeSession(model="realtalk", vad=QuietVad(), base_config=base_config)
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
