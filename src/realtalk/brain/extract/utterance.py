"""One utterance, normalised once, that remembers which stretches already filled a parameter: so
"at 7 pm" cannot also become a party size and "tomorrow" stays out of a task's title."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from difflib import SequenceMatcher
from typing import Any

from .spoken import normalize


@dataclass(frozen=True)
class Found:
    """A value and the stretches of the normalised text it came from."""

    value: Any
    spans: tuple[tuple[int, int], ...]


_WORD = re.compile(r"\S+")
_PAUSE = re.compile(r"[,;.!?:]$")


class Utterance:
    """One user utterance, normalised, with the stretches already used by a parameter."""

    def __init__(self, raw: str, now: datetime) -> None:
        self.raw = raw
        self.text = normalize(raw)
        self.now = now
        self._taken: list[tuple[int, int]] = []
        self._pauses: set[int] | None = None
        self._word_ending: dict[int, int] = {}
        self._alignment: list[tuple[str, int, int, int, int]] | None = None

    def said_from(self, start: int) -> str:
        """The words from `start` (in the normalised text) to the end, as they were said: "two dozen,
        chocolate chip" where the normalised text reads "2 dozen chocolate chip". The two texts'
        words are aligned; a word normalising changed maps to the words it came from."""
        at = len(self.text[:start].split())
        if at >= len(self.text.split()):
            return ""
        raw = self.raw.split()
        for tag, i1, i2, j1, _ in self._aligned():
            if i1 <= at < i2 or (i1 == at == i2):
                first = j1 + (at - i1 if tag == "equal" else 0)
                return " ".join(raw[first:]).strip(" .!?")
        return " ".join(self.text.lower().split()[at:])

    def pause_after(self, end: int) -> bool:
        """Whether the word of the normalised text that ends at `end` was followed by a clause's
        punctuation as said ("tag it money and health, low priority": a pause after "health")."""
        if self._pauses is None:
            raw = self.raw.split()
            self._word_ending = {m.end(): i for i, m in enumerate(_WORD.finditer(self.text))}
            self._pauses = set()
            for tag, i1, i2, j1, j2 in self._aligned():
                # a changed block's last word carries the pause after it ("5," for "five,")
                pairs = (
                    zip(range(i1, i2), range(j1, j2), strict=True) if tag == "equal" else [(i2 - 1, j2 - 1)]
                )
                self._pauses |= {i for i, j in pairs if i >= i1 and j >= j1 and _PAUSE.search(raw[j])}
        return self._word_ending.get(end, -1) in self._pauses

    def _aligned(self) -> list[tuple[str, int, int, int, int]]:
        """The normalised text's words aligned with the raw ones (difflib's opcodes), once."""
        if self._alignment is None:
            normal = self.text.lower().split()
            bare = [
                re.sub(r"[^\w'@.:/%$+-]|(?<!\w)[.'/:]|[.'/:@-](?!\w)", "", w).lower()
                for w in self.raw.split()
            ]
            # nothing normalised: no search (a long text of one word repeated made it quadratic)
            same = normal == bare
            self._alignment = (
                [("equal", 0, len(normal), 0, len(bare))]
                if same
                else list(SequenceMatcher(None, normal, bare, autojunk=False).get_opcodes())
            )
        return self._alignment

    def free(self, start: int, end: int) -> bool:
        """Whether no used word lies between `start` and `end`."""
        return all(end <= s or start >= e for s, e in self._taken)

    def take(self, found: Found) -> Any:
        """Mark the value's words as used and return the value."""
        self._taken.extend(found.spans)
        return found.value

    def matches(self, pattern: re.Pattern[str]) -> Iterator[re.Match[str]]:
        """Matches of `pattern` that touch no used words."""
        return (m for m in pattern.finditer(self.text) if self.free(m.start(), m.end()))

    def words(self, start: int = 0) -> Iterator[tuple[str, int, int]]:
        """(word, start, end) from `start` on, ending at the first used word."""
        for match in _WORD.finditer(self.text, start):
            begin, end = match.start(), match.end()
            if not self.free(begin, end):
                return
            yield match.group(0), begin, end

    def free_words(self) -> Iterator[tuple[str, int, int]]:
        """(word, start, end) for every unused word."""
        for match in re.finditer(r"\S+", self.text):
            if self.free(match.start(), match.end()):
                yield match.group(0), match.start(), match.end()

    def rest(self) -> str:
        """The text without the used words."""
        kept, position = [], 0
        for start, end in sorted(self._taken):
            kept.append(self.text[position:start])
            position = max(position, end)
        kept.append(self.text[position:])
        return " ".join(" ".join(kept).split())
