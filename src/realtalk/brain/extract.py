"""Typed values from spoken words: numbers, codes, dates and times, emails, places, names, enums.

Input comes from speech recognition, so numbers may be spelled out ("twenty five"), codes spoken
digit by digit ("four one nine two"), and punctuation and capitals may be missing. An `Utterance`
normalises the words once and remembers which stretches already filled a parameter, so "at 7 pm"
cannot also become a party size and "tomorrow" stays out of a task's title.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache
from typing import Any

import dateparser

from . import calendar_words, lexicon

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
WEEKDAYS = calendar_words.WEEKDAYS
MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september",
          "october", "november", "december")  # fmt: skip
_MONTH = "|".join(MONTHS)
_DAYPARTS = {"morning": 9, "am": 9, "lunchtime": 12, "afternoon": 15, "arvo": 15, "pm": 15, "evening": 19,
             "tonight": 20, "tonite": 20, "night": 21}  # fmt: skip
_PM_HINTS = {"afternoon", "arvo", "evening", "tonight", "tonite", "night", "dinner", "supper", "pm"}
_AM_HINTS = {"morning", "breakfast", "am"}
# Words that are about when, never part of a place or a name.
WHEN_WORDS = frozenset(
    {*WEEKDAYS, *_DAYPARTS, "today", "tomorrow", "yesterday", "week", "weekend", "month", "year", "noon",
     "midnight", "am", "pm", "o'clock", "oclock", "minute", "minutes", "hour", "hours", "day", "days",
     "fortnight", "fortnights", "ish", "tmrw"}
)  # fmt: skip


def _ordinal_words() -> str:
    units = "|".join(w for w, n in _ORDINALS.items() if n < 10)
    return rf"(?:(?:twenty|thirty)[\s-]+(?:{units})|{'|'.join(_ORDINALS)})"


_ORDINAL = re.compile(
    rf"\b(?:(?P<before>(?:{_MONTH}|the)\s+)(?P<after_word>{_ordinal_words()})"
    rf"|(?P<before_month>{_ordinal_words()})(?=\s+(?:of\s+)?(?:{_MONTH})\b))\b",
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


# ---------------------------------------------------------------- the utterance and its spans


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


# ---------------------------------------------------------------- numbers and codes

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


# ---------------------------------------------------------------- dates and times

_LEAD = r"(?:(?:at|by|before|around|about|from|until|till|say)\s+){0,2}"
"""Words before a clock time that belong to it ("at about 4"): the time takes them along."""
_ISH = r"(?:\s+ish\b)?"
_NOT_AN_AMOUNT = (
    r"(?!\s*(?:[%$]|percent|minutes?|mins?|hours?|days?|weeks?|months?|years?|[a-z]+\s+(?:street|road)\b))"
)
_WEEKDAY_SAID = calendar_words.WEEKDAY
_TIME_PATTERNS = [
    # "half past 3", "quarter to 9", "ten to eleven", "20 past 4", American "quarter of 5" (not "from 10
    # to 11": a span)
    re.compile(
        r"\b(?:(?:at|by|around|about)\s+)?(?<!from\s)(?<!between\s)(?P<n>half|quarter|[1-5]?\d)\s+(?:minutes\s+)?"
        r"(?P<rel>past|to|after|of)\s+(?:(?P<h>\d{1,2})|(?P<noon>noon|midday|midnight))(?:\s*(?P<ap>am|pm))?\b"
        r"(?!\s*(?:minutes|hours|days|weeks|%|percent))",
        re.I,
    ),
    # "at nine oh five": minutes under ten said with "oh", beside a word that says it is a time.
    re.compile(
        r"\b(?:at|by|around|about|until|till|before)\s+(?P<h>1[0-2]|0?[1-9])\s0\s(?P<m>[1-9])\b(?!\s*\d)",
        re.I,
    ),
    re.compile(
        rf"\b(?P<h>1[0-2]|0?[1-9])\s0\s(?P<m>[1-9])(?=\s+(?:today|tomorrow|tonight|this|in\s+the|on|next"
        rf"|{_WEEKDAY_SAID})\b)",
        re.I,
    ),
    re.compile(rf"\b{_LEAD}(?P<h>\d{{1,2}})(?:[:\s](?P<m>\d{{2}}))?\s*(?P<ap>am|pm)\b{_ISH}", re.I),
    re.compile(rf"\b{_LEAD}(?P<h>\d{{1,2}}):(?P<m>\d{{2}})\b{_ISH}", re.I),
    re.compile(rf"\b{_LEAD}(?:12\s+)?(?P<word>noon|midday|midnight)\b{_ISH}", re.I),
    re.compile(rf"\b{_LEAD}(?P<h>\d{{1,2}})\s+o'?clock\b{_ISH}", re.I),
    # British "half two" is 2:30 (where "half past one" would be 1:30).
    re.compile(rf"\b{_LEAD}(?P<half>half)\s+(?P<h>\d{{1,2}})\b{_ISH}{_NOT_AN_AMOUNT}", re.I),
    re.compile(
        rf"\b{_LEAD}(?:like\s+)?(?P<h>\d{{1,2}})(?:\s(?P<m>[0-5]\d))?\s+ish\b", re.I
    ),  # "like nine-ish"
    re.compile(
        rf"\b(?:at|by|before|around|about|say)\s+{_LEAD}(?P<h>\d{{1,2}})(?:\s+(?P<m>\d{{2}}))?(?:\s+o'?clock)?\b{_ISH}"
        rf"(?!\s*(?:people|persons|guests|degrees|dollars|euros|items)){_NOT_AN_AMOUNT}",
        re.I,
    ),
    # "eight in the morning", "8 tomorrow evening", "twelve thirty tomorrow": an hour said before when.
    re.compile(
        rf"\b(?P<h>\d{{1,2}})(?:\s(?P<m>[0-5]\d))?(?=\s+(?:in\s+the\s+(?:morning|afternoon|evening)|tonight"
        rf"|(?:this|tomorrow|{_WEEKDAY_SAID})\s+(?:morning|afternoon|evening|night))\b)",
        re.I,
    ),
    re.compile(
        rf"\b(?P<h>1[0-2]|0?[1-9])\s(?P<m>[0-5]\d)(?=\s+(?:today|tomorrow|tonight|this|on|next|{_WEEKDAY_SAID})\b)",
        re.I,
    ),
    # "friday two thirty", "tomorrow 10 30": hour and minutes after the day they are on.
    re.compile(
        rf"\b(?:today|tomorrow|tonight|{_WEEKDAY_SAID})\s+(?P<h>[01]?\d|2[0-3])\s(?P<m>[0-5]\d)\b", re.I
    ),
    # The 24-hour clock said as hundreds: "oh eight hundred", "0800", "fourteen hundred hours".
    re.compile(r"\b(?P<h>[01]?\d|2[0-3])(?P<m>[0-5]\d)\s+(?P<hours>hours|hrs)\b", re.I),
    re.compile(r"\b(?P<zero>0\s?)(?P<h>[1-9])(?P<m>[0-5]\d)\b(?!\s*\d)", re.I),
    # "four and a half in the afternoon", as a learner of English may say half past four.
    re.compile(
        r"\b(?:(?:at|by|around|about|to)\s+(?:the\s+)?)?(?P<h>\d{1,2})\s+and\s+(?:a\s+)?(?P<half>half)\b"
        r"(?=\s+(?:(?:of|in)\s+the\s+(?:morning|afternoon|evening)|am|pm|o'?clock|tonight|today|tomorrow)\b)",
        re.I,
    ),
    # "move it to 3", "push the call to 10 tomorrow": an hour that a move ends at, said last or before a day
    # (not "3 to 1", a score or a range unless it is "from 2 to 3", nor "up to 11", a most).
    re.compile(
        r"(?<!\bup\s)\b(?P<move>to|till|until)\s+(?P<h>\d{1,2})(?:\s+(?P<m>\d{2}))?"
        r"(?=\s*(?:$|[?!.,]|(?:today|tomorrow|tonight|on|this|next)\b))",
        re.I,
    ),
    # "this time tomorrow": the hour and minute it is now, on that day.
    re.compile(
        rf"\b(?P<word>this\s+time)(?=\s+(?:tomorrow|next|on|{_WEEKDAY_SAID})\b)|(?<=tomorrow\s)(?P<now>this\s+time)\b",
        re.I,
    ),
]
_DAYPART = re.compile(
    r"\b(?P<lead>(?:in\s+the|this)\s+)?(?P<part>morning|afternoon|arvo|evening|tonight|tonite|night|lunchtime|lunch\s+time|am|pm)\b"
    r"|(?<!the\s)\b(?P<first>first\s+thing)(?:\s+in\s+the\s+morning)?\b",
    re.I,
)
# "tomorrow morning", "friday evening": the day says it is meant as a time, not as a greeting or a noun.
_DAY_BEFORE = re.compile(rf"\b(?:today|tomorrow|tmrw|tonight|{_WEEKDAY_SAID}|\d+(?:st|nd|rd|th)?)\s+$", re.I)
_AMOUNT = calendar_words.AMOUNT
_SPAN = (
    rf"(?P<n>{_AMOUNT})(?P<and_half>\s+and\s+a\s+half)?\s+(?P<unit>minutes?|mins?|hours?|hrs?)"
    r"(?P<half>\s+and\s+a\s+half)?"
)
"""How long from now: "2 hours", "an hour and a half", "4 and a half hours"."""
_RELATIVE_TIME = [
    re.compile(rf"\b(?:in|within)\s+{_SPAN}(?:'?s?\s+time)?\b", re.I),
    re.compile(rf"\b{_SPAN}\s+from\s+now\b", re.I),
]
# Words that may follow a day or a time that is meant as one ("the 5th instead", "at 9 sharp").
_AFTER_A_MOMENT = frozenset({"instead", "sharp", "ish", "works", "work", "latest", "onwards", "okay", "fine"})


@dataclass(frozen=True)
class _Days:
    """A way of naming a day, and its date counted from today's."""

    pattern: re.Pattern[str]
    resolve: Callable[[re.Match[str], date], date | None]
    described: bool = False
    """Whether a noun after it makes it a description instead ("the second one", "christmas tree")."""


def _base(word: str | None, today: date) -> date:
    """The day a count of days or weeks starts from: "tomorrow", "friday", otherwise today."""
    word = (word or "today").lower()
    if word in ("today", "tonight", "tonite", "now"):
        return today
    if word in ("tomorrow", "tmrw", "tmr"):
        return today + timedelta(days=1)
    if word == "yesterday":
        return today - timedelta(days=1)
    return calendar_words.coming(calendar_words.weekday_index(word), today)


def _offset(match: re.Match[str], today: date) -> date | None:
    """ "in a fortnight", "two weeks from friday", "a week on wednesday", "in 3 months"; None past
    the calendar's end ("in 10000 years")."""
    count = calendar_words.amount(match["n"])
    unit = match["unit"].lower().rstrip("s")
    base = _base(match.groupdict().get("base"), today)
    try:
        if unit in ("month", "year"):
            return calendar_words.add_months(base, round(count * (12 if unit == "year" else 1)))
        return base + timedelta(days=round(count * {"day": 1, "week": 7, "fortnight": 14}[unit]))
    except (OverflowError, ValueError):
        return None


def _edge(match: re.Match[str], today: date) -> date:
    """ "the end of next month", "the start of next week", "the beginning of may"."""
    which = "end" if match["edge"].lower().startswith(("end", "last")) else "start"
    period = match["period"].lower()
    if period in MONTHS:
        return calendar_words.month_edge(which, MONTHS.index(period) + 1, today)
    return calendar_words.edge(which, period, bool(match["next"]), today)


def _week_after(match: re.Match[str], today: date) -> date:
    """British "tuesday week", "monday fortnight", "tomorrow week", and "tuesday after next": a week
    (or two) after that day."""
    return _base(match["base"], today) + timedelta(
        weeks=2 if match.group(0).lower().endswith("fortnight") else 1
    )


def _weekday(match: re.Match[str], today: date) -> date:
    """ "friday", "next friday", "this coming friday": the coming one; "last friday": the one before;
    "friday next week": next week's."""
    weekday = calendar_words.weekday_index(match["wd"])
    which = (match.groupdict().get("which") or "").lower()
    if which == "next" and match.group(0).lower().endswith("week"):
        return calendar_words.in_next_week(weekday, today)
    return calendar_words.coming(weekday, today) - timedelta(weeks=which == "last")


def _month_day(match: re.Match[str], today: date) -> date | None:
    """ "december the 3rd", "3 march", "dec 3rd 2027": that day, next year's once it has passed."""
    month = next(i for i, name in enumerate(MONTHS, 1) if name.startswith(match["month"].lower()[:3]))
    year = int(match["year"]) if match["year"] else today.year
    try:
        day = date(year, month, int(match["day"]))
        return day if day >= today or match["year"] else day.replace(year=year + 1)
    except ValueError:  # "february 30th"
        return None


def _day_of_month(match: re.Match[str], today: date) -> date | None:
    """ "the 5th" (this month's, or the next month's that has one), "the 15th of next month"."""
    which = (match.groupdict().get("which") or "").lower()
    months_on = {"next": 1, "this": 0}.get(which)
    return calendar_words.day_of_month(int(match["day"]), today, months_on)


def _nth_weekday(match: re.Match[str], today: date) -> date | None:
    """ "the first monday of next month", "the last friday in june": in that month, the next such
    month's once it has passed ("the last friday of the month" said after it)."""
    weekday = calendar_words.weekday_index(match["wd"])
    nth = -1 if match["nth"].lower() == "last" else int(match["nth"][0])
    first = today.replace(day=1)
    if match["month"]:
        named = first.replace(month=MONTHS.index(match["month"].lower()) + 1)
        months = [named, named.replace(year=today.year + 1)]
    elif match["which"].lower() == "next":
        months = [calendar_words.add_months(first, 1)]
    else:
        months = [first, calendar_words.add_months(first, 1)]
    days = (calendar_words.nth_weekday(weekday, nth, month) for month in months)
    return next((day for day in days if day is not None and day >= today), None)


def _weekend(match: re.Match[str], today: date) -> date:
    """The coming weekend's Saturday; "next weekend" said at the weekend is the one after it."""
    return calendar_words.weekend(today, following=bool(match["next"]) and today.weekday() >= 5)


def _parsed_day(match: re.Match[str], today: date) -> date | None:
    parsed = _parse(match.group(0), datetime.combine(today, time()))
    return parsed.date() if parsed else None


_MONTH_SAID = rf"{_MONTH}|jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec"
_DAYS = [
    _Days(
        re.compile(
            r"\b(?:(?:by|before|at|for|until|till)\s+)?(?:the\s+)?(?P<edge>end|start|beginning|(?:last|first)\s+day)\s+of\s+"
            rf"(?:the\s+|this\s+)?(?P<next>next\s+)?(?P<period>day|week|month|year|{_MONTH})\b",
            re.I,
        ),
        _edge,
    ),
    _Days(
        re.compile(rf"\b(?:on\s+)?(?P<name>{calendar_words.HOLIDAY})\b", re.I),
        lambda match, today: calendar_words.holiday(match["name"], today),
        described=True,
    ),
    _Days(
        re.compile(r"\b(?:the\s+)?day\s+after\s+tomorrow\b", re.I), lambda _, today: today + timedelta(days=2)
    ),
    _Days(
        re.compile(
            rf"\b(?P<n>{_AMOUNT})\s+(?P<unit>weeks?|fortnights?|months?|years?)\s+(?:on\s+|from\s+)?"
            rf"(?P<base>today|tomorrow|tmrw|now|{_WEEKDAY_SAID})\b",
            re.I,
        ),
        _offset,
    ),
    _Days(
        re.compile(
            rf"\b(?:on\s+)?(?:next\s+|this\s+)?(?P<base>{_WEEKDAY_SAID}|tomorrow|today)\s+(?:week|fortnight)\b",
            re.I,
        ),
        _week_after,
    ),
    _Days(
        re.compile(rf"\b(?:on\s+)?(?:the\s+)?(?P<base>{_WEEKDAY_SAID})\s+after\s+next\b", re.I), _week_after
    ),
    _Days(
        re.compile(
            rf"\b(?:on\s+)?the\s+(?P<nth>[1-5](?:st|nd|rd|th)|last)\s+(?P<wd>{_WEEKDAY_SAID})\s+(?:of|in)\s+"
            rf"(?:(?P<month>{_MONTH})|(?P<which>next|this|the)\s+month)\b",
            re.I,
        ),
        _nth_weekday,
    ),
    _Days(
        re.compile(
            rf"\b(?:in|within)\s+(?P<n>{_AMOUNT})\s+(?P<unit>days?|weeks?|fortnights?|months?|years?)\b(?:'?s?\s+time\b)?",
            re.I,
        ),
        _offset,
    ),
    _Days(
        re.compile(
            rf"\b(?P<n>{_AMOUNT})\s+(?P<unit>days?|weeks?|fortnights?|months?|years?)(?:'?s?\s+time)?\s+from\s+"
            rf"(?P<base>now|today|tomorrow|{_WEEKDAY_SAID})\b",
            re.I,
        ),
        _offset,
    ),
    _Days(
        re.compile(r"\b(?P<base>today|tonight|tonite|tomorrow|tmrw|tmr|yesterday)\b", re.I),
        lambda match, today: _base(match["base"], today),
    ),
    _Days(
        re.compile(rf"\b(?:on\s+)?(?P<wd>{_WEEKDAY_SAID})\s+(?P<which>next|this)\s+week\b", re.I), _weekday
    ),
    _Days(
        re.compile(rf"\b(?P<which>next|this\s+coming|this|coming|last)\s+(?P<wd>{_WEEKDAY_SAID})\b", re.I),
        _weekday,
    ),
    _Days(
        re.compile(
            rf"\b(?:on\s+)?(?:the\s+)?(?P<month>{_MONTH_SAID})\.?\s+(?:the\s+)?(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\b"
            r"(?:\s+(?P<year>\d{4})\b)?",
            re.I,
        ),
        _month_day,
    ),
    _Days(
        re.compile(
            rf"\b(?:on\s+)?(?:the\s+)?(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<month>{_MONTH_SAID})\b"
            r"(?:\s+(?P<year>\d{4})\b)?",
            re.I,
        ),
        _month_day,
    ),
    _Days(
        re.compile(
            r"\b(?:on\s+)?the\s+(?P<day>\d{1,2})(?:st|nd|rd|th)\s+of\s+(?P<which>next|this|the)\s+month\b",
            re.I,
        ),
        _day_of_month,
    ),
    _Days(
        re.compile(r"\b(?:on\s+)?the\s+(?P<day>\d{1,2})(?:st|nd|rd|th)\b", re.I),
        _day_of_month,
        described=True,
    ),
    _Days(re.compile(rf"\b(?:on\s+)?(?P<wd>{_WEEKDAY_SAID})\b", re.I), _weekday),
    _Days(
        re.compile(rf"\b(?:on|by|next|this|until|till)\s+(?P<wd>{calendar_words.SHY_WEEKDAY})\b", re.I),
        _weekday,
    ),
    _Days(
        re.compile(
            rf"\b(?P<wd>{calendar_words.SHY_WEEKDAY})\b(?=\s+(?:at\b|morning|afternoon|evening|night|\d))",
            re.I,
        ),
        _weekday,
    ),
    # A stretch said with a day in it ("next week, say Wednesday"): the day is meant.
    _Days(re.compile(r"\b(?:next|coming|last)\s+(?:week|month|year)\b", re.I), _parsed_day),
    _Days(
        re.compile(r"\b(?:on\s+|at\s+the\s+|this\s+|over\s+the\s+|the\s+)?(?P<next>next\s+)?weekend\b", re.I),
        _weekend,
        described=True,
    ),
    _Days(re.compile(r"\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}/\d{1,2}(?:/\d{2,4})?\b", re.I), _parsed_day),
]


def when(utterance: Utterance, part: str, keeps_day: bool = False) -> Found | None:
    """A date and/or time as ISO text; `part` is "datetime", "date" or "time". With `keeps_day` (a
    value that changes an existing thing's moment), a time said without a day stays a time alone
    ("16:00"): the thing keeps its own day, which only the tool knows."""
    relative = _first(utterance, _RELATIVE_TIME) if part != "date" else None
    found: tuple[datetime, tuple[tuple[int, int], ...], bool] | None
    if relative is not None:
        moment = _relative_moment(relative, utterance.now)
        found = (moment, (relative.span(),), True) if moment else None
    else:
        found = _calendar(utterance, part)
    if found is None:
        return None
    moment, spans, timed = found
    if keeps_day and part == "datetime" and timed and relative is None and _day_said(utterance) is None:
        return Found(moment.strftime("%H:%M"), spans)
    if part == "date" or not timed:
        # A day alone stays a day: the tool knows best what time that means (a task keeps its own).
        return Found(moment.date().isoformat(), spans)
    return Found(moment.strftime("%H:%M") if part == "time" else moment.isoformat(timespec="seconds"), spans)


def _relative_moment(match: re.Match[str], now: datetime) -> datetime | None:
    """ "in an hour and a half", "three quarters of an hour from now"; None past the calendar's end."""
    count = calendar_words.amount(match["n"]) + (0.5 if match["half"] or match["and_half"] else 0)
    try:
        return now + timedelta(minutes=round(count * (60 if match["unit"].lower().startswith("h") else 1)))
    except OverflowError:
        return None


def _calendar(utterance: Utterance, part: str) -> tuple[datetime, tuple[tuple[int, int], ...], bool] | None:
    """The moment a day phrase and/or a time phrase name ("next friday at 7 pm")."""
    now = utterance.now
    said = _day_said(utterance)
    clock = _clock_said(utterance) if part != "date" else None
    daypart = _first(utterance, [_DAYPART], _is_daypart) if part != "date" else None
    hour_minute = _clock(clock, set(lexicon.tokens(utterance.text)), now) if clock else None
    if hour_minute is None and daypart is not None:
        named = (daypart["part"] or "morning").lower().replace(" ", "")
        hour_minute = (_DAYPARTS[named], 0, True)
    on = said[1].resolve(said[0], now.date()) if said else None
    if on is not None and clock is not None and (clock.groupdict().get("word") or "").lower() == "midnight":
        on += timedelta(days=1)  # "midnight tonight", "by midnight on friday": the midnight that ends the day
    if (part == "time" and hour_minute is None) or (on is None and hour_minute is None):
        return None
    hour, minute, sure = hour_minute or (0, 0, True)
    if not sure and hour < 12 and on in (None, now.date()) and (hour, minute) <= (now.hour, now.minute):
        # "at 7" said at half six in the evening: 7 pm, when it is that near; otherwise 7 am next.
        evening = datetime.combine(now.date(), time(hour + 12, minute))
        if on is not None or timedelta(0) < evening - now <= _NEAR_EVENING:
            hour += 12
    if on is None:
        # A time alone means its next occurrence.
        on = now.date() + timedelta(days=hour_minute is not None and (hour, minute) <= (now.hour, now.minute))
    spans = tuple(m.span() for m in (said[0] if said else None, clock, daypart) if m is not None)
    return datetime.combine(on, time(hour, minute)), spans, hour_minute is not None


_NEAR_EVENING = timedelta(hours=6)


def _day_said(utterance: Utterance) -> tuple[re.Match[str], _Days] | None:
    """The first way of naming a day that is said, with the words that name it; one that is part of
    a thing's name ("move the friday meeting to monday") only when no other is."""
    text, named = utterance.text, None
    for days in _DAYS:
        for match in utterance.matches(days.pattern):
            before, after = _around(text, match)
            if re.search(r"\bsince\s+$", before, re.I) or re.match(r"(?:'s\b|\s+ago\b)", after, re.I):
                continue  # "since last week", "two days ago", "tomorrow's meeting": not when to do it
            if days.described and (_noun_after(after) or _NOT_A_DAY_AFTER.match(after)):
                continue
            if _names_a_thing(before, after):
                named = named or (match, days)
                continue
            return match, days
    return named


def _clock_said(utterance: Utterance) -> re.Match[str] | None:
    """The first clock time said; one that is part of a thing's name ("move the 3 o'clock to 4",
    "my 9 am") only when no other is."""
    text, named = utterance.text, None
    for pattern in _TIME_PATTERNS:
        for match in utterance.matches(pattern):
            if not _is_clock(text, match):
                continue
            if _names_a_thing(*_around(text, match)):
                named = named or match
                continue
            return match
    return named


_NOT_A_DAY_AFTER = re.compile(rf"\s+(?:1|one|ones|of(?!\s+(?:{_MONTH}|next|this|the)\b))\b", re.I)
"""After an ordinal: "the second one", "the first of many" are not days of the month."""


def _names_a_thing(before: str, after: str) -> bool:
    """Whether a day or a time is part of a thing's name: "the friday meeting", "my 9 am", "the 3 o'clock"."""
    owned = re.search(r"\b(?:the|my|your|our|their|his|her)\s+$", before, re.I)
    if owned is None:
        return False
    # "the friday meeting", "move the 3 o'clock to 4"; but "on the friday, at 9" is a day said.
    return (
        not owned.group(0).lower().startswith("the")
        or _noun_after(after)
        or bool(re.match(r"\s+to\b", after))
    )


def _around(text: str, match: re.Match[str]) -> tuple[str, str]:
    """A few words before and after a match: what says how it is meant, read in constant time."""
    return text[max(0, match.start() - 40) : match.start()], text[match.end() : match.end() + 40]


def _noun_after(after: str) -> bool:
    """Whether the words after a number or a name begin with a noun it describes ("5 people")."""
    following = re.match(r"\s+([a-z][\w']*)", after, re.I)
    if following is None:
        return False
    word = following.group(1).lower()
    return not (word in lexicon.STOPWORDS or word in WHEN_WORDS or word in _AFTER_A_MOMENT or word in MONTHS)


def _is_clock(text: str, match: re.Match[str]) -> bool:
    """Whether a clock-like match is a time: "3 to 1" is a score and "by 2 votes" a margin."""
    groups = match.groupdict()
    said = match.group(0).lower()
    before, after = _around(text, match)
    if groups.get("h") and int(groups["h"]) > 23:
        return False
    if (
        groups.get("move")
        and re.search(r"\d\s+$", before)
        and not re.search(r"\bfrom\s+\S+\s+$", before, re.I)
    ):
        return False  # "3 to 1", "20 to 30 plates": a score or a range, unless "from 2 to 3"
    if groups.get("rel") and not _minutes_to_an_hour(text, match):
        return False
    bare = not any(groups.get(name) for name in ("ap", "word", "now", "zero", "hours")) and not re.search(
        ":|clock", said
    )
    if bare and re.match(r"\s+\d", after):
        return False  # "how about 7 7 1 9": digits said one by one, a code
    return not (bare and not said.startswith("at ") and _noun_after(after))


def _minutes_to_an_hour(text: str, match: re.Match[str]) -> bool:
    """Whether "N past/to/of H" is a time: minutes people say (5, 10, quarter, half) to an hour, and
    for "N to H" or "quarter of H" something that says it is a time ("5 to 2" may be a score)."""
    minutes, relation = match["n"].lower(), match["rel"].lower()
    said_minutes = minutes in ("half", "quarter") or int(minutes) % 5 == 0 or "minute" in match.group(0)
    if not said_minutes or not 1 <= int(match["h"] or 12) <= 12 or (relation == "of" and minutes == "half"):
        return False
    return not ((minutes.isdigit() and relation == "to") or relation == "of") or _said_as_clock(text, match)


_WHEN_AFTER = re.compile(rf"\s+(?:today|tomorrow|tonight|this|in\s+the|on|next|{_WEEKDAY_SAID})\b", re.I)


def _said_as_clock(text: str, match: re.Match[str]) -> bool:
    """Whether "N to H" is a time, not a score or a range ("5 to 2"): "at" or a day beside it says so,
    or it is all that is said (an answer)."""
    return bool(
        re.match(r"(?:at|by|around|about)\s", match.group(0), re.I)
        or match["ap"]
        or _WHEN_AFTER.match(text, match.end())
        or (match.start(), match.end()) == (0, len(text))
    )


def _is_daypart(text: str, match: re.Match[str]) -> bool:
    """Whether "morning" and the like say when: not in "good morning" or "a morning person"."""
    before, after = _around(text, match)
    if after.startswith("'s"):
        return False  # "tonight's dinner", "this morning's meeting"
    part = (match["part"] or "").lower()
    if part in ("am", "pm"):  # "monday am": a morning only when a day is named before it
        named_day = _DAY_BEFORE.search(before) is not None and not before.rstrip()[-1:].isdigit()
        return named_day and not re.match(r"\s+i\b", after, re.I)  # not "tuesday, am i free?"
    if match["lead"] or part in ("tonight", "tonite") or _DAY_BEFORE.search(before):
        return True
    if re.search(r"\b(?:good|last)\s+$", before, re.I):
        return False
    return not _noun_after(after)


def _first(
    utterance: Utterance,
    patterns: Sequence[re.Pattern[str]],
    fits: Callable[[str, re.Match[str]], bool] = lambda text, match: True,
) -> re.Match[str] | None:
    return next((m for p in patterns for m in utterance.matches(p) if fits(utterance.text, m)), None)


def _clock(match: re.Match[str], hints: set[str], now: datetime) -> tuple[int, int, bool]:
    """(hour, minute, whether morning or afternoon is certain) of a clock time said."""
    said = {name: value.lower() for name, value in match.groupdict().items() if value}
    if "now" in said or "word" in said:
        word = said.get("word", "this time")
        if word.startswith("this"):
            return now.hour, now.minute, True
        return (0 if word == "midnight" else 12), 0, True
    if "noon" in said:  # "quarter to midnight", "five past noon"
        minutes = {"half": 30, "quarter": 15}.get(said["n"]) or int(said["n"])
        at = (0 if said["noon"] == "midnight" else 720) + (
            minutes if said["rel"] in ("past", "after") else -minutes
        )
        return at % 1440 // 60, at % 60, True
    hour, minute = int(said["h"]), int(said.get("m", 0))
    if "half" in said:
        minute = 30
    if "rel" in said:
        minute = {"half": 30, "quarter": 15}.get(said["n"]) or int(said["n"])
        if said["rel"] in ("to", "of"):
            hour, minute = (hour - 2) % 12 + 1, 60 - minute
    # "14:30", "08:00", "oh eight hundred", "1400 hours": the 24-hour clock needs no am or pm.
    twenty_four = hour > 12 or said["h"].startswith("0") or "zero" in said or "hours" in said
    meridiem = said.get("ap")
    if meridiem is None and not twenty_four:
        meridiem = "pm" if hints & _PM_HINTS else "am" if hints & _AM_HINTS else None
        if meridiem is None and 1 <= hour <= 6:
            meridiem = "pm"  # no am or pm, no day part or meal: 1 to 6 are afternoon hours
    if meridiem == "pm" and hour < 12:
        hour += 12
    elif meridiem == "am" and hour == 12:
        hour = 0
    return min(hour, 23), min(minute, 59), meridiem is not None or twenty_four or hour == 0


def _parse(phrase: str, now: datetime) -> datetime | None:
    settings: dict[str, Any] = {"PREFER_DATES_FROM": "future", "RELATIVE_BASE": now}
    parsed: datetime | None = dateparser.parse(phrase, languages=["en"], settings=settings)
    return parsed


@cache
def warm_up() -> None:
    """Load dateparser's language data now rather than during the first reply (~0.2 s)."""
    _parse("tomorrow", datetime.now())


# ---------------------------------------------------------------- words: emails, places, names, enums

_DOTTED = r"[\w+-]+(?:(?:\.|\s+dot\s+)[\w+-]+)*"
_EMAIL_AT = re.compile(r"\s*@\s*|\s+at\s+", re.I)
_EMAIL_LOCAL = re.compile(rf"{_DOTTED}$", re.I)
_EMAIL_DOMAIN = re.compile(r"[\w-]+(?:(?:\.|\s+dot\s+)[\w-]+)+\b", re.I)


def email(utterance: Utterance) -> Found | None:
    """ "bob at example dot com" -> "bob@example.com"."""
    text = utterance.text
    # The last "at" that joins two dotted names: "reach me at jo dot smith at mail dot com".
    for at in reversed(list(_EMAIL_AT.finditer(text))):
        local = _EMAIL_LOCAL.search(text[: at.start()])
        domain = _EMAIL_DOMAIN.match(text, at.end())
        if local and domain and utterance.free(local.start(), domain.end()):
            address = f"{local.group(0)}@{domain.group(0)}".lower()
            return Found(re.sub(r"\s+dot\s+", ".", address), ((local.start(), domain.end()),))
    return None


def ends_place(word: str) -> bool:
    """Whether `word` cannot be part of a place: "new york today" ends before "today"."""
    bare = word.lower()
    return bare in lexicon.STOPWORDS or bare in WHEN_WORDS or bare[0].isdigit() or bare[0] in "-$"


def ends_name(word: str) -> bool:
    """Like `ends_place`, and a name is never a word with a meaning we know ("john smith outside")."""
    return ends_place(word) or bool(lexicon.concepts(lexicon.stem(word)))


def phrase_after(
    utterance: Utterance, markers: Sequence[str], stop: Callable[[str], bool], max_words: int = 4
) -> Found | None:
    """The words after the first of `markers` that is followed by some ("in new york today" -> "new york")."""
    for marker in markers:
        pattern = re.compile(rf"\b{marker}\s+(?:the\s+)?", re.IGNORECASE)
        for match in utterance.matches(pattern):
            words: list[tuple[str, int]] = []
            for word, _, end in utterance.words(match.end()):
                if stop(word) or len(words) == max_words:
                    break
                words.append((word, end))
            if words:
                return Found(" ".join(w for w, _ in words), ((match.start(), words[-1][1]),))
    return None


PLACE_MARKERS = ("in", "at", "near", "around")
NAME_MARKERS = ("my name is", "name is", "name's", "under the name of", "under the name", "under",
                "named", "called", "this is", "i am", "i'm")  # fmt: skip


def enum(utterance: Utterance, options: Sequence[Any]) -> Found | None:
    """The option that is said: "with high priority" -> "high"; "in celsius" -> "C" for ["C", "F"]."""
    if options and all(isinstance(o, int | float) and not isinstance(o, bool) for o in options):
        return next((Found(n.value, n.spans) for n in numbers(utterance) if n.value in options), None)
    for option in sorted(options, key=lambda o: -len(str(o))):
        for spoken in _spoken_forms(str(option)):
            pattern = re.compile(rf"(?<![\w-]){re.escape(spoken)}(?:s|es|est)?(?![\w-])", re.IGNORECASE)
            match = next(utterance.matches(pattern), None)
            if match is not None:
                return Found(option, (match.span(),))
    return None


# Single-letter and short unit options are said as words: ["C", "F"] is "celsius" or "fahrenheit".
_UNIT_NAMES = {"c": "celsius", "f": "fahrenheit", "k": "kelvin", "km": "kilometer", "mi": "mile",
               "kg": "kilogram", "lb": "pound", "usd": "dollar", "eur": "euro", "gbp": "pound"}  # fmt: skip


def _spoken_forms(option: str) -> list[str]:
    plain = option.lower().replace("_", " ").replace("-", " ").strip()
    forms = [plain] if len(plain) > 1 else []  # a lone letter is too easily an article or a mishearing
    if plain in _UNIT_NAMES:
        forms.append(_UNIT_NAMES[plain])
    return forms


_ON = re.compile(r"\b(?:on|enable|enabled|activate|start|yes|yeah|true)\b", re.I)
_OFF = re.compile(r"\b(?:off|disable|disabled|deactivate|stop|no|false)\b", re.I)
_NEGATION = re.compile(r"\b(?:no|not|don't|dont|without|never|non|skip)\s+(?:\w+\s+){0,2}$", re.I)


def switch(utterance: Utterance) -> Found | None:
    """On or off: "turn the lights off" -> False."""
    match = next(utterance.matches(_OFF), None) or next(utterance.matches(_ON), None)
    if match is None:
        return None
    return Found(_OFF.fullmatch(match.group(0)) is None, (match.span(),))


def flag(utterance: Utterance, about: set[str]) -> Found | None:
    """True when a word in `about` (stems) is said, False when it is negated ("not outside")."""
    about_concepts = {c for s in about for c in lexicon.concepts(s)}
    for word, start, end in utterance.free_words():
        word_stem = lexicon.stem(word)
        if word_stem in about or lexicon.concepts(word_stem) & about_concepts:
            negated = _NEGATION.search(utterance.text[:start]) is not None
            return Found(not negated, ((start, end),))
    return None


def flag_phrase(utterance: Utterance, phrases: Sequence[str]) -> Found | None:
    """`flag` for phrases said whole ("past due"), which their words alone do not mean."""
    if not phrases:
        return None
    pattern = re.compile(
        r"\b(?:" + "|".join(r"\s+".join(map(re.escape, p.split())) for p in phrases) + r")\b", re.I
    )
    said = next(utterance.matches(pattern), None)
    if said is None:
        return None
    return Found(_NEGATION.search(utterance.text[: said.start()]) is None, (said.span(),))


# "Don't forget to ..." asks for a reminder; it says no to nothing.
_NO = re.compile(r"\b(?:no|nope|nah|(?:don't|dont|do\s+not)(?!\s+(?:let\s+me\s+)?forget)|negative)\b", re.I)
# Only clear agreement: a "please" or an "ok" in passing must not confirm a deletion.
_YES = re.compile(
    r"\b(?:yes|yeah|yep|yup|sure|correct|affirmative|confirm(?:ed)?|go\s+ahead|do\s+it)\b", re.I
)


def yes_no(utterance: Utterance) -> Found | None:
    """A spoken yes or no: "yes delete it" -> True."""
    match = next(utterance.matches(_NO), None) or next(utterance.matches(_YES), None)
    if match is None:
        return None
    return Found(_NO.fullmatch(match.group(0)) is None, (match.span(),))
