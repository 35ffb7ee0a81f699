"""The loader shares one set of models per process."""

from __future__ import annotations

import numpy as np
import pytest

from realtalk.config import Settings
from realtalk.engines.loader import SpeechEngines, load_speech_engines, warm_up
from realtalk.engines.whisper_stt import WhisperStt

pytestmark = pytest.mark.slow


def test_second_call_returns_the_same_objects(engines: SpeechEngines) -> None:
    again = load_speech_engines(Settings(stt_trim=True))
    assert again.vad is engines.vad and again.stt is engines.stt and again.tts is engines.tts


def test_only_the_affected_engine_is_reloaded(engines: SpeechEngines) -> None:
    other = load_speech_engines(Settings(stt_trim=False))
    assert other.stt is not engines.stt
    assert other.vad is engines.vad and other.tts is engines.tts


def test_engines_follow_the_protocols(engines: SpeechEngines) -> None:
    assert engines.vad.sample_rate == engines.stt.sample_rate == 16_000
    assert engines.tts.sample_rate == 22_050
    assert engines.stt.name and engines.tts.name


def test_warm_up_runs_every_engine(engines: SpeechEngines) -> None:
    assert isinstance(engines.stt, WhisperStt)
    calls = engines.stt.stats.trimmed + engines.stt.stats.fallbacks + engines.stt.stats.full
    warm_up(engines)
    assert engines.stt.stats.trimmed + engines.stt.stats.fallbacks + engines.stt.stats.full == calls + 1
    assert len(engines.tts.synthesize("Hi.")) > 0
    assert 0.0 <= engines.vad.stream().speech_probability(np.zeros(512, dtype=np.float32)) <= 1.0
