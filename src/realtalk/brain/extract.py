"""Pulling typed values out of spoken words: numbers, digit codes, dates, times, places, names.

Input comes from speech recognition, so numbers may be spelled out ("twenty five"), codes spoken
digit by digit ("four one nine two"), and punctuation and capitals may be missing.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

import dateparser

_UNITS = {
    "zero": 0, "oh": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}  # fmt: skip
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
         "ninety": 90}  # fmt: skip
_SCALES = {"hundred": 100, "thousand": 1000, "million": 1_000_000}
_DIGIT_WORDS = {k: v for k, v in _UNITS.items() if v < 10}
_NUMBER_WORD = re.compile(r"\b(?:" + "|".join([*_UNITS, *_TENS, *_SCALES, "and", "a"]) + r")\b")
_TOKEN = re.compile(r"[a-z0-9]+(?:[.:'][a-z0-9]+)*")

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_DATE_PHRASE = re.compile(
    r"\b(?:(?:the\s+)?day\s+after\s+tomorrow|today|tonight|tomorrow|yesterday"
    r"|(?:next|this|last)\s+(?:week|month|year|" + "|".join(WEEKDAYS) + r")"
    r"|(?:on\s+)?(?:" + "|".join(WEEKDAYS) + r")"
    r"|in\s+\w+\s+(?:days?|weeks?|months?)"
    r"|(?:january|february|march|april|may|june|july|august|september|october|november|december)"
    r"\s+\d{1,2}(?:st|nd|rd|th)?"
    r"|\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:january|february|march|april|may|june|july|august"
    r"|september|october|november|december)"
    r"|\d{4}-\d{2}-\d{2})\b"
)
_TIME_PHRASE = re.compile(
    r"\b(?:at\s+)?(?:\d{1,2}(?::\d{2})?\s*(?:a\.?m\.?|p\.?m\.?)|\d{1,2}:\d{2}|noon|midnight"
    r"|at\s+\d{1,2}(?:\s+o'?clock)?)\b"
)
_PLACE_PREPOSITIONS = ("in|at|near|from", "to|for")  # "going to rain in Paris": "in" wins over "to"
_PLACE = [
    re.compile(rf"\b(?:{p})\s+([A-Za-z][\w'.-]*(?:\s+[A-Za-z][\w'.-]*){{0,3}})") for p in _PLACE_PREPOSITIONS
]
# Words that end a place name: "weather in new york today" stops at "today".
_NOT_PLACE = {
    "today", "tomorrow", "tonight", "now", "please", "right", "this", "next", "the", "a", "an", "me", "and",
    "at", "on", "for", "with", "is", "like", "be", "will", "it", "there", "what", "how", "weather", "time",
    "morning", "evening", "afternoon", "week", "weekend", "pm", "am", "o'clock", "people", "person",
    "minutes",
    "hours", "days", "my", "your", "our", "their", "some", "of", "by", "from", "to", "in",
}  # fmt: skip
_NOT_NAME = {"you", "me", "it", "them", "him", "her", "us", "the", "a", "an", "my", "your", "this", "that",
             "today", "tomorrow", "tonight", "people", "person", "dinner", "lunch"}  # fmt: skip


def words_to_numbers(text: str) -> str:
    """Replace spelled-out numbers with digits: "twenty five people" -> "25 people"."""
    out: list[str] = []
    run: list[str] = []

    def flush() -> None:
        value = _parse_number_words(run)
        if value is None:
            out.extend(run)
        else:
            trailing = [w for w in reversed(run) if w in ("and", "a")]
            out.append(str(value))
            out.extend(reversed(trailing[: len(trailing) if run[-1] in ("and", "a") else 0]))
        run.clear()

    for word in text.split():
        bare = word.lower().strip(",.!?")
        if bare in _UNITS or bare in _TENS or bare in _SCALES or (run and bare in ("and", "a")):
            run.append(bare)
        else:
            if run:
                flush()
            out.append(word)
    if run:
        flush()
    return " ".join(out)


def _parse_number_words(words: list[str]) -> int | None:
    total, current, seen = 0, 0, False
    for word in words:
        if word in _UNITS:
            current += _UNITS[word]
        elif word in _TENS:
            current += _TENS[word]
        elif word in _SCALES:
            current = max(current, 1) * _SCALES[word]
            if _SCALES[word] >= 1000:
                total, current = total + current, 0
        elif word in ("and", "a"):
            continue
        else:
            return None
        seen = True
    return total + current if seen else None


def numbers(text: str) -> list[float]:
    """Every number in the text, spelled out or in digits, in order."""
    found = re.findall(r"-?\d+(?:\.\d+)?", words_to_numbers(text).replace(",", ""))
    return [float(n) for n in found]


def digit_code(text: str, min_digits: int = 3) -> str | None:
    """A code spoken digit by digit ("four one nine two" or "4 1 9 2" or "4192") -> "4192"."""
    tokens = re.findall(r"[a-z]+|\d+", text.lower())
    best, run = "", ""
    for token in [*tokens, "."]:
        if token in _DIGIT_WORDS:
            run += str(_DIGIT_WORDS[token])
        elif token.isdigit():
            run += token
        else:
            best = max(best, run, key=len)
            run = ""
    return best if len(best) >= min_digits else None


def date_in(text: str, now: datetime | None = None) -> str | None:
    """An ISO date ("2026-11-27") for the first date phrase in the text, if any."""
    match = _DATE_PHRASE.search(text.lower())
    if match is None:
        return None
    parsed = _parse_when(match.group(0).removeprefix("on "), now)
    return parsed.date().isoformat() if parsed else None


def time_in(text: str, now: datetime | None = None) -> str | None:
    """A 24-hour "HH:MM" for the first time phrase in the text, if any."""
    match = _TIME_PHRASE.search(words_to_numbers(text.lower()))
    if match is None:
        return None
    phrase = match.group(0).removeprefix("at ").replace("o'clock", "").replace("oclock", "").strip()
    if phrase.isdigit():
        hour = int(phrase)
        return f"{hour if hour > 7 or hour == 0 else hour + 12:02d}:00"  # "at 3" means 3 pm
    parsed = _parse_when(phrase, now)
    return parsed.strftime("%H:%M") if parsed else None


def datetime_in(text: str, now: datetime | None = None) -> str | None:
    """ISO date-time from a date and/or a time phrase ("tomorrow at 3pm")."""
    day, hour = date_in(text, now), time_in(text, now)
    if day is None and hour is None:
        return None
    base = now or datetime.now()
    return f"{day or base.date().isoformat()}T{hour or '09:00'}:00"


def _parse_when(phrase: str, now: datetime | None) -> datetime | None:
    settings: dict[str, Any] = {"PREFER_DATES_FROM": "future"}
    if now is not None:
        settings["RELATIVE_BASE"] = now
    parsed: datetime | None = dateparser.parse(phrase, languages=["en"], settings=settings)
    return parsed


def place_in(text: str) -> str | None:
    """The place after "in/at/to/for/from/near": "weather in new york today" -> "New York"."""
    for match in (m for pattern in _PLACE for m in pattern.finditer(text)):
        words = []
        for word in match.group(1).split():
            bare = word.lower().strip(".,")
            if (
                bare in _NOT_PLACE
                or bare in WEEKDAYS
                or bare in _UNITS
                or bare in _TENS
                or bare[:1].isdigit()
            ):
                break
            words.append(word.strip(".,"))
        if words:
            return " ".join(w if w[:1].isupper() else w.capitalize() for w in words)
    return None


def name_in(text: str) -> str | None:
    """A person's name after "name is", "I'm", "called", "named", "for" or "with"."""
    pattern = (
        r"\b(?:name\s+is|i\s+am|i'm|called|named|for|with|call)\s+([A-Za-z][a-z'-]+(?:\s+[A-Za-z][a-z'-]+)?)"
    )
    for match in re.finditer(pattern, text, re.IGNORECASE):
        name = match.group(1).split()
        first = name[0].lower()
        if first in _NOT_NAME or first in _NOT_PLACE or first in _UNITS or first in _TENS:
            continue
        if len(name) > 1 and (name[1].lower() in _NOT_PLACE or name[1].lower() in _NOT_NAME):
            name = name[:1]
        return " ".join(w.capitalize() for w in name)
    return None


def strip_when(text: str) -> str:
    """The text without its date and time phrases ("buy milk tomorrow at 3pm" -> "buy milk")."""
    text = _DATE_PHRASE.sub("", text.lower() if text.islower() else text)
    text = _TIME_PHRASE.sub("", text)
    return " ".join(text.split())


def email_in(text: str) -> str | None:
    spoken = re.sub(r"\s+at\s+", "@", text.lower())
    spoken = re.sub(r"\s+dot\s+", ".", spoken)
    match = re.search(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", spoken)
    return match.group(0) if match else None


def boolean_in(text: str) -> bool | None:
    lowered = f" {text.lower()} "
    if re.search(r"\b(?:no|not|don't|off|false|disable|never)\b", lowered):
        return False
    if re.search(r"\b(?:yes|yeah|sure|on|true|enable|please do|ok|okay)\b", lowered):
        return True
    return None


def enum_in(text: str, options: list[Any]) -> Any | None:
    lowered = text.lower()
    for option in sorted(options, key=lambda o: -len(str(o))):
        spoken = str(option).lower().replace("_", " ").replace("-", " ")
        if re.search(rf"\b{re.escape(spoken)}\b", lowered) or re.search(
            rf"\b{re.escape(str(option).lower())}\b", lowered
        ):
            return option
    return None


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text.lower())
