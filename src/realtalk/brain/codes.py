"""Codes of a stated length (a PIN, "the 4-digit code"): said in parts over several turns, and
questions about how long they are.

"The first two are eight and one." ... "And then four, oh.": each part alone is too short for the
code, together they are the code. "How many numbers is the code?" is answered from the schema (a
description that states the digits, a pattern, or equal minimum and maximum lengths), never by
asking for the code.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime

from . import extract, intent, lexicon, parameters, validation
from .base import ToolSpec
from .parameters import Param

_FRONT = re.compile(r"\b(?:first|begins?|beginning|starts?|starting|opens?\s+with)\b", re.I)
_BACK = re.compile(r"\b(?:last|ends?|ending|finish(?:es)?|finishing)\b", re.I)
_HOW_LONG = re.compile(
    r"\bhow\s+(?:many\s+(?:digits?|numbers?|characters?|letters?|figures?)|long)\b"
    r"|\b(?:number|count)\s+of\s+(?:digits?|numbers?|characters?)\b",
    re.I,
)


def length(param: Param) -> tuple[int, str] | None:
    """How many characters the parameter's schema asks for, and what they are ("digits"), when it
    states a number."""
    digits = validation.digit_count(param.spec)
    if digits is not None:
        return digits, "digits"
    low, high = param.spec.get("minLength"), param.spec.get("maxLength")
    return (low, "characters") if isinstance(low, int) and low == high else None


def joined(param: Param, said: Sequence[str], now: datetime) -> str | None:
    """The code the last few utterances give together (oldest first; the last is the answer to our
    question), when the answer alone is too short and with the parts before it is just long enough."""
    size = length(param)
    if param.kind != "code" or size is None or not said:
        return None
    needed = size[0]
    parts = [_part(extract.Utterance(s, now)) for s in said]
    digits = [str(p.value) if p is not None else "" for p in parts]
    if not digits[-1] or len(digits[-1]) >= needed:
        return None
    taken: list[tuple[str, str]] = []
    for text, part in zip(reversed(said), reversed(digits), strict=True):
        taken.insert(0, (text, part))
        if sum(len(p) for _, p in taken) >= needed:
            break
    # "the last two are 3 and 8" ... "the first two are 1 1": each part where its words put it
    place = {text: 0 if _FRONT.search(text) else 2 if _BACK.search(text) else 1 for text, _ in taken}
    code = "".join(part for text, part in sorted(taken, key=lambda t: place[t[0]]))
    fits = len(code) == needed and validation.problem(param.spec, code) is None
    return code if fits else None


def _part(utterance: extract.Utterance) -> extract.Found | None:
    """The digits one utterance gives of a code: the digits it puts in place ("third is 1 and the
    last is 4"), else its longest run."""
    return extract.placed_digits(utterance) or extract.code(utterance, min_length=1, digits=True)


_ASKS_FOR = re.compile(
    r"\b(?:what(?:'s|\s+is|\s+are)|tell\s+me|give\s+me|reveal|say)\s+(?:the|your)\s+(?:\w+\s+)?(?P<what>\w+)\b",
    re.I,
)
_DIGIT_WORDS = frozenset(lexicon.stem(w) for w in ("number", "numbers", "digit", "digits"))


def asks_for(text: str, param: Param) -> bool:
    """Whether the user asks us for the code a tool needs from them ("just tell me the code",
    "what's the first number?"): then they are not trying one."""
    found = _ASKS_FOR.search(text)
    what = lexicon.stem(found.group("what").lower()) if found else ""
    return param.kind == "code" and bool(what) and (what in param.words or what in _DIGIT_WORDS)


def length_answer(tools: Sequence[ToolSpec], text: str) -> str | None:
    """ "How many digits is the code?", "how many numbers do I need?": how long the code a tool takes
    is, when a question asks it and names the code by its parameter's words, or asks for digits and
    only one code has a length ("how long" alone may ask about time)."""
    found = _HOW_LONG.search(text) if intent.is_question(text) else None
    if found is None:
        return None
    words = {lexicon.stem(w) for w in lexicon.tokens(text)}
    sized = [
        (param, size)
        for tool in tools
        for param in parameters.params_of(tool)
        if param.kind == "code" and (size := length(param)) is not None
    ]
    named = [(p, s) for p, s in sized if p.words & words]
    if not named and found.group(0).lower().split()[-1] != "long" and len(sized) == 1:
        named = sized
    if not named:
        return None
    param, (count, unit) = named[0]
    return f"The {lexicon.humanize(param.name)} has {count} {unit}."
