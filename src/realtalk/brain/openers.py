"""What people say before they get to the point: "oh, so", "um", "wait", "hang on", "no, sorry".

One home for these words, for every place that reads past them (a question, a request, a title, a
topic, a correction, an answer), so the places cannot drift apart again ("wait, add milk" once
titled "Wait milk" because one copy lacked "wait"). The words come in kinds; a place takes the
usual kinds (`USUAL`) or says which it takes and what it adds (`also`), never a copy of its own.
Each entry is a regular expression for one opener ("hang\\s+on"; "u+m+" for a drawn-out "ummm").
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

HESITATIONS = (r"u+m+", r"u+h+", r"e+r+m*", r"h+m+")
"""Sounds made while thinking."""
DISCOURSE = (r"ok(?:ay)?", r"kk?", "so", "well", "oh", "ah", "hey", "right", "alright", r"all\s+right",
             "anyway", "bruh")  # fmt: skip
"""Words that open a turn and mean nothing by themselves."""
LINKS = ("and", "but", "also", "now", "then")
"""Words that join the turn to what went before."""
PAUSES = ("wait", r"hang\s+on", r"hold\s+on", r"one\s+sec(?:ond)?", r"by\s+the\s+way", "btw")
"""Words that break off to say something else (an afterthought, a question, a request)."""
AMENDS = ("actually", "sorry", "oops")
"""Words that break off to amend what was said (they open corrections: "sorry, three, not two")."""
INTERRUPTIONS = (*PAUSES, *AMENDS)
REFUSALS = ("no", "nope", "nah", "naw")
"""A "no" before a correction ("no, Thursday") or a refusal ("no, don't delete it")."""
AGREEMENT = ("yes", "yeah", "yep")
"""A "yes" before an answer or a topic ("yeah, the window cleaner")."""

USUAL = (*HESITATIONS, *DISCOURSE, *LINKS, *INTERRUPTIONS)
"""What any utterance may open with before a request or a question."""


def alternation(kinds: Iterable[str] = USUAL, also: Iterable[str] = ()) -> str:
    """A regex matching one opener of `kinds` or `also` (a group, for a place's own larger pattern)."""
    return "(?:" + "|".join([*kinds, *also]) + ")"


def run(kinds: Iterable[str] = USUAL, also: Iterable[str] = (), most: int = 6) -> str:
    """A regex for a run of at most `most` openers, each ending a word and followed by what separates
    words ("oh, so ", "wait - "). The run is bounded, or a long "so so so ..." would be rescanned from
    every word."""
    return rf"(?:{alternation(kinds, also)}\b\W*){{0,{most}}}"


@lru_cache(maxsize=16)
def _one(kinds: tuple[str, ...], also: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(alternation(kinds, also), re.I)


def is_opener(word: str, kinds: Iterable[str] = USUAL, also: Iterable[str] = ()) -> bool:
    """Whether one token is an opener of `kinds` or `also` (for places that read tokens)."""
    return _one(tuple(kinds), tuple(also)).fullmatch(word) is not None
