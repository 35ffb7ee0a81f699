"""AudioFormat parsing in both spellings, and duration arithmetic."""

from __future__ import annotations

from typing import Any

import pytest

from realtalk.audio.formats import (
    G711_ALAW,
    G711_ULAW,
    PCM16_24K,
    AudioFormat,
    pcm16_duration_ms,
)


@pytest.mark.parametrize(
    ("beta", "ga", "fmt"),
    [
        ("pcm16", {"type": "audio/pcm", "rate": 24000}, PCM16_24K),
        ("g711_ulaw", {"type": "audio/pcmu"}, G711_ULAW),
        ("g711_alaw", {"type": "audio/pcma"}, G711_ALAW),
    ],
)
def test_both_spellings_round_trip(beta: str, ga: dict[str, object], fmt: AudioFormat) -> None:
    assert AudioFormat.parse(beta) == fmt
    assert AudioFormat.parse(ga) == fmt
    assert fmt.to_beta() == beta
    assert fmt.to_ga() == ga


def test_rates_follow_the_type() -> None:
    assert PCM16_24K.rate == 24000
    assert G711_ULAW.rate == G711_ALAW.rate == 8000
    assert AudioFormat.parse({"type": "audio/pcm"}) == PCM16_24K
    assert AudioFormat.parse({"type": "audio/pcmu", "rate": 8000}) == G711_ULAW


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("pcm", "unknown audio format 'pcm'"),
        ("PCM16", "unknown audio format"),
        ("", "unknown audio format"),
        ({"type": "audio/wav"}, "unknown audio format type 'audio/wav'"),
        ({}, "unknown audio format type None"),
        ({"rate": 24000}, "unknown audio format type"),
        ({"type": "audio/pcm", "rate": 16000}, "at 24000 Hz"),
        ({"type": "audio/pcm", "rate": "24000"}, "must be an integer"),
        ({"type": "audio/pcm", "rate": 24000.0}, "must be an integer"),
        ({"type": "audio/pcmu", "rate": 24000}, "at 8000 Hz"),
        ({"type": "audio/pcm", "channels": 2}, "unexpected audio format field"),
        (24000, "must be an object or a string"),
        (None, "must be an object or a string"),
    ],
)
def test_bad_formats_raise(value: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        AudioFormat.parse(value)


def test_constructor_validates() -> None:
    with pytest.raises(ValueError, match="at 24000 Hz"):
        AudioFormat("audio/pcm", 8000)
    unchecked: Any = "audio/opus"  # what an untyped caller could pass
    with pytest.raises(ValueError, match="unknown audio format type"):
        AudioFormat(unchecked, 48000)


def test_durations() -> None:
    assert PCM16_24K.bytes_per_sample == 2
    assert G711_ULAW.bytes_per_sample == 1
    assert PCM16_24K.bytes_to_ms(48000) == 1000.0
    assert PCM16_24K.bytes_to_ms(480) == 10.0
    assert G711_ULAW.bytes_to_ms(160) == 20.0
    assert G711_ALAW.bytes_to_ms(8000) == 1000.0
    assert pcm16_duration_ms(32000, 16000) == 1000.0
    assert pcm16_duration_ms(3, 24000) == pytest.approx(3 / 48)
