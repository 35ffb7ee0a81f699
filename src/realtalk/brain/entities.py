"""Which of the names the tools hold (task titles) some heard words name, and how surely.

Speech recognition mishears names ("rapport" for "report", "lanlord" for "landlord"), and a tool
that matches words loosely would then change whatever it guessed. Before a call that changes a
named thing, the built-in brain compares the words it is about to send with the names the
server's tools hold (`BrainRequest.known`). Words heard as they are written, or in another form
("picked" for "pick"), are sure signs; words that only sound alike (the same Metaphone key) or are
spelt alike (Jaro-Winkler similarity) are not. When a name fits by more words that are not its
own than words that are, the brain asks "Did you mean ...?" first.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass

import jellyfish

from . import lexicon

ALIKE = 0.85
"""Jaro-Winkler similarity from which two words count as spelt alike ("lanlord"/"landlord" 0.9)."""


@dataclass(frozen=True)
class Match:
    name: str
    """The name as the tools hold it."""
    sure: bool
    """As many heard words are the name's own as only sound or look like its words, and at least one."""


def closest(words: str, known: Sequence[str]) -> Match | None:
    """The known name the words fit best (the first of equals), or None when none fits at all."""
    heard = _content(words)
    best: tuple[float, int, int, str] | None = None
    for name in known:
        own = _own(name)
        likeness = [max((_likeness(word, w) for w in own), default=0.0) for word in heard]
        exact = likeness.count(1.0)
        score = (sum(likeness), exact, len(likeness) - likeness.count(0.0) - exact, name)
        if score[0] > 0 and (best is None or score[:2] > best[:2]):
            best = score
    return None if best is None else Match(best[3], sure=best[1] > 0 and best[1] >= best[2])


def tied(words: str, known: Sequence[str]) -> list[str]:
    """The known names the words fit equally best by their own words, when more than one does:
    "the call" with "Call the plumber" and "Call the bank" held names neither more than the other,
    so which one is meant has to be asked (a name that fits by more of its words wins outright)."""
    if any(words.strip().lower() == name.strip().lower() for name in known):
        return []  # a name said whole ("Go to the gym", read out just now) is that one
    heard = _content(words)
    scored = []
    for name in dict.fromkeys(known):
        own = {lexicon.stem(w) for w in _own(name)}
        scored.append((sum(lexicon.stem(w) in own for w in heard), name))
    best = max((score for score, _ in scored), default=0)
    names = [name for score, name in scored if score == best]
    return names if best > 0 and len(names) > 1 else []


def held(words: str, known: Sequence[str]) -> bool:
    """Whether the words name a held thing: every content word of theirs is one of its name's
    ("the bill" for "Pay the water bill", not "call mum" for "Call the dentist")."""
    heard = {lexicon.stem(w) for w in _content(words)}
    return bool(heard) and any(heard <= {lexicon.stem(w) for w in _own(name)} for name in known)


def mostly_other(words: str, name: str) -> bool:
    """Whether more of the words are not the name's own than are ("twelve-hour shift" of "Swap
    weekend shift with Deepa"): words that describe some other thing that shares one of its words."""
    own = {lexicon.stem(w) for w in _own(name)}
    heard = [lexicon.stem(w) for w in _content(words)]
    return sum(w not in own for w in heard) > sum(w in own for w in heard)


def _content(text: str) -> list[str]:
    """The content words, and each hyphenated word also as one ("thank-you card": "thank" and "you"
    are common words, "thankyou" names the card, as a held name's words written as one do)."""
    words = [w for w in lexicon.tokens(text) if w not in lexicon.STOPWORDS and not w[0].isdigit()]
    return words + [w.replace("-", "").lower() for w in _HYPHENATED.findall(text)]


_HYPHENATED = re.compile(r"\b[^\W\d_]+(?:-[^\W\d_]+)+\b")


def _own(name: str) -> list[str]:
    """A held name's content words, the initials of each two or three in a row and each two written
    as one: "PR" names "Review Sam's pull request", "pickup" "Pick up Nan" (as people shorten)."""
    words = [w for w in lexicon.tokens(name) if not w[0].isdigit()]
    shortened = {
        "".join(w[0] for w in words[i : i + size])
        for size in (2, 3)
        for i in range(len(words) - size + 1)
        if words[i] not in lexicon.STOPWORDS and words[i + size - 1] not in lexicon.STOPWORDS
    } | {one + two for one, two in itertools.pairwise(words) if "'" not in one}
    return [*_content(name), *sorted(shortened - set(words))]


def _likeness(heard: str, word: str) -> float:
    """1 for the same word or a form of it; 0.8 for one that sounds or is spelt alike; else 0."""
    if lexicon.stem(heard) == lexicon.stem(word):
        return 1.0
    if min(len(heard), len(word)) < 4:
        return 0.0  # short words sound alike by the dozen
    if jellyfish.metaphone(heard) == jellyfish.metaphone(word):
        return 0.8
    return 0.8 if jellyfish.jaro_winkler_similarity(heard, word) >= ALIKE else 0.0
