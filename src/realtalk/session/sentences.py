"""Cutting streamed reply text into pieces worth speaking on their own.

TTS starts on the first piece while the brain is still writing the rest, so the first piece is
cut as early as the text allows (at its first comma or full stop, "Sure." or "Well,"): the time
to first audio is the time to speak it, ~60 ms for a word against ~160 ms for a sentence with
Piper. Later, a fragment too short to stand alone ("Item 1:", "OK?") joins the text after it:
spoken as its own piece it sounds clipped, with a pause on each side.
"""

from __future__ import annotations

import re

# A sentence ends at . ! ? ; or a newline followed by whitespace, unless the dot belongs to a
# number ("3.5") or a short abbreviation ("Dr.", "e.g.").
_END = re.compile(r"(?<!\b[A-Z][a-z]\.)(?<!\b[a-z]\.[a-z]\.)(?<=[.!?;:\n])[\"')\]]*\s+")
_CLAUSE = re.compile(r"(?<=[,—–])\s+")
FIRST_PIECE_MIN_WORDS = 1
MIN_WORDS = 3


class SentenceSplitter:
    """Feed text deltas with `push`; get back complete pieces; `flush` returns the remainder."""

    def __init__(self) -> None:
        self._pending = ""
        self._first = True

    def push(self, text: str) -> list[str]:
        self._pending += text
        pieces: list[str] = []
        while True:
            cut = self._cut_point()
            if cut is None:
                return pieces
            piece, self._pending = self._pending[:cut], self._pending[cut:]
            if piece.strip():
                pieces.append(piece)
                self._first = False

    def flush(self) -> str:
        rest, self._pending = self._pending, ""
        return rest if rest.strip() else ""

    def _cut_point(self) -> int | None:
        least = FIRST_PIECE_MIN_WORDS if self._first else MIN_WORDS
        for match in _END.finditer(self._pending):
            if len(self._pending[: match.start()].split()) >= least:
                return match.end()
        if self._first:
            for clause in _CLAUSE.finditer(self._pending):
                if len(self._pending[: clause.start()].split()) >= FIRST_PIECE_MIN_WORDS:
                    return clause.end()
        return None
