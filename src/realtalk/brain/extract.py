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

from . import lexicon

_UNITS = {"zero": 0, "nought": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
          "eight": 8, "nine": 9}  # fmt: skip
_TEENS = {"ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
          "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19}  # fmt: skip
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
         "ninety": 90}  # fmt: skip
_SCALES = {"hundred": 100, "thousand": 1000, "million": 1_000_000, "billion": 1_000_000_000}
_NUMBER_WORDS = {**_UNITS, **_TEENS, **_TENS}
_DIGIT_WORDS = "|".join([*_UNITS, "oh"])
# "the blue one", "which one": a pronoun, not the number 1.
_BEFORE_PRONOUN_ONE = {"the", "this", "that", "which", "each", "every", "any", "no", "another", "other",
                       "last", "next", "some", "a", "big", "small", "new", "old", "same"}  # fmt: skip
_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
             "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13,
             "fourteenth": 14, "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18,
             "nineteenth": 19, "twentieth": 20, "thirtieth": 30}  # fmt: skip
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september",
          "october", "november", "december")  # fmt: skip
_MONTH = "|".join(MONTHS)
_WEEKDAY = "|".join(WEEKDAYS)
_DAYPARTS = {"morning": 9, "afternoon": 15, "evening": 19, "tonight": 20, "night": 21}
_PM_HINTS = {"afternoon", "evening", "tonight", "night", "dinner", "supper", "pm"}
_AM_HINTS = {"morning", "breakfast", "am"}
# Words that are about when, never part of a place or a name.
WHEN_WORDS = frozenset(
    {*WEEKDAYS, *_DAYPARTS, "today", "tomorrow", "yesterday", "week", "weekend", "month", "year", "noon",
     "midnight", "am", "pm", "o'clock", "oclock", "minute", "minutes", "hour", "hours", "day", "days"}
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


def normalize(raw: str) -> str:
    """Spoken text with numbers in digits and punctuation reduced to what carries meaning."""
    text = raw.replace("\u2019", "'").replace("\u2018", "'")
    text = re.sub(r"\b([ap])\.\s?m\b\.?", r"\1m", text, flags=re.IGNORECASE)  # p.m. -> pm
    text = re.sub(r"(?<=\d),(?=\d{3}\b)", "", text)  # 55,123 -> 55123
    text = re.sub(r"(?<=\d)(am|pm)\b", r" \1", text, flags=re.IGNORECASE)  # 3pm -> 3 pm
    # A clock time as speech recognisers write it: "7.30 pm", "730 pm", "at 7.30" -> 7:30.
    text = re.sub(r"\b(1[0-2]|0?[1-9])\.?([0-5]\d)(?= (?:am|pm)\b)", r"\1:\2", text, flags=re.IGNORECASE)
    text = re.sub(r"\b(at [012]?\d)\.([0-5]\d)\b", r"\1:\2", text, flags=re.IGNORECASE)
    text = re.sub(r"[^\w\s'@.:/%$+-]", " ", text)
    text = re.sub(r"(?<!\w)[.'/:]|[.'/:@-](?!\w)|(?<!\w)-(?!\d)", " ", text)
    # "twenty-five", "to-do" come apart; other hyphenated words stay as said ("check-up").
    text = re.sub(r"\b(twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|to)-(?=[^\W\d])", r"\1 ", text,
                  flags=re.IGNORECASE)  # fmt: skip
    # "nine-zero-zero-one": digits said one by one, joined as one word.
    text = re.sub(rf"\b({_DIGIT_WORDS})-(?=(?:{_DIGIT_WORDS})\b)", r"\1 ", text, flags=re.IGNORECASE)
    text = _ORDINAL.sub(_ordinal_to_digits, text)
    text = words_to_numbers(text)
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
    r"\s*(?:a\.?\s?m\b\.?|p\.?\s?m\b\.?|o'?clock\b|in\s+the\s+(?:morning|afternoon|evening)\b|tonight\b)",
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

_TIME_PATTERNS = [
    # "half past 3", "quarter to 9", "ten to eleven", "20 past 4" (not "from 10 to 11": a span)
    re.compile(
        r"\b(?:(?:at|by|around)\s+)?(?<!from\s)(?<!between\s)(half|quarter|[1-5]?\d)\s+(?:minutes\s+)?(past|to|after)"
        r"\s+(\d{1,2})(?:\s*(am|pm))?\b(?!\s*(?:minutes|hours|days|weeks|%|percent))",
        re.I,
    ),
    re.compile(r"\b(?:(?:at|by|around|from|until|till)\s+)?(\d{1,2})(?:[:\s](\d{2}))?\s*(am|pm)\b", re.I),
    re.compile(r"\b(?:(?:at|by|around)\s+)?(\d{1,2}):(\d{2})\b", re.I),
    re.compile(r"\b(?:(?:at|by|around)\s+)?(noon|midday|midnight)\b", re.I),
    re.compile(r"\b(\d{1,2})\s+o'?clock\b", re.I),
    re.compile(
        r"\b(?:at|by|around|say)\s+(\d{1,2})(?:\s+(\d{2}))?(?:\s+o'?clock)?\b"
        r"(?!\s*(?:[%$]|people|persons|guests|percent|degrees|dollars|euros|items|[a-z]+\s+(?:street|road)))",
        re.I,
    ),
    # "move it to 3", "push the call to 10 tomorrow": an hour that a move ends at, said last or before a day.
    re.compile(
        r"\b(?:to|till|until)\s+(\d{1,2})(?:\s+(\d{2}))?(?=\s*(?:$|[?!.,]|(?:today|tomorrow|tonight|on|this|next)\b))",
        re.I,
    ),
]
_DAYPART = re.compile(
    r"\b(?:(?:in\s+the|this)\s+)?(morning|afternoon|evening|tonight|night)\b|\b(first\s+thing)(?:\s+in\s+the\s+morning)?\b",
    re.I,
)
_RELATIVE_TIME = re.compile(r"\bin\s+(\d+|an?|half\s+an)\s+(minutes?|mins?|hours?)\b", re.I)
_DATE_PATTERNS = [
    re.compile(
        r"\b(?:(?:by|before|at|for|until)\s+)?(?:the\s+)?end\s+of\s+(?:the\s+|this\s+)?(?:month|week)\b", re.I
    ),
    re.compile(r"\b(?:the\s+)?day\s+after\s+tomorrow\b", re.I),
    re.compile(
        rf"\b(?:a|one|two)\s+(?:weeks?|fortnight)\s+(?:today|tomorrow|(?:on\s+)?(?:{_WEEKDAY}))\b", re.I
    ),
    re.compile(r"\b(?:today|tonight|tomorrow|tmrw|yesterday)\b", re.I),
    re.compile(rf"\b(?:on\s+)?(?:{_WEEKDAY})\s+(?:next|this)\s+week\b", re.I),
    re.compile(rf"\b(?:next|this|coming|last)\s+(?:{_WEEKDAY})\b", re.I),
    re.compile(r"\bin\s+(?:\d+|an?)\s+(?:days?|weeks?|months?|years?)\b", re.I),
    re.compile(r"\b(?:\d+|an?)\s+(?:days?|weeks?)\s+from\s+(?:now|today)\b", re.I),
    re.compile(
        rf"\b(?:on\s+)?(?:the\s+)?(?:{_MONTH})\s+(?:the\s+)?\d{{1,2}}(?:st|nd|rd|th)?(?:\s+\d{{4}})?\b", re.I
    ),
    re.compile(
        rf"\b(?:on\s+)?(?:the\s+)?\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{_MONTH})(?:\s+\d{{4}})?\b", re.I
    ),
    re.compile(r"\b(?:on\s+)?the\s+(\d{1,2})(?:st|nd|rd|th)\b", re.I),
    re.compile(rf"\b(?:on\s+)?(?:{_WEEKDAY})\b", re.I),
    # A stretch said with a day in it ("next week, say Wednesday"): the day is meant.
    re.compile(r"\b(?:next|this|coming|last)\s+(?:week(?:end)?|month|year)\b", re.I),
    re.compile(r"\b(?:on\s+|at\s+the\s+|this\s+)?weekend\b", re.I),
    re.compile(r"\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}/\d{1,2}(?:/\d{2,4})?\b", re.I),
]


def when(utterance: Utterance, part: str, keeps_day: bool = False) -> Found | None:
    """A date and/or time as ISO text; `part` is "datetime", "date" or "time". With `keeps_day` (a
    value that changes an existing thing's moment), a time said without a day stays a time alone
    ("16:00"): the thing keeps its own day, which only the tool knows."""
    relative = next(utterance.matches(_RELATIVE_TIME), None) if part != "date" else None
    found: tuple[datetime, tuple[tuple[int, int], ...], bool] | None
    if relative is not None:
        moment = _parse(_relative_phrase(relative.group(0)), utterance.now)
        found = (moment, (relative.span(),), True) if moment else None
    else:
        found = _calendar(utterance, part)
    if found is None:
        return None
    moment, spans, timed = found
    if (
        keeps_day
        and part == "datetime"
        and timed
        and relative is None
        and _first(utterance, _DATE_PATTERNS) is None
    ):
        return Found(moment.strftime("%H:%M"), spans)
    if part == "date" or not timed:
        # A day alone stays a day: the tool knows best what time that means (a task keeps its own).
        return Found(moment.date().isoformat(), spans)
    return Found(moment.strftime("%H:%M") if part == "time" else moment.isoformat(timespec="seconds"), spans)


def _calendar(utterance: Utterance, part: str) -> tuple[datetime, tuple[tuple[int, int], ...], bool] | None:
    """The moment a day phrase and/or a time phrase name ("next friday at 7 pm")."""
    day = _first(utterance, _DATE_PATTERNS)
    clock = _first(utterance, _TIME_PATTERNS) if part != "date" else None
    daypart = next(utterance.matches(_DAYPART), None) if part != "date" else None
    hour_minute = _clock(clock, set(lexicon.tokens(utterance.text))) if clock else None
    if hour_minute is None and daypart is not None:
        hour_minute = (_DAYPARTS[(daypart.group(1) or "morning").lower()], 0)
    on = _day(day.group(0), utterance.now) if day else None
    if (part == "time" and hour_minute is None) or (on is None and hour_minute is None):
        return None
    if on is None:
        # A time alone means its next occurrence.
        now = utterance.now
        on = now.date() + timedelta(days=hour_minute is not None and hour_minute <= (now.hour, now.minute))
    hour, minute = hour_minute or (0, 0)
    spans = tuple(m.span() for m in (day, clock, daypart) if m is not None)
    return datetime.combine(on, time(hour, minute)), spans, hour_minute is not None


def _first(utterance: Utterance, patterns: Sequence[re.Pattern[str]]) -> re.Match[str] | None:
    return next((m for p in patterns for m in utterance.matches(p)), None)


def _clock(match: re.Match[str], hints: set[str]) -> tuple[int, int]:
    words = [g.lower() for g in match.groups() if g]
    if words[0] in ("noon", "midday"):
        return 12, 0
    if words[0] == "midnight":
        return 0, 0
    if len(words) > 2 and words[1] in ("past", "to", "after"):
        hour = int(words[2])
        minute = {"half": 30, "quarter": 15}.get(words[0]) or int(words[0])
        if words[1] == "to":
            hour, minute = hour - 1, 60 - minute
        words = [str(hour % 12 or 12), str(minute), *words[3:]]
    hour = int(words[0])
    minute = int(words[1]) if len(words) > 1 and words[1].isdigit() else 0
    meridiem = words[-1] if words[-1] in ("am", "pm") else None
    if meridiem is None and hour <= 12:
        # No am/pm: the day part or the meal says which; otherwise 1 to 6 are afternoon hours.
        meridiem = "pm" if hints & _PM_HINTS else "am" if hints & _AM_HINTS else ("pm" if hour <= 6 else None)
    if meridiem == "pm" and hour < 12:
        hour += 12
    elif meridiem == "am" and hour == 12:
        hour = 0
    return min(hour, 23), min(minute, 59)


def _day(phrase: str, now: datetime) -> date | None:
    phrase = re.sub(r"^(?:on|at)\s+", "", phrase.lower())
    end = re.search(r"end\s+of\s+(?:the\s+|this\s+)?(month|week)", phrase)
    if end is not None:
        if end.group(1) == "week":
            return now.date() + timedelta(days=(6 - now.weekday()) % 7)
        following = (now.replace(day=28) + timedelta(days=4)).replace(day=1)
        return (following - timedelta(days=1)).date()
    ahead = re.fullmatch(r"(a|one|two)\s+(weeks?|fortnight)\s+(?:on\s+)?(.+)", phrase)
    if ahead is not None:  # "a week today", "a fortnight on friday": that day, a week or two on
        weeks = 2 if ahead.group(1) == "two" or ahead.group(2) == "fortnight" else 1
        start = _day(ahead.group(3), now)
        return start + timedelta(weeks=weeks) if start is not None else None
    day_of_month = re.fullmatch(r"the\s+(\d{1,2})(?:st|nd|rd|th)", phrase)
    if day_of_month:
        # "the 5th" is this month's 5th, or next month's once it has passed.
        day = int(day_of_month.group(1))
        year, month = now.year, now.month
        if day < now.day:
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        try:
            return date(year, month, day)
        except ValueError:
            return None
    if "weekend" in phrase:
        return now.date() + timedelta(days=(5 - now.weekday()) % 7)
    phrase = re.sub(r"\b(?:coming|this)\s+(?=" + _WEEKDAY + ")", "next ", phrase)
    phrase = re.sub(r"\b(" + _WEEKDAY + r")\s+(?:next|this)\s+week\b", r"next \1", phrase)
    phrase = phrase.replace("tonight", "today").replace("tmrw", "tomorrow")
    phrase = re.sub(r"\b(\d+|an?)\s+(days?|weeks?)\s+from\s+(?:now|today)", r"in \1 \2", phrase)
    parsed = _parse(phrase, now)
    return parsed.date() if parsed else None


def _relative_phrase(phrase: str) -> str:
    return re.sub(r"half\s+an\s+hour", "30 minutes", phrase.lower()).replace("mins", "minutes")


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
