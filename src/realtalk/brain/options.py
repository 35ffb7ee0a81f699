"""An enum parameter's option said without its name: by what the description says it stands for
("high if urgent": "it's urgent" is high) or by degree on an ordered scale ("less urgent")."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from . import degree, extract, lexicon
from .base import ToolSpec
from .extract import Found, Utterance
from .parameters import Param, params_of


def described_option(param: Param, text: str, now: datetime) -> Any | None:
    """The option the parameter's description explains the words stand for, or None."""
    found = option_described(param, Utterance(text, now))
    return found.value if found is not None else None


def option_described(param: Param, utterance: Utterance) -> Found | None:
    """An option the description explains: "high if urgent or important" makes "it's urgent" high."""
    options = {str(o).lower(): o for o in param.spec.get("enum") or []}
    description = str(param.spec.get("description", ""))
    for match in re.finditer(r"\b(\w+)\s+(?:if|when|for|means)\s+([\w\s,]+?)(?=[.;:)]|$)", description, re.I):
        option = options.get(match.group(1).lower())
        words = [
            w for w in re.split(r"\s*,\s*|\s+or\s+|\s+", match.group(2)) if w and w not in lexicon.STOPWORDS
        ]
        if option is None or not words:
            continue
        alternatives = "|".join(map(re.escape, words))
        # The intensifiers before the word are bounded: unbounded, a long "so so so ..." that never
        # reaches the word would be rescanned from each of its words.
        pattern = re.compile(
            rf"(?:\b(?:it's|it\s+is|that's|and|very|really|super|pretty|quite|fairly|rather|extremely|so|kind\s+of"
            rf"|kinda|a\s+bit)\s+){{0,4}}\b(?:{alternatives})\b",
            re.I,
        )
        said = next(utterance.matches(pattern), None)
        if said is not None:
            return Found(option, (said.span(),))
    return None


def overlap(one: Found, other: Found) -> bool:
    return any(a < d and c < b for a, b in one.spans for c, d in other.spans)


def by_degree(tool: ToolSpec, text: str, now: datetime) -> bool:
    """Whether the words set one of the tool's scale options by degree ("make X less urgent")."""
    return any(p.kind == "enum" and option_by_degree(p, Utterance(text, now)) for p in params_of(tool))


def option_by_degree(param: Param, utterance: Utterance) -> Found | None:
    """An option of an ordered scale said by degree ("less urgent", "lower the priority"), the
    words that stand for an option read from the description ("high if urgent": urgent is high)."""
    options = list(param.spec["enum"])
    if degree.order(options) is None:
        return None
    return degree.said(utterance, options, _standing(param), param.words, param.spec.get("default"))


def scale_way(param: Param, text: str, now: datetime) -> tuple[int, bool]:
    """(+1 or -1 when the words move an ordered option one step from where it stands, else 0;
    whether they say where it stands), as `degree.way`."""
    options = list(param.spec.get("enum") or [])
    if param.kind != "enum" or degree.order(options) is None:
        return 0, False
    by_degree = option_by_degree(param, Utterance(text, now))
    for named in (
        extract.enum(Utterance(text, now), options),
        option_described(param, Utterance(text, now)),
    ):
        if named is not None and (by_degree is None or not overlap(by_degree, named)):
            return (
                0,
                False,
            )  # "bump it up to high priority", "it's pretty important, bump it up": said outright
    return degree.way(Utterance(text, now), options, _standing(param), param.words)


def _standing(param: Param) -> dict[str, Any]:
    """The stems of the words the description says stand for an option ("high if urgent")."""
    return {
        lexicon.stem(word.lower()): option
        for option in param.spec["enum"]
        for word in described_words(param.spec, re.escape(str(option)))
        if " " not in word
    }


def described_words(spec: object, value: str = r"\w+") -> list[str]:
    """The words and phrases a parameter's description says a value stands for: "true if late or
    past due" -> late, "past due"; "high if urgent or important" -> urgent, important (`value`:
    which values). A phrase stays whole: "past" alone is not late ("half past five")."""
    description = str(spec.get("description", "")) if isinstance(spec, dict) else ""
    words: list[str] = []
    for said in re.finditer(
        rf"\b{value}\s+(?:if|when|for|means)\s+([\w\s,]+?)(?=[.;:)]|$)", description, re.I
    ):
        for phrase in re.split(r"\s*,\s*|\s+or\s+", said.group(1)):
            content = [w for w in phrase.split() if w.lower() not in lexicon.STOPWORDS]
            words += content if len(content) <= 1 else [" ".join(phrase.split())]
    return words
