"""The session's own limits and OpenAI's error codes for items: exact codes, messages and `param`."""

from __future__ import annotations

import base64
import itertools
import json
import tracemalloc
from typing import Any

import numpy as np
import pytest

from realtalk.engines.base import Float32Audio
from realtalk.protocol.limits import MAX_CONVERSATION_ITEMS
from realtalk.session.effects import Transcribe
from realtalk.session.session import RealtimeSession
from tests.hostile import Client
from tests.session.test_session_core import QuietVad, events

MANUAL = {
    "type": "session.update",
    "session": {"type": "realtime", "audio": {"input": {"turn_detection": None}}},
}


def one_error(out: list[dict[str, Any]]) -> dict[str, Any]:
    errors = [e["error"] for e in out if e["type"] == "error"]
    assert len(errors) == 1, out
    return errors[0]


def user_item(item_id: str | None = None) -> dict[str, Any]:
    item: dict[str, Any] = {
        "type": "message",
        "role": "user",
        "content": [{"type": "input_text", "text": "hi"}],
    }
    if item_id:
        item["id"] = item_id
    return item


@pytest.mark.parametrize(
    ("event", "code", "message"),
    [
        (
            {"type": "conversation.item.retrieve", "item_id": "nope"},
            "item_retrieve_invalid_item_id",
            "Error retrieving item: the item with id 'nope' does not exist.",
        ),
        (
            {"type": "conversation.item.delete", "item_id": "nope"},
            "item_delete_invalid_item_id",
            "Error deleting item: the item with id 'nope' does not exist.",
        ),
        (
            {"type": "conversation.item.truncate", "item_id": "nope", "content_index": 0, "audio_end_ms": 0},
            "item_truncate_invalid_item_id",
            "Error truncating item: the item with id 'nope' does not exist.",
        ),
        (
            {"type": "conversation.item.create", "item": user_item(), "previous_item_id": "nope"},
            "item_create_invalid_previous_item_id",
            "Error adding item: the previous item with id 'nope' does not exist.",
        ),
    ],
)
def test_item_errors_are_openais(event: dict[str, Any], code: str, message: str) -> None:
    client = Client(is_beta=False)
    # Pipecat's retrieve_conversation_item() reads the item id back out of the event_id.
    error = one_error(client.send(json.dumps({**event, "event_id": "rci_nope"})))
    assert error == {
        "type": "invalid_request_error",
        "code": code,
        "message": message,
        "param": None,
        "event_id": "rci_nope",
    }


def test_a_duplicate_item_id_is_refused_as_openai_does() -> None:
    client = Client(is_beta=False)
    client.send(json.dumps({"type": "conversation.item.create", "item": user_item("item_1")}))
    out = client.send(
        json.dumps({"type": "conversation.item.create", "item": user_item("item_1"), "event_id": "e"})
    )
    assert one_error(out) == {
        "type": "invalid_request_error",
        "code": "item_create_duplicate_item_id",
        "message": "Error adding item: an item with id 'item_1' already exists.",
        "param": None,
        "event_id": "e",
    }
    assert list(client.session._conversation.items) == ["item_1"]


def test_a_full_conversation_refuses_new_items_and_responses_until_some_are_deleted() -> None:
    client = Client(is_beta=False)
    for index in range(MAX_CONVERSATION_ITEMS):
        client.session.handle_event({"type": "conversation.item.create", "item": user_item(f"i{index}")})
    create = {"type": "conversation.item.create", "item": user_item(), "event_id": "e1"}
    assert one_error(client.send(json.dumps(create)))["code"] == "conversation_too_many_items"
    response = {"type": "response.create", "event_id": "e2"}
    assert one_error(client.send(json.dumps(response)))["code"] == "conversation_too_many_items"
    out_of_band = {
        "type": "response.create",
        "response": {"conversation": "none", "output_modalities": ["text"]},
    }
    assert client.send(json.dumps(out_of_band))[-1]["type"] == "response.done"
    client.send(json.dumps({"type": "conversation.item.delete", "item_id": "i0"}))
    assert client.send(json.dumps(create))[-1]["type"] == "conversation.item.done"


def pcm(ms: int) -> str:
    return base64.b64encode(b"\x01\x00" * (24 * ms)).decode()


def test_a_full_input_buffer_refuses_appends_and_keeps_what_it_holds() -> None:
    session = RealtimeSession(model="m", vad=QuietVad(), max_input_buffer_ms=1000)
    session.handle_event(MANUAL)
    assert events(session.handle_event({"type": "input_audio_buffer.append", "audio": pcm(600)})) == []
    out = events(
        session.handle_event({"type": "input_audio_buffer.append", "audio": pcm(600), "event_id": "a2"})
    )
    error = one_error(out)
    assert (error["code"], error["param"], error["event_id"]) == ("input_audio_buffer_full", None, "a2")
    assert "at most 1000ms" in error["message"]
    committed = events(session.handle_event({"type": "input_audio_buffer.commit"}))
    item_id = committed[0]["item_id"]
    retrieved = events(session.handle_event({"type": "conversation.item.retrieve", "item_id": item_id}))
    audio = base64.b64decode(retrieved[0]["item"]["content"][0]["audio"])
    assert audio == base64.b64decode(pcm(600)), (
        "the accepted audio is kept whole, the refused append adds nothing"
    )
    # A commit empties the buffer: appends work again.
    assert events(session.handle_event({"type": "input_audio_buffer.append", "audio": pcm(600)})) == []


def test_a_full_buffer_fed_by_a_media_track_drops_audio_and_says_so_once() -> None:
    session = RealtimeSession(model="m", vad=QuietVad(), max_input_buffer_ms=500)
    session.handle_event(MANUAL)
    chunk = b"\x01\x00" * 2400  # 100 ms
    sent = [e for _ in range(20) for e in events(session.feed_audio(chunk))]
    assert [e["error"]["code"] for e in sent] == ["input_audio_buffer_full"]
    events(session.handle_event({"type": "input_audio_buffer.clear"}))
    assert events(session.feed_audio(chunk)) == []


def test_300_one_mib_appends_with_manual_commit_stay_bounded() -> None:
    """The probe that grew a server by 734 MB: now the buffer stops at its cap (10 minutes)."""
    session = RealtimeSession(model="m", vad=QuietVad())
    session.handle_event(MANUAL)
    chunk = base64.b64encode(b"\x01\x00" * (512 * 1024)).decode()  # 1 MiB of PCM16 24 kHz: 21.8 s
    tracemalloc.start()
    try:
        refused = 0
        for _ in range(300):
            out = events(session.handle_event({"type": "input_audio_buffer.append", "audio": chunk}))
            refused += sum(1 for e in out if e["type"] == "error")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert refused == 300 - 27  # 27 appends fill ten minutes
    # Held: 27 MiB raw + its 16 kHz float32 copy (36 MiB); the rest is one chunk in flight.
    assert peak < 100 * 1024 * 1024, peak
    assert events(session.handle_event({"type": "input_audio_buffer.commit"}))[0]["type"] == (
        "input_audio_buffer.committed"
    )


class LoudVad:
    """Hears speech in every frame: a turn that never pauses."""

    def speech_probability(self, frame: object) -> float:
        return 1.0

    def reset(self) -> None:
        pass


def test_with_server_vad_a_turn_that_fills_the_buffer_ends_there() -> None:
    """Refusing the audio would also keep the silence that ends the turn from VAD: the turn ends."""
    session = RealtimeSession(model="m", vad=LoudVad(), max_input_buffer_ms=2000)
    out = [e for _ in range(40) for e in events(session.feed_audio(b"\x01\x00" * 2400))]  # 4 s, 100 ms each
    kinds = [e["type"] for e in out]
    assert "error" not in kinds, out
    assert kinds[:3] == [
        "input_audio_buffer.speech_started",
        "input_audio_buffer.speech_stopped",
        "input_audio_buffer.committed",
    ]
    assert kinds.count("input_audio_buffer.committed") == 1
    assert kinds.count("input_audio_buffer.speech_started") == 2, "the speaker goes on in a new turn"


class LevelVad:
    """Speech wherever the audio is loud: pauses exactly where the test puts them."""

    def speech_probability(self, frame: Float32Audio) -> float:
        return 1.0 if float(np.abs(frame).max()) > 0.1 else 0.0

    def reset(self) -> None:
        pass


def test_each_pause_reads_the_buffer_without_joining_the_whole_turn_again() -> None:
    """Every pause hands the turn so far to STT; the buffer is not re-joined from its chunks each time."""
    session = RealtimeSession(model="m", vad=LevelVad())
    tone = (np.sin(np.arange(12_000) / 24_000 * 2 * np.pi * 220) * 16_000).astype("<i2").tobytes()  # 0.5 s
    effects: list[Any] = []
    for _ in range(16):  # sixteen phrases, each followed by a pause too short to end the turn
        for chunk in (tone, b"\0\0" * 24 * 250):
            effects += session.feed_audio(chunk)
    reads = [e.audio for e in effects if isinstance(e, Transcribe) and e.speculative]
    assert len(reads) >= 15  # (the first phrase's onset may take its first frames)
    assert "input_audio_buffer.committed" not in [e["type"] for e in events(effects)]
    for earlier, later in itertools.pairwise(reads):
        assert len(later) > len(earlier)
        assert np.array_equal(later[: len(earlier)], earlier), "a read never changes once handed out"
    copies = sum(not np.shares_memory(earlier, later) for earlier, later in itertools.pairwise(reads))
    assert copies <= 6, f"the turn was copied afresh in {copies} of {len(reads)} pauses"
