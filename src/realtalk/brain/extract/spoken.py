"""Spoken text made readable: numbers in digits ("twenty five" -> "25"), clock times as written
("7.30 pm" -> "7:30 pm"), ordinals next to a month as dates, and punctuation reduced to what
carries meaning."""

from __future__ import annotations

import re

from .. import calendar_words
from .when_words import MONTH

_UNITS = {"zero": 0, "nought": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
          "eight": 8, "nine": 9}  # fmt: skip
_TEENS = {"ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
          "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19}  # fmt: skip
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
         "ninety": 90}  # fmt: skip
_SCALES = {"hundred": 100, "thousand": 1000, "million": 1_000_000, "billion": 1_000_000_000}
_NUMBER_WORDS = {**_UNITS, **_TEENS, **_TENS}
# "the blue one", "which one": a pronoun, not the number 1.
_BEFORE_PRONOUN_ONE = {"the", "this", "that", "which", "each", "every", "any", "no", "another", "other",
                       "last", "next", "some", "a", "big", "small", "new", "old", "same"}  # fmt: skip
_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
             "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13,
             "fourteenth": 14, "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18,
             "nineteenth": 19, "twentieth": 20, "thirtieth": 30}  # fmt: skip


def _ordinal_words() -> str:
    units = "|".join(w for w, n in _ORDINALS.items() if n < 10)
    return rf"(?:(?:twenty|thirty)[\s-]+(?:{units})|{'|'.join(_ORDINALS)})"


_ORDINAL = re.compile(
    rf"\b(?:(?P<before>(?:{MONTH}|the)\s+)(?P<after_word>{_ordinal_words()})"
    rf"|(?P<before_month>{_ordinal_words()})(?=\s+(?:of\s+)?(?:{MONTH})\b))\b",
    re.IGNORECASE,
)


def _ordinal_to_digits(match: re.Match[str]) -> str:
    """ "december third" -> "december 3rd" (only next to a month or "the", where it is a date)."""
    spoken = match.group("after_word") or match.group("before_month")
    words = spoken.lower().replace("-", " ").split()
    value = sum(_TENS.get(w, 0) + _ORDINALS.get(w, 0) for w in words)
    suffix = "th" if 10 < value % 100 < 14 else {1: "st", 2: "nd", 3: "rd"}.get(value % 10, "th")
    return f"{match.group('before') or ''}{value}{suffix}"


_SPOKEN_NUMBER_HYPHEN = re.compile(
    rf"\b(oh|{'|'.join(_NUMBER_WORDS)})-(?=(?:oh|hundred|{'|'.join(_NUMBER_WORDS)})\b)", re.IGNORECASE
)
_CLOCK_BEFORE_A_DAY = re.compile(
    rf"\b([01]?\d|2[0-3])\.([0-5]\d)\b(?=\s+(?:today|tomorrow|tonight|this|in\s+the|on|next|morning|afternoon|evening"
    rf"|{calendar_words.WEEKDAY})\b)",
    re.IGNORECASE,
)


def normalize(raw: str) -> str:
    """Spoken text with numbers in digits and punctuation reduced to what carries meaning."""
    text = raw.replace("\u2019", "'").replace("\u2018", "'")
    text = re.sub(r"\b([ap])\.\s?m\b\.?", r"\1m", text, flags=re.IGNORECASE)  # p.m. -> pm
    text = re.sub(r"(?<=\d),(?=\d{3}\b)", "", text)  # 55,123 -> 55123
    text = re.sub(r"(?<=\w)-ish\b|(?<=\d)ish\b", " ish", text, flags=re.IGNORECASE)  # "four-ish", "5ish"
    text = re.sub(r"(?<=\d)(am|pm)\b", r" \1", text, flags=re.IGNORECASE)  # 3pm -> 3 pm
    # A clock time as speech recognisers write it: "7.30 pm", "730 pm", "at 7.30" -> 7:30.
    text = re.sub(r"\b(1[0-2]|0?[1-9])\.?([0-5]\d)(?= (?:am|pm)\b)", r"\1:\2", text, flags=re.IGNORECASE)
    text = re.sub(
        r"\b((?:at|by|around|about|before|until|till) [012]?\d)\.([0-5]\d)\b", r"\1:\2", text, flags=re.I
    )
    text = _CLOCK_BEFORE_A_DAY.sub(r"\1:\2", text)  # "7.45 tomorrow morning"
    text = re.sub(r"\s@\s*(?=\d)", " at ", text)  # typed "tomorrow @ 9"
    text = re.sub(r"[^\w\s'@.:/%$+-]", " ", text)
    text = re.sub(r"(?<!\w)[.'/:]|[.'/:@-](?!\w)|(?<!\w)-(?!\d)", " ", text)
    # "twenty-five", "to-do" come apart; other hyphenated words stay as said ("check-up").
    text = re.sub(r"\b(twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|to)-(?=[^\W\d])", r"\1 ", text,
                  flags=re.IGNORECASE)  # fmt: skip
    text = _SPOKEN_NUMBER_HYPHEN.sub(r"\1 ", text)  # "nine-thirty", "oh-eight-hundred"
    text = _ORDINAL.sub(_ordinal_to_digits, text)
    text = words_to_numbers(text)
    # "half two" is half past two (British), not a half of something.
    text = re.sub(
        r"\bhalf\s+(?=(?:1[0-2]|[1-9])\b(?!\s*(?:[a-z]+s\b|%|an?\b)))", "half past ", text, flags=re.I
    )
    # Speech recognisers write "four thousand two hundred and twelve" as "4,200 and 12".
    text = re.sub(r"\b(\d*[1-9]00) and (\d{1,2})\b", lambda m: str(int(m[1]) + int(m[2])), text)
    text = re.sub(
        r"\b(double|triple)\s+(\d)\b",
        lambda m: " ".join(m.group(2) * (2 if m.group(1).lower() == "double" else 3)),
        text,
        flags=re.IGNORECASE,
    )
    text = re.sub(r"(?:^|(?<=\s))(?:minus|negative)\s+(?=\d)", "-", text, flags=re.IGNORECASE)
    return " ".join(text.split())


def words_to_numbers(text: str) -> str:
    """Spelled-out numbers as digits: "twenty five" -> "25"; digit by digit "one two" -> "1 2"."""
    words = text.split()
    out: list[str] = []
    i = 0
    while i < len(words):
        previous = out[-1].lower() if out else ""
        read = _read_number(words, i, previous)
        if read is None:
            out.append(words[i])
            i += 1
        else:
            out.append(read[0])
            i += read[1]
    return " ".join(out)


def _read_number(words: list[str], start: int, previous: str) -> tuple[str, int] | None:
    """The number spelled from `words[start]` on, as (digits, words used)."""
    total, current, last, decimals = 0, 0, "", ""
    i = start
    while i < len(words):
        word = words[i].lower()
        following = words[i + 1].lower() if i + 1 < len(words) else ""
        if word == "oh" and not last and (previous.isdigit() or following in _UNITS or following.isdigit()):
            current, last = 0, "unit"
        elif word == "a" and not last and following in _SCALES:
            current, last = 1, "unit"
        elif word in _UNITS and (last in ("", "hundred", "big") or (last == "tens" and _UNITS[word])):
            current, last = current + _UNITS[word], "unit"
        elif word in _TEENS and last in ("", "hundred", "big"):
            current, last = current + _TEENS[word], "teen"
        elif word in _TENS and last in ("", "hundred", "big"):
            current, last = current + _TENS[word], "tens"
        elif word == "hundred" and last in ("unit", "teen", "tens") and current < 100:
            current, last = current * 100, "hundred"
        elif word in _SCALES and word != "hundred" and last in ("unit", "teen", "tens", "hundred"):
            total, current, last = total + current * _SCALES[word], 0, "big"
        elif word == "and" and last in ("hundred", "big") and following in _NUMBER_WORDS:
            pass
        elif word == "point" and last in ("unit", "teen", "tens", "hundred") and following in _UNITS:
            i += 1
            while i < len(words) and words[i].lower() in _UNITS:
                decimals += str(_UNITS[words[i].lower()])
                i += 1
            break
        else:
            break
        i += 1
    used = i - start
    if used == 0 or (used == 1 and words[start].lower() == "one" and previous in _BEFORE_PRONOUN_ONE):
        return None
    return str(total + current) + (f".{decimals}" if decimals else ""), used
