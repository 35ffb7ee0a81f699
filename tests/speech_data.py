"""Real recorded speech with transcripts, for tests and benchmarks.

Uses the Debian package `pocketsphinx-testdata` (/usr/share/pocketsphinx/test/data): five
LibriVox sentences (3-7 s), five short spoken card names (1-3.5 s) and "go forward ten meters".
All of it is 16 kHz mono 16-bit. Free of pytest so bench scripts can import it too.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from realtalk.evaluation.audio import load_wav_16k
from realtalk.evaluation.wer import normalize_text, word_error_rate

if TYPE_CHECKING:  # only named in annotations: importing CTranslate2 is not every user's cost
    from realtalk.engines.base import Transcription
    from realtalk.engines.whisper_stt import WhisperStt

DATA_DIR = Path("/usr/share/pocketsphinx/test/data")
SAMPLE_RATE = 16_000

Clip = tuple[Path, str]
"""(audio file, lower-case reference transcript)."""

_TRANSCRIPT_LINE = re.compile(r"^<s>\s*(?P<text>.*?)\s*</s>\s*\((?P<id>[^)]+)\)\s*$")
_RAW_CLIPS: tuple[tuple[str, str], ...] = (("goforward.raw", "go forward ten meters"),)


def speech_data_available() -> bool:
    """Whether the pocketsphinx test data is installed (tests skip without it)."""
    return (DATA_DIR / "librivox" / "transcription").is_file()


def _read_transcription(path: Path, audio_dir: Path) -> list[Clip]:
    clips: list[Clip] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        match = _TRANSCRIPT_LINE.match(line.strip())
        if match:
            text = " ".join(match["text"].split())
            clips.append((audio_dir / f"{match['id']}.wav", text))
    return clips


@cache
def librivox_clips() -> list[Clip]:
    """Five read sentences from "Sense and Sensibility", 3-7 s each, in file order.

    Index 1 is "he was not an ill disposed young man" (3 s), index 4 "he might even have been made
    amiable himself" (3.3 s).
    """
    return _read_transcription(DATA_DIR / "librivox" / "transcription", DATA_DIR / "librivox")


@cache
def cards_clips() -> list[Clip]:
    """Five short clips of playing-card names, 1.1-3.5 s ("ten of clubs", "five five", ...)."""
    return _read_transcription(DATA_DIR / "cards" / "cards.transcription", DATA_DIR / "cards")


def raw_clips() -> list[Clip]:
    """Headerless 16 kHz 16-bit clips with a known transcript ("go forward ten meters", 2.8 s)."""
    return [(DATA_DIR / name, text) for name, text in _RAW_CLIPS]


def all_clips() -> list[Clip]:
    """LibriVox, then cards, then raw clips."""
    return [*librivox_clips(), *cards_clips(), *raw_clips()]


def silence_16k(seconds: float) -> NDArray[np.float32]:
    """Digital silence at 16 kHz."""
    return np.zeros(round(seconds * SAMPLE_RATE), dtype=np.float32)


__all__ = [
    "all_clips",
    "cards_clips",
    "librivox_clips",
    "load_wav_16k",
    "normalize_text",
    "raw_clips",
    "several_readings",
    "silence_16k",
    "speech_data_available",
    "word_error_rate",
]


def several_readings(
    stt: WhisperStt, prompt: str | None = None, n: int = 4
) -> tuple[NDArray[np.float32], Transcription]:
    """The first 2 s of the first LibriVox sentence for which Whisper's beam of `n` gives several
    readings, and those readings. Which sentence does differs between machines: the first gave
    several where the tests that ask were written, and one (the guard's fallback, or readings the
    same but for case) on a later machine."""
    for path, _ in librivox_clips():
        audio = load_wav_16k(path)[: 16_000 * 2]
        beam = stt.transcribe_nbest(audio, prompt=prompt, n=n)
        if len(beam.alternatives) >= 2:
            return audio, beam
    raise AssertionError(f"no LibriVox sentence's first 2 s gives {n} beams several readings")
