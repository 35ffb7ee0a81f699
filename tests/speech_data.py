"""Real recorded speech with transcripts, for tests and benchmarks.

Uses the Debian package `pocketsphinx-testdata` (/usr/share/pocketsphinx/test/data): five
LibriVox sentences (3-7 s), five short spoken card names (1-3.5 s) and "go forward ten meters".
All of it is 16 kHz mono 16-bit. Free of pytest so bench scripts can import it too.
"""

from __future__ import annotations

import re
import wave
from functools import cache
from pathlib import Path

import jiwer
import numpy as np
import soxr
from numpy.typing import NDArray

DATA_DIR = Path("/usr/share/pocketsphinx/test/data")
SAMPLE_RATE = 16_000

Clip = tuple[Path, str]
"""(audio file, lower-case reference transcript)."""

_TRANSCRIPT_LINE = re.compile(r"^<s>\s*(?P<text>.*?)\s*</s>\s*\((?P<id>[^)]+)\)\s*$")
_RAW_CLIPS: tuple[tuple[str, str], ...] = (("goforward.raw", "go forward ten meters"),)
_NUMBER_WORDS = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen twenty"
)


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


def load_wav_16k(path: Path | str) -> NDArray[np.float32]:
    """Mono float32 samples in [-1, 1] at 16 kHz from a 16-bit WAV (resampled if needed) or .raw."""
    path = Path(path)
    if path.suffix == ".raw":
        return np.fromfile(path, dtype="<i2").astype(np.float32) / 32768.0
    with wave.open(str(path), "rb") as wav:
        if wav.getsampwidth() != 2:
            raise ValueError(f"{path}: only 16-bit WAV is supported")
        rate, channels = wav.getframerate(), wav.getnchannels()
        pcm = np.frombuffer(wav.readframes(wav.getnframes()), dtype="<i2")
    samples: NDArray[np.float32] = pcm.reshape(-1, channels).mean(axis=1).astype(np.float32) / 32768.0
    if rate != SAMPLE_RATE:
        samples = np.asarray(soxr.resample(samples, rate, SAMPLE_RATE), dtype=np.float32)
    return samples


def silence_16k(seconds: float) -> NDArray[np.float32]:
    """Digital silence at 16 kHz."""
    return np.zeros(round(seconds * SAMPLE_RATE), dtype=np.float32)


def normalize_text(text: str) -> str:
    """Lower case, digits 0-20 spelled out, hyphens to spaces, other punctuation dropped.

    Whisper writes "10 of clubs", "ill-disposed" and "Mr." where the references say "ten of clubs",
    "ill disposed" and "mister"; this keeps WER about the words, not the formatting.
    """

    numbers = _NUMBER_WORDS.split()

    def spell(match: re.Match[str]) -> str:
        value = int(match[0])
        return numbers[value] if value < len(numbers) else match[0]

    text = re.sub(r"\b\d+\b", spell, text.lower().replace("-", " "))
    text = re.sub(r"\bmr\.?(?=\s)", "mister", re.sub(r"\bmrs\.?(?=\s)", "missus", text))
    return " ".join(re.sub(r"[^a-z0-9' ]+", " ", text).split())


def word_error_rate(references: str | list[str], hypotheses: str | list[str]) -> float:
    """WER over normalized text (a list pair gives the corpus-level WER)."""
    refs = [references] if isinstance(references, str) else references
    hyps = [hypotheses] if isinstance(hypotheses, str) else hypotheses
    if len(refs) != len(hyps):
        raise ValueError("need as many hypotheses as references")
    # jiwer rejects empty hypotheses; an empty one is all deletions, which a placeholder word gives.
    return float(jiwer.wer([normalize_text(r) for r in refs], [normalize_text(h) or "<empty>" for h in hyps]))
