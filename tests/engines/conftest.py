"""Shared, once-per-session engine fixtures (loading the real models takes a second or two)."""

from __future__ import annotations

import pytest

from realtalk.config import Settings
from realtalk.engines.loader import SpeechEngines, load_speech_engines
from realtalk.engines.piper_tts import PiperTts
from realtalk.engines.silero_vad import SileroVad
from realtalk.engines.whisper_stt import WhisperStt


@pytest.fixture(scope="session")
def engines() -> SpeechEngines:
    return load_speech_engines(Settings(stt_trim=True))


@pytest.fixture(scope="session")
def vad(engines: SpeechEngines) -> SileroVad:
    assert isinstance(engines.vad, SileroVad)
    return engines.vad


@pytest.fixture(scope="session")
def tts(engines: SpeechEngines) -> PiperTts:
    assert isinstance(engines.tts, PiperTts)
    return engines.tts


@pytest.fixture(scope="session", params=[True, False], ids=["trimmed", "full"])
def stt(request: pytest.FixtureRequest) -> WhisperStt:
    """Whisper in both modes: the guarded trimmed window and faster-whisper's 30 s window."""
    engine = load_speech_engines(Settings(stt_trim=request.param)).stt
    assert isinstance(engine, WhisperStt) and engine.trim is request.param
    return engine


@pytest.fixture(scope="session")
def stt_trimmed() -> WhisperStt:
    engine = load_speech_engines(Settings(stt_trim=True)).stt
    assert isinstance(engine, WhisperStt)
    return engine


@pytest.fixture(scope="session")
def stt_full() -> WhisperStt:
    engine = load_speech_engines(Settings(stt_trim=False)).stt
    assert isinstance(engine, WhisperStt)
    return engine
