"""One utterance, normalised once, that remembers which stretches already filled a parameter: so
"at 7 pm" cannot also become a party size and "tomorrow" stays out of a task's title."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .spoken import normalize


@dataclass(frozen=True)
class Found:
    """A value and the stretches of the normalised text it came from."""

    value: Any
    spans: tuple[tuple[int, int], ...]


_WORD = re.compile(r"\S+")


class Utterance:
    """One user utterance, normalised, with the stretches already used by a parameter."""

    def __init__(self, raw: str, now: datetime) -> None:
        self.text = normalize(raw)
        self.now = now
        self._taken: list[tuple[int, int]] = []

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
