"""Piper TTS with the bundled voice."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
import soxr

from realtalk.engines.piper_tts import PiperTts
from realtalk.engines.whisper_stt import WhisperStt
from tests.speech_data import word_error_rate

pytestmark = pytest.mark.slow

SHORT = "Hello there."
LONG = "Hello there. I can tell you about the weather, set a timer, or read you a short story tonight."


def rms(audio: np.ndarray) -> float:
    return float(np.sqrt(np.mean(audio.astype(np.float64) ** 2)))


def test_speaks_int16_at_the_voice_rate(tts: PiperTts) -> None:
    audio = tts.synthesize(SHORT)
    assert tts.sample_rate == 22_050
    assert audio.dtype == np.int16 and audio.ndim == 1
    assert 0.4 < len(audio) / tts.sample_rate < 3.0
    assert rms(audio) > 500


def test_length_scales_with_text(tts: PiperTts) -> None:
    assert len(tts.synthesize(LONG)) > 3 * len(tts.synthesize(SHORT))


def test_length_scales_with_speed(tts: PiperTts) -> None:
    normal = len(tts.synthesize(LONG))
    assert len(tts.synthesize(LONG, speed=2.0)) < 0.7 * normal
    assert len(tts.synthesize(LONG, speed=0.5)) > 1.5 * normal


@pytest.mark.parametrize("speed", [0.0, -1.0, 100.0, float("nan")])
def test_out_of_range_speed_is_clamped(tts: PiperTts, speed: float) -> None:
    assert rms(tts.synthesize(SHORT, speed=speed)) > 500


@pytest.mark.parametrize("voice", [None, "alloy", "marin", "no-such-voice"])
def test_any_voice_name_speaks(tts: PiperTts, voice: str | None) -> None:
    assert rms(tts.synthesize(SHORT, voice=voice)) > 500


@pytest.mark.parametrize("text", ["", "   ", "..."])
def test_nothing_to_say_gives_empty_audio(tts: PiperTts, text: str) -> None:
    audio = tts.synthesize(text)
    assert audio.dtype == np.int16 and len(audio) == 0


def test_speech_is_intelligible(tts: PiperTts, stt_trimmed: WhisperStt) -> None:
    # Piper samples noise, so one sentence can come out mumbled; judge a few together.
    texts = ["Please set a timer for ten minutes.", "The weather in Paris is sunny today.",
             "Your table for four is booked at seven."]  # fmt: skip
    heard = []
    for text in texts:
        audio = tts.synthesize(text).astype(np.float32) / 32768.0
        heard.append(
            stt_trimmed.transcribe(soxr.resample(audio, tts.sample_rate, 16_000).astype(np.float32)).text
        )
    assert word_error_rate(texts, heard) < 0.35, heard


def test_concurrent_calls(tts: PiperTts) -> None:
    texts = [SHORT, LONG, "One more sentence to speak.", SHORT]
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(tts.synthesize, texts))
    # Piper samples noise, so lengths vary a little between runs of the same text.
    for text, audio in zip(texts, results, strict=True):
        assert abs(len(audio) - len(tts.synthesize(text))) < 0.25 * len(audio)
        assert rms(audio) > 500
