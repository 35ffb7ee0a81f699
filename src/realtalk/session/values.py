"""Whether a reading's values fit what the session's tools take.

Whisper's score weighs sound and English, not the tools: of "The code is 77001" and "The code in
7 7 0 1" it prefers the first, which no 4-digit code fits. A reading gains a point when it gives
a value that its parameter's JSON schema accepts, loses one when it gives only values the schemas
refuse, and neither for saying none (a single digit is no attempt at a longer code: "one more,
please" heard as "1 more, please"). A code gains only when another reading gives it too (`fits`):
the prompt's example code can pull one reading into a code never said. The parameters listened
for, from the schemas alone (`Wanted.of`):

- a code of digits (a `pattern` of digits, or a description that states its digits, "the 4-digit
  code", as `brain/validation.py` reads it), always: a bare string of digits asks for the one
  tool that takes it (`brain/choosing.py`);
- any other parameter only when the agent's last words ask for it: by its name ("What's the
  code?", "What are the tags?") or by its kind ("When should it be?" for a date or time, "How
  many?" for a number).

Digits said one by one are often heard as words that sound like them ("fine, fine, fine, fine",
"Nero Nero Nero Nero", "3 or 8 5"): a run of digits and such words exactly as long as a code the
tools take is written as its digits (`digits_put_back`); the run's length is what makes it a code.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from ..brain import extract, lexicon, validation
from ..brain.base import ToolSpec
from ..brain.parameters import Param, params_of
from ..engines.base import Hypothesis

MAX_CODE_DIGITS = 16
"""Longest code a pattern's lengths are read to (card numbers are 16 digits)."""

_DIGIT_WORDS = {"zero": "0", "oh": "0", "one": "1", "two": "2", "three": "3", "four": "4", "five": "5",
                "six": "6", "seven": "7", "eight": "8", "nine": "9"}  # fmt: skip
"""Digits as words: the brain reads these itself, so a run of them alone stays as heard."""
_SOUNDS_LIKE = {"o": "0", "or": "0", "nero": "0", "won": "1", "to": "2", "too": "2", "free": "3", "tree": "3",
                "for": "4", "fore": "4", "fine": "5", "sick": "6", "ate": "8", "nein": "9"}  # fmt: skip
"""What tiny.en writes for a digit said alone among others (heard in the evaluation's spoken codes:
"fine" for 5, "Nero" and "or" for 0, "free" for 3)."""
_SMALL_WORDS = frozenset({"o", "or", "to", "too", "for"})
"""Sound-alikes as often the small word itself, beside a code ("... 5 5 5 for me", "try to 1 2 3 4")."""
_NUMERAL = re.compile(r"\d+(?:[.-]\d+)*")
_WHEN_QUESTION = re.compile(r"\b(?:when|what\s+time|which\s+day|what\s+day|what\s+date|how\s+soon)\b", re.I)
_NUMBER_QUESTION = re.compile(r"\b(?:how\s+many|how\s+much|what\s+number|which\s+number)\b", re.I)
_WHEN_KINDS = ("datetime", "date", "time")
_DIGITS_PATTERN = re.compile(r"\^?(?:\\d|\[0-9\])\{(?P<low>\d{1,2})(?P<comma>,(?P<high>\d{1,2})?)?\}\$?")
"""A pattern of so many digits, as schemas write one: "^\\d{4}$", "^[0-9]{4,6}$". Read, not run: a
client's pattern may take seconds to search (nested repeats), and tools are read on the event loop."""


@dataclass(frozen=True)
class Wanted:
    """A parameter a turn may give a value for, and the digit counts it takes when it is a code."""

    param: Param
    lengths: frozenset[int] = frozenset()

    @classmethod
    def of(cls, tools: Iterable[ToolSpec], agent_said: str) -> tuple[Wanted, ...]:
        """The codes of digits the tools take, and the parameters the agent's last question asks for."""
        said = agent_said.rstrip()[-300:]  # a question is its last sentence, and short
        asked = re.split(r"[.!?]\s", said)[-1] if said.endswith("?") else ""
        asked_stems = {lexicon.stem(w) for w in lexicon.tokens(asked)}
        when, number = bool(_WHEN_QUESTION.search(asked)), bool(_NUMBER_QUESTION.search(asked))
        return tuple(
            wanted
            for tool in tools
            for wanted in _listened(tool.name, json.dumps(tool.parameters, sort_keys=True, default=str))
            if wanted.lengths
            or (wanted.param.words & asked_stems)
            or (when and wanted.param.kind in _WHEN_KINDS)
            or (number and wanted.param.kind == "number")
        )

    def fit(self, value: Any) -> int:
        """1 if this parameter's schema accepts `value`, -1 if it refuses it, 0 for no value."""
        if value is None or (self.lengths and len(str(value)) < min(2, *self.lengths)):
            return 0
        return -1 if validation.problem(self.param.spec, value) else 1

    @property
    def reads(self) -> tuple[str, bool, bool]:
        """How its value is read from words: parameters alike read the same value (`fit`)."""
        return self.param.kind, bool(self.lengths), self.param.spec.get("type") == "integer"


_CHECKED = frozenset({"code", "number", *_WHEN_KINDS})
"""Kinds whose value a reading carries unmistakably, so that a wrong one shows."""


@lru_cache(maxsize=256)
def _listened(name: str, parameters: str) -> tuple[Wanted, ...]:
    """A tool's parameters that may be listened for (read once per distinct tool: a session sends
    the same tools every turn, and this runs on the event loop)."""
    tool = ToolSpec(name, "", json.loads(parameters))
    return tuple(
        Wanted(p, _code_lengths(p)) for p in params_of(tool) if p.kind in _CHECKED or _code_lengths(p)
    )


def _value(param: Param, utterance: extract.Utterance, digits: bool) -> Any:
    if param.kind in _WHEN_KINDS:
        found = extract.when(utterance, param.kind)
        return None if found is None else found.value
    if param.kind == "number" and not digits:
        numbers = extract.numbers(utterance)
        if not numbers:
            return None
        number = numbers[0].value
        return int(number) if param.spec.get("type") == "integer" and number == int(number) else number
    code = extract.code(utterance, min_length=1, digits=digits)
    if code is None:
        return None
    if param.spec.get("type") == "integer":
        return int(code.value) if code.value.isdigit() else code.value
    return code.value


def _code_lengths(param: Param) -> frozenset[int]:
    """The digit counts a code of digits takes (its stated digits, or its pattern's); none for
    anything else."""
    if param.kind not in ("code", "number", "text", "entity"):
        return frozenset()
    stated = validation.stated_digits(str(param.spec.get("description", "")))
    if stated is not None and param.kind == "code":
        return frozenset({stated})
    pattern = param.spec.get("pattern")
    shape = _DIGITS_PATTERN.fullmatch(pattern) if isinstance(pattern, str) else None
    if shape is None:
        return frozenset()
    low = int(shape.group("low"))
    high = MAX_CODE_DIGITS if shape.group("comma") else low  # "{4,}": any length from 4
    if shape.group("high"):
        high = int(shape.group("high"))
    return frozenset(range(max(low, 1), min(high, MAX_CODE_DIGITS) + 1))


def fit(text: str, wanted: Sequence[Wanted], now: datetime) -> int:
    """1 if `text` gives any parameter listened for a value it accepts, else -1 if it gives one a
    value it refuses, else 0 (several tools may take the same value: a due date is counted once)."""
    return _verdict(text, wanted, now)[0]


def fits(readings: Sequence[Hypothesis], wanted: Sequence[Wanted], now: datetime) -> list[int]:
    """Each reading's `fit`, a code accepted counting only when another reading gives it too (or a
    second recogniser gave the reading): the prompt shows an example code (`hearing.py`), and a code
    one reading alone gives may be the example's pull, not the speaker's ("1 3 3 1. Please." for
    "Another one, please.", among readings that heard none). Other values, and values refused,
    count as they are."""
    return supported(readings, weigh(readings, wanted, now))


Weighed = tuple[int, frozenset[tuple[str, str, bool]]]
"""A reading's `fit` before support is asked for, and the values it gave that fit."""


def weigh(readings: Sequence[Hypothesis], wanted: Sequence[Wanted], now: datetime) -> list[Weighed]:
    """Each reading's values weighed (0: it gives none the tools' schemas weigh)."""
    return [_verdict(r.text, wanted, now) for r in readings]


def supported(readings: Sequence[Hypothesis], read: Sequence[Weighed]) -> list[int]:
    """`fits` from the readings' values weighed (`weigh`)."""
    return [
        0
        if verdict > 0
        and reading.votes < 2
        and all(code for _, _, code in accepted)
        and not any(accepted & other for j, (_, other) in enumerate(read) if j != i)
        else verdict
        for i, (reading, (verdict, accepted)) in enumerate(zip(readings, read, strict=True))
    ]


def _verdict(text: str, wanted: Sequence[Wanted], now: datetime) -> Weighed:
    """`fit`'s verdict, and the values accepted (the parameter's name, the value, whether a code)."""
    utterance = extract.Utterance(text, now)
    read: dict[tuple[str, bool, bool], Any] = {}
    for w in wanted:
        if w.reads not in read:  # four tools' due dates: one date to read (dateparser takes ms)
            read[w.reads] = _value(w.param, utterance, bool(w.lengths))
    fits = [w.fit(read[w.reads]) for w in wanted]
    accepted = frozenset(
        (w.param.name, str(read[w.reads]), bool(w.lengths))
        for w, f in zip(wanted, fits, strict=True)
        if f > 0
    )
    return (max(fits) if any(f > 0 for f in fits) else min(fits, default=0)), accepted


def digits_put_back(text: str, wanted: Sequence[Wanted]) -> str:
    """`text` with a run of digits said one by one and words that sound like digits, exactly as long
    as a code the tools take, written as those digits: "Open it with fine, fine, fine, fine" -> "...
    5 5 5 5". A run with a number in it ("71 ate 2") stays as heard; in one too long, a sound-alike
    at one end is taken for the word it is ("fine fine fine fine for me": "for" is "for")."""
    lengths = {n for w in wanted for n in w.lengths}
    if not lengths:
        return text
    words = text.split()
    out: list[str] = []
    i = 0
    while i < len(words):
        run = _digit_run(words[i:])
        if not run:
            out.append(words[i])
            i += 1
            continue
        out += _as_code(words[i : i + run], lengths)
        i += run
    return " ".join(out)


def _as_code(run: list[str], lengths: set[int]) -> list[str]:
    """A run of digit-like words, its code written as digits where a code's length fits (see
    `digits_put_back`)."""
    spans = [(0, len(run))]
    if len(_digits(run)) not in lengths:
        small = [_word(run[0]) in _SMALL_WORDS, _word(run[-1]) in _SMALL_WORDS]
        trimmed = [(a, b) for (a, b), ok in zip([(1, len(run)), (0, len(run) - 1)], small, strict=True) if ok]
        spans = [(a, b) for a, b in trimmed if len(_digits(run[a:b])) in lengths]
    if len(spans) != 1 or not _misheard(run[spans[0][0] : spans[0][1]]):
        return run  # no code, two ways to read one, or one the brain reads as it is
    a, b = spans[0]
    trailing = re.search(r"[.,!?;:]+$", run[b - 1])
    return [*run[:a], " ".join(_digits(run[a:b])) + (trailing.group(0) if trailing else ""), *run[b:]]


def _digit_run(words: Sequence[str]) -> int:
    """How many words from the first on are digits or digit-like words, to a sentence's end."""
    count = 0
    for word in words:
        if not (
            _NUMERAL.fullmatch(_word(word)) or _word(word) in _DIGIT_WORDS or _word(word) in _SOUNDS_LIKE
        ):
            break
        count += 1
        if word[-1:] in ".!?":
            break  # a sentence ends: the next one's numbers are another value
    return count


def _digits(run: Sequence[str]) -> str:
    """The digits a run of digit-like words says; "" when a number of several digits is among them
    (not digits said one by one)."""
    digits = ""
    for word in map(_word, run):
        if _NUMERAL.fullmatch(word):
            if len(word) > 1 and "." not in word:
                return ""
            digits += re.sub(r"\D", "", word)
        else:
            digits += _DIGIT_WORDS.get(word) or _SOUNDS_LIKE[word]
    return digits


def _misheard(words: Sequence[str]) -> bool:
    """Whether a run needs writing as digits: a word that only sounds like one, or digits run into a
    decimal ("0.042")."""
    return any(_word(w) in _SOUNDS_LIKE or "." in _word(w) for w in words)


def _word(token: str) -> str:
    return token.strip(",.!?;:").lower()
