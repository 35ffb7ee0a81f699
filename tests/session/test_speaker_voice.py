"""Held speech read against the user's own turns (`session/speaker_voice.py`)."""

from __future__ import annotations

import base64

import numpy as np
import pytest
import soxr

from realtalk.session.session import RealtimeSession
from realtalk.session.speaker_voice import REFERENCE_TURNS, TURN_WINDOW_MS, TYPICAL_TURN_DB, SpeakerVoice
from realtalk.session.vowel import vowel_lift_db
from tests.session.test_session_core import QuietVad, events
from tests.session.test_session_limits import LevelVad
from tests.session.test_vowel import NASAL_MURMUR, OPEN_A, RATE, voiced

DARK = ((300.0, 60.0), (650.0, 80.0), (1000.0, 100.0))
"""Formants of a darker voice's vowel: its words measure far under `OPEN_A`'s."""


def test_before_the_first_turn_the_measure_is_read_as_it_is() -> None:
    voice = SpeakerVoice(RATE)
    assert voice.relative(3.5) == 3.5
    assert voice.relative(None) is None
    voice.heard_turn(voiced(20, OPEN_A), 20)  # too short to measure: still no reference
    voice.heard_turn(voiced(600, OPEN_A), 600)  # one word: too little speech to learn the voice from
    voice.heard_turn(np.zeros(RATE, dtype=np.float32), 1000)  # silence: no voice in it
    voice.heard_turn(np.zeros(0, dtype=np.float32), 1000)
    assert voice.relative(3.5) == 3.5
    voice.heard_turn(0.01 * voiced(900, OPEN_A), 900)  # a quiet voice is still one
    assert voice.relative(3.5) != 3.5


def test_held_speech_is_moved_by_how_far_the_users_turns_sit_from_the_typical() -> None:
    bright, dark = SpeakerVoice(RATE), SpeakerVoice(RATE)
    bright.heard_turn(voiced(900, OPEN_A), 900)
    dark.heard_turn(voiced(900, DARK), 900)
    bright_turn = vowel_lift_db(voiced(900, OPEN_A), RATE)
    dark_turn = vowel_lift_db(voiced(900, DARK), RATE)
    assert bright_turn is not None and dark_turn is not None and bright_turn > dark_turn + 5
    assert bright.relative(0.0) == pytest.approx(TYPICAL_TURN_DB - bright_turn)
    # The same held sound reads more open from the darker voice, whose words all measure lower.
    assert dark.relative(0.0) == pytest.approx(bright.relative(0.0) + bright_turn - dark_turn)  # type: ignore[operator]


def test_the_reference_is_the_median_of_the_last_turns() -> None:
    voice = SpeakerVoice(RATE)
    usual = vowel_lift_db(voiced(900, OPEN_A), RATE)
    assert usual is not None
    for _ in range(REFERENCE_TURNS - 1):
        voice.heard_turn(voiced(900, OPEN_A), 900)
    voice.heard_turn(voiced(900, NASAL_MURMUR), 900)  # one odd turn, hummed
    assert voice.relative(0.0) == pytest.approx(TYPICAL_TURN_DB - usual), "one odd turn does not move it"
    for _ in range(REFERENCE_TURNS):
        voice.heard_turn(voiced(900, DARK), 900)
    dark = vowel_lift_db(voiced(900, DARK), RATE)
    assert voice.relative(0.0) == pytest.approx(TYPICAL_TURN_DB - dark), "only the last turns count"  # type: ignore[operator]


def test_only_a_turns_end_is_measured() -> None:
    voice = SpeakerVoice(RATE)
    voice.heard_turn(np.concatenate([voiced(5000, NASAL_MURMUR), voiced(TURN_WINDOW_MS, DARK)]), 8000)
    dark = vowel_lift_db(voiced(TURN_WINDOW_MS, DARK), RATE)
    assert voice.relative(0.0) == pytest.approx(TYPICAL_TURN_DB - dark, abs=0.5)  # type: ignore[operator]


def _pcm(audio: np.ndarray) -> str:
    """16 kHz test audio as a client's `input_audio_buffer.append` (24 kHz PCM16, base64)."""
    pcm = (np.clip(soxr.resample(audio, RATE, 24_000), -1, 1) * 32767).astype(np.int16).tobytes()
    return base64.b64encode(pcm).decode()


def test_a_session_learns_the_voice_from_a_turn_vad_heard() -> None:
    session = RealtimeSession(model="realtalk", vad=LevelVad())
    session.start()
    assert session._input.voice.relative(0.0) == 0.0
    silence = np.zeros(RATE, dtype=np.float32)
    turn = np.concatenate([silence, voiced(900, DARK), silence])  # the pause ends it
    out = session.handle_event({"type": "input_audio_buffer.append", "audio": _pcm(turn)})
    assert "input_audio_buffer.committed" in [e["type"] for e in events(out)]
    dark = vowel_lift_db(voiced(900, DARK), RATE)
    assert session._input.voice.relative(0.0) == pytest.approx(TYPICAL_TURN_DB - dark, abs=1.0)  # type: ignore[operator]


def test_a_one_word_turn_is_not_learnt() -> None:
    session = RealtimeSession(model="realtalk", vad=LevelVad())
    session.start()
    silence = np.zeros(RATE, dtype=np.float32)
    word = np.concatenate([silence, voiced(500, DARK), silence])
    out = session.handle_event({"type": "input_audio_buffer.append", "audio": _pcm(word)})
    assert "input_audio_buffer.committed" in [e["type"] for e in events(out)]
    assert session._input.voice.relative(0.0) == 0.0


@pytest.mark.parametrize("turn_detection", [None, {"type": "server_vad"}])
def test_audio_vad_never_called_speech_is_not_learnt(turn_detection: dict[str, str] | None) -> None:
    """A client's commit (or an idle timeout's) of what VAD never heard as speech: the room, or
    audio with no turn detection at all, is not taken for the user's voice."""
    session = RealtimeSession(model="realtalk", vad=QuietVad())
    session.start()
    session.handle_event(
        {"type": "session.update", "session": {"audio": {"input": {"turn_detection": turn_detection}}}}
    )
    session.handle_event({"type": "input_audio_buffer.append", "audio": _pcm(voiced(900, DARK))})
    out = session.handle_event({"type": "input_audio_buffer.commit"})
    assert "input_audio_buffer.committed" in [e["type"] for e in events(out)]
    assert session._input.voice.relative(0.0) == 0.0
