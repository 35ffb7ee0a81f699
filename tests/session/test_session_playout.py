"""Server-side playout (WebRTC): the session's side of playing, draining and cutting reply audio."""

from __future__ import annotations

import numpy as np
import pytest
import soxr

from realtalk.audio import g711
from realtalk.audio.formats import G711_ULAW
from realtalk.engines.silero_vad import SileroVad
from realtalk.session.effects import ClearPlayout, Generate, PlayAudio, Send
from realtalk.session.session import RealtimeSession
from tests.realtime_client import pcm24k, silence
from tests.speech_data import librivox_clips, load_wav_16k

CHUNK = b"\x01\x00" * 2400  # 100 ms of PCM16 at 24 kHz


@pytest.fixture(scope="module")
def vad() -> SileroVad:
    return SileroVad()


def sent(effects: list[object]) -> list[dict[str, object]]:
    return [e.event for e in effects if isinstance(e, Send)]


def start_reply(session: RealtimeSession) -> str:
    session.start()
    session.handle_event(
        {
            "type": "conversation.item.create",
            "item": {"type": "message", "role": "user", "content": [{"type": "input_text", "text": "hi"}]},
        }
    )
    effects = session.handle_event({"type": "response.create"})
    return next(e for e in effects if isinstance(e, Generate)).response_id


def test_reply_audio_goes_to_the_player_not_the_wire(vad: SileroVad) -> None:
    session = RealtimeSession(model="m", vad=vad.stream(), server_playout=True)
    rid = start_reply(session)
    effects = session.response_audio(rid, CHUNK, "Hello there.")
    plays = [e for e in effects if isinstance(e, PlayAudio)]
    assert len(plays) == 1 and plays[0].audio == CHUNK and plays[0].response_id == rid
    types = [e["type"] for e in sent(effects)]
    assert "response.output_audio.delta" not in types
    assert "response.output_audio_transcript.delta" in types


def test_stopped_only_after_done_and_everything_played(vad: SileroVad) -> None:
    session = RealtimeSession(model="m", vad=vad.stream(), server_playout=True)
    rid = start_reply(session)
    session.response_audio(rid, CHUNK, "One.")
    session.response_audio(rid, CHUNK)
    started = sent(session.playout_started(rid))
    assert [(e["type"], e["response_id"]) for e in started] == [("output_audio_buffer.started", rid)]
    # The player ran dry after one chunk (the second is still on its way): not stopped yet.
    assert not any(e["type"] == "output_audio_buffer.stopped" for e in sent(session.playout_drained(rid, 1)))
    done = sent(session.response_completed(rid))
    assert [e["type"] for e in done][-1] == "response.done", "more audio is queued: no stop yet"
    stopped = sent(session.playout_drained(rid, 2))
    assert [e["type"] for e in stopped] == ["output_audio_buffer.stopped"]
    assert stopped[0]["response_id"] == rid


def test_barge_in_clears_playout_and_truncates_at_what_was_heard(vad: SileroVad) -> None:
    session = RealtimeSession(model="m", vad=vad.stream(), server_playout=True)
    rid = start_reply(session)
    effects = session.response_audio(rid, CHUNK * 10, "A long sentence that goes on. ")
    item_id = next(e for e in effects if isinstance(e, PlayAudio)).item_id
    session.response_audio(rid, CHUNK * 10, "And another one.")
    session.playout_started(rid)
    speech = pcm24k(load_wav_16k(librivox_clips()[1][0]))
    effects = session.feed_audio(silence(200) + speech[: 24 * 2 * 800])  # the user starts talking
    types = [e["type"] for e in sent(effects)]
    assert "input_audio_buffer.speech_started" in types
    done = next(e for e in sent(effects) if e["type"] == "response.done")
    assert done["response"]["status"] == "cancelled"  # type: ignore[index]
    assert any(isinstance(e, ClearPlayout) for e in effects), "the player must drop unplayed audio"
    cleared = sent(session.playout_cleared(rid, item_id, 1000.0))
    assert [e["type"] for e in cleared] == ["conversation.item.truncated", "output_audio_buffer.cleared"]
    assert cleared[0]["audio_end_ms"] == 1000
    retrieved = sent(session.handle_event({"type": "conversation.item.retrieve", "item_id": item_id}))
    transcript = retrieved[0]["item"]["content"][0]["transcript"]  # type: ignore[index]
    assert transcript.strip() == "A long sentence that goes on.", (
        "only what was heard stays in the transcript"
    )


def test_playout_formats_are_pinned_to_pcm24k(vad: SileroVad) -> None:
    session = RealtimeSession(model="m", vad=vad.stream(), server_playout=True)
    session.start()
    session.handle_event(
        {
            "type": "session.update",
            "session": {"type": "realtime", "audio": {"output": {"format": {"type": "audio/pcmu"}}}},
        }
    )
    effects = session.handle_event({"type": "response.create"})
    generate = next(e for e in effects if isinstance(e, Generate))
    assert generate.audio is not None and generate.audio.format.rate == 24000


def test_phone_playout_stays_in_ulaw_both_ways(vad: SileroVad) -> None:
    """A phone call's session takes and gives 8 kHz μ-law: no resampling round trip in the transport."""
    session = RealtimeSession(model="m", vad=vad.stream(), server_playout=True, playout_format=G711_ULAW)
    session.start()
    session.handle_event(
        {
            "type": "conversation.item.create",
            "item": {"type": "message", "role": "user", "content": [{"type": "input_text", "text": "hi"}]},
        }
    )
    generate = next(e for e in session.handle_event({"type": "response.create"}) if isinstance(e, Generate))
    assert generate.audio is not None and generate.audio.format == G711_ULAW
    rid = generate.response_id
    ulaw_chunk = b"\xff" * 800  # 100 ms of μ-law
    effects = session.response_audio(rid, ulaw_chunk * 10, "A long sentence that goes on. ")
    item_id = next(e for e in effects if isinstance(e, PlayAudio)).item_id
    session.response_audio(rid, ulaw_chunk * 10, "And another one.")
    session.playout_started(rid)
    speech = g711.ulaw_encode(
        (soxr.resample(load_wav_16k(librivox_clips()[1][0]), 16000, 8000) * 32767).astype("int16")
    )
    effects = session.feed_audio(g711.ulaw_encode(np.zeros(1600, dtype=np.int16)) + speech[: 8 * 800])
    assert "input_audio_buffer.speech_started" in [e["type"] for e in sent(effects)]
    assert any(isinstance(e, ClearPlayout) for e in effects)
    cleared = sent(session.playout_cleared(rid, item_id, 1000.0))
    assert cleared[0]["type"] == "conversation.item.truncated" and cleared[0]["audio_end_ms"] == 1000


def test_dtmf_reaches_the_connections_in_openais_shape(vad: SileroVad) -> None:
    session = RealtimeSession(model="m", vad=vad.stream(), server_playout=True, playout_format=G711_ULAW)
    session.start()
    [event] = sent(session.dtmf_received("#", 1_800_000_000))
    assert event == {
        "type": "input_audio_buffer.dtmf_event_received",
        "event": "#",
        "received_at": 1_800_000_000,
    }


def test_a_key_press_nobody_watches_is_the_callers_turn(vad: SileroVad) -> None:
    session = RealtimeSession(model="m", vad=vad.stream(), server_playout=True, playout_format=G711_ULAW)
    rid = start_reply(session)
    effects = session.dtmf_received("1", 1_800_000_000, answer=True)
    events = sent(effects)
    types = [e["type"] for e in events]
    assert types[0] == "input_audio_buffer.dtmf_event_received"
    done = next(e for e in events if e["type"] == "response.done")
    assert done["response"]["id"] == rid and done["response"]["status"] == "cancelled"  # type: ignore[index]
    added = next(e for e in events if e["type"] == "conversation.item.added")
    assert added["item"]["content"][0]["text"] == "[The caller pressed 1 on the keypad]"  # type: ignore[index]
    assert types.index("response.created") > types.index("conversation.item.added")
    assert any(isinstance(e, Generate) for e in effects), "the agent answers it"
