"""Numbers and codes said: amounts that are not clock times, codes spoken in pieces ("four one nine
two"), and digits said one at a time and put in place ("first number is 3")."""

from __future__ import annotations

import re
from collections.abc import Sequence

from .utterance import Found, Utterance

_NUMBER = re.compile(r"(?<![\w.:/$-])(-?)\$?(\d+(?:\.\d+)?)%?(?![\w:/]|\.\d)")


# A clock time ("9 am", "9 o'clock", "9 in the morning") says when, not how many.
_CLOCK_AFTER = re.compile(
    r"\s*(?:a\.?\s?m\b\.?|p\.?\s?m\b\.?|o'?clock\b|ish\b|in\s+the\s+(?:morning|afternoon|evening)\b|tonight\b)",
    re.I,
)


def numbers(utterance: Utterance) -> list[Found]:
    """Every unused number that is not a clock time, in order."""
    return [
        Found(float(m.group(1) + m.group(2)), ((m.start(), m.end()),))
        for m in utterance.matches(_NUMBER)
        if not _CLOCK_AFTER.match(utterance.text, m.end())
    ]


_DIGITS_TOKEN = re.compile(r"\d+(?:-\d+)*")
_SOUNDS_LIKE_A_DIGIT = {"to": "2", "too": "2", "for": "4", "won": "1", "ate": "8"}
"""Words a speech recogniser writes for a digit said among others ("1 to 3 4" for "1 2 3 4")."""
_CODE_TOKEN = re.compile(r"[a-z0-9]*\d[a-z0-9]*(?:-[a-z0-9]+)*|[a-z]", re.IGNORECASE)


def code(utterance: Utterance, min_length: int = 3, digits: bool = False) -> Found | None:
    """A code spoken in pieces: "four one nine two" -> "4192", "a b c 1 2 3" -> "ABC123" (`digits`:
    a code of digits only, so "2 0 2 6 i think" is 2026 and "482 ion" is 482)."""
    token = _DIGITS_TOKEN if digits else _CODE_TOKEN
    best: list[tuple[str, int, int]] = []
    run: list[tuple[str, int, int]] = []
    matches = [*re.finditer(r"\S+", utterance.text), None]
    for at, (match, following) in enumerate(zip(matches, [*matches[1:], None], strict=True)):
        word = "" if match is None else match.group(0)
        if digits and word.lower() in _SOUNDS_LIKE_A_DIGIT and _one_digit(run, following):
            word = _SOUNDS_LIKE_A_DIGIT[word.lower()]  # between digits said one by one: a digit misheard
        if match is not None and token.fullmatch(word) and utterance.free(match.start(), match.end()):
            run.append((word, match.start(), match.end()))
            continue
        if digits and run and _bridges(matches[at:]):
            continue  # "triple 7, then 2", "8 and 1": the code goes on after the word
        # Of codes as long, the last said is meant: "1 2 3 4, no sorry, 1 2 4 3".
        if _code_value(run) and len(_code_value(run)) >= len(_code_value(best)):
            best = run
        run = []
    value = _code_value(best)
    if len(value) < min_length:
        return None
    return Found(value, ((best[0][1], best[-1][2]),))


_BRIDGE = frozenset({"then", "and", "followed", "by", "next", "after", "that"})


def _bridges(rest: Sequence[re.Match[str] | None]) -> bool:
    """Whether the words from here on are words that link digits ("and then", "followed by") and
    then a digit."""
    for match in rest:
        word = "" if match is None else match.group(0).lower()
        if word not in _BRIDGE:
            return _DIGITS_TOKEN.fullmatch(word) is not None and match is not rest[0]
    return False


_COUNT_AFTER = re.compile(r"\b(?:first|last|next|other|1st)\s+\d\b", re.I)


def placed_digits(utterance: Utterance) -> Found | None:
    """Every digit said, in order, when they are said one at a time and put in place ("first number
    is 3, second is 9", "the last is 4"): a count after "first" or "last" ("the first two are ...")
    is no digit of it."""
    counts = {m.end() - 1 for m in _COUNT_AFTER.finditer(utterance.text)}
    found = [m for m in utterance.matches(re.compile(r"(?<![\w.:])\d+(?![\w.:])")) if m.start() not in counts]
    if not found or any(len(m.group(0)) > 1 for m in found):
        return None
    return Found("".join(m.group(0) for m in found), tuple(m.span() for m in found))


def _one_digit(run: list[tuple[str, int, int]], following: re.Match[str] | None) -> bool:
    """Whether a code's digits are being said one by one on both sides of the next word."""
    after = following.group(0) if following is not None else ""
    return bool(run) and len(run[-1][0]) == 1 and len(after) == 1 and after.isdigit()


def _code_value(run: list[tuple[str, int, int]]) -> str:
    value = "".join(token for token, _, _ in run).replace("-", "").upper()
    # Single letters alone are words ("a", "i"), not a code.
    return value if any(c.isdigit() for c in value) or len(run) >= 3 else ""
