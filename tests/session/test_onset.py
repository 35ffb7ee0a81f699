"""Pausing the agent at a speech onset, before VAD confirms it (`session/onset.py`).

The session runs with a real `PlayoutQueue` and real Silero, driven as a transport drives them:
20 ms of microphone audio in, one 20 ms frame of the agent's voice out, so what "the caller
heard" is the frames that came out.
"""

from __future__ import annotations

import numpy as np
import pytest

from realtalk.engines.silero_vad import SileroVad
from realtalk.evaluation.audio import speech_bounds_ms
from realtalk.session.effects import Generate, PausePlayout, Send
from realtalk.session.onset import CONFIRM_MS
from realtalk.session.session import RealtimeSession
from tests.playout_line import FRAME_BYTES, Line
from tests.realtime_client import pcm24k, silence
from tests.speech_data import cards_clips, load_wav_16k


@pytest.fixture(scope="module")
def vad() -> SileroVad:
    return SileroVad()


def _talking(vad: SileroVad, detection: dict[str, object] | None = None) -> Line:
    line = Line(vad.stream(), detection)
    line.reply(4.0)
    return line


def _knock() -> bytes:
    """A door knock: 40 ms of decaying broadband noise, loud and sudden, no voice in it."""
    rng = np.random.default_rng(3)
    t = np.arange(640) / 16_000
    return pcm24k((0.5 * rng.standard_normal(640) * np.exp(-t / 0.01)).astype(np.float32))


def test_an_onset_pauses_the_agent_before_vad_confirms_it_and_the_cancel_truncates_there(
    vad: SileroVad,
) -> None:
    line = _talking(vad)  # server_vad, backchannels off: a confirmed onset is plain barge-in
    clip = load_wav_16k(cards_clips()[0][0])
    onset_ms = 400 + speech_bounds_ms(clip)[0]
    line.talk(silence(400) + pcm24k(clip))
    voiced = line.voiced()
    silent_from = voiced.index(False) * 20
    assert 400 < silent_from <= onset_ms + 40, "the agent pauses within two frames of the onset"
    pause_at = next(i for i, e in enumerate(line.effects) if isinstance(e, PausePlayout))
    speech_started_at = next(
        i
        for i, e in enumerate(line.effects)
        if isinstance(e, Send) and e.event["type"] == "input_audio_buffer.speech_started"
    )
    assert pause_at < speech_started_at, "the pause comes before VAD's confirmation"
    assert not any(voiced[silent_from // 20 :]), "the cut reply never plays again"
    done = line.events[line.kinds().index("response.done")]
    assert done["response"]["status"] == "cancelled"  # type: ignore[index]
    truncated = line.events[line.kinds().index("conversation.item.truncated")]
    assert truncated["audio_end_ms"] == silent_from, "truncated at what the caller heard"
    assert "output_audio_buffer.cleared" in line.kinds()


def test_an_onset_vad_does_not_confirm_resumes_where_it_paused(vad: SileroVad) -> None:
    line = _talking(vad, {"type": "semantic_vad"})
    line.talk(silence(400) + _knock() + silence(600))
    voiced = line.voiced()
    paused = [i for i, v in enumerate(voiced) if not v]
    assert paused, "the knock paused the agent"
    assert paused == list(range(paused[0], paused[-1] + 1)), "one pause, no stutter"
    assert CONFIRM_MS - 20 <= len(paused) * 20 <= CONFIRM_MS + 40, "VAD had its time to judge, no more"
    assert "input_audio_buffer.speech_started" not in line.kinds()
    assert "response.done" not in line.kinds(), "the reply goes on"
    played = b"".join(frame for frame, voiced in zip(line.out, line.voiced(), strict=True) if voiced)
    assert played == line.voice[: len(played)], "it resumes exactly where it paused"


def test_steady_noise_pauses_the_agent_at_most_once(vad: SileroVad) -> None:
    rng = np.random.default_rng(5)
    noise = (0.02 * rng.standard_normal(16_000 * 3)).astype(np.float32)  # -34 dBFS white noise
    line = _talking(vad, {"type": "semantic_vad"})
    line.talk(silence(300) + pcm24k(noise))
    assert sum(isinstance(e, PausePlayout) for e in line.effects) <= 1
    assert line.voiced()[-50:] == [True] * 50, "the agent talks on through the noise"


def test_pause_at_onset_can_be_switched_off(vad: SileroVad) -> None:
    line = _talking(vad, {"type": "semantic_vad", "realtalk": {"pause_at_onset": False}})
    line.talk(silence(400) + _knock() + silence(400))
    assert all(line.voiced())
    assert not any(isinstance(e, PausePlayout) for e in line.effects)


def test_over_websocket_an_onset_holds_the_deltas_and_an_unconfirmed_one_releases_them(
    vad: SileroVad,
) -> None:
    session = RealtimeSession(model="m", vad=vad.stream())
    session.start()
    item = {"type": "message", "role": "user", "content": [{"type": "input_text", "text": "a story"}]}
    session.handle_event({"type": "conversation.item.create", "item": item})
    rid = next(
        e for e in session.handle_event({"type": "response.create"}) if isinstance(e, Generate)
    ).response_id
    session.response_audio(rid, silence(100), "Once. ")
    session.feed_audio(silence(300) + _knock()[: FRAME_BYTES * 2])
    held = session.response_audio(rid, silence(100))
    assert not any(isinstance(e, Send) and e.event["type"] == "response.output_audio.delta" for e in held)
    released = session.feed_audio(silence(CONFIRM_MS + 40))
    deltas = [e for e in released if isinstance(e, Send) and e.event["type"] == "response.output_audio.delta"]
    assert len(deltas) == 1, "the held delta goes out once the knock is judged no speech"
