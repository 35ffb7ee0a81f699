"""Clock times said ("half past 3", "quarter to 9", "oh eight hundred", "at 7"), parts of the day
("tomorrow morning"), and spans from now ("in an hour and a half")."""

from __future__ import annotations

import re
from datetime import datetime

from .. import calendar_words
from .when_words import AM_HINTS, PM_HINTS, around, noun_after

_LEAD = r"(?:(?:at|by|before|around|about|from|until|till|say)\s+){0,2}"
"""Words before a clock time that belong to it ("at about 4"): the time takes them along."""
_ISH = r"(?:\s+ish\b)?"
_NOT_AN_AMOUNT = (
    r"(?!\s*(?:[%$]|percent|minutes?|mins?|hours?|days?|weeks?|months?|years?|[a-z]+\s+(?:street|road)\b))"
)
_WEEKDAY_SAID = calendar_words.WEEKDAY


TIME_PATTERNS = [
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
    # "the six of the afternoon", "the eight of the night": the hour said as in Spanish or Italian
    re.compile(r"(?<=\bthe\s)(?P<h>\d{1,2})(?=\s+of\s+the\s+(?:morning|afternoon|evening|night)\b)", re.I),
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
    # "friday two thirty", "tomorrow 10 30", "tonight, nine": the hour (and minutes) after the day
    # they are on (an hour alone only last: "tomorrow 3 loaves" is an amount).
    re.compile(
        rf"\b(?:today|tomorrow|tonight|{_WEEKDAY_SAID})\s+(?P<h>[01]?\d|2[0-3])(?:\s(?P<m>[0-5]\d)\b|\W*$)",
        re.I,
    ),
    # "Tuesday first thing, eight", "tmrw after school, like 4": an hour said last, after a pause,
    # pins down the day or the part of it said before
    re.compile(
        rf"\b(?:today|tomorrow|tmrw|tonight|{_WEEKDAY_SAID}|morning|afternoon|evening|night|first\s+thing"
        rf"|after\s+\w+)\W+(?:(?:like|say|maybe|about|around|probably)\s+)?(?P<h>1[0-2]|0?[1-9])"
        r"(?:\s(?P<m>[0-5]\d))?\W*$",
        re.I,
    ),
    # The 24-hour clock said as hundreds: "oh eight hundred", "0800", "fourteen hundred hours".
    re.compile(r"\b(?P<h>[01]?\d|2[0-3])(?P<m>[0-5]\d)\s+(?P<hours>hours|hrs)\b", re.I),
    # (not the tail of a longer number said in groups: "0207 946 0321" is a phone number)
    re.compile(r"(?<!\d\s)\b(?P<zero>0\s?)(?P<h>[1-9])(?P<m>[0-5]\d)\b(?!\s*\d)", re.I),
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
DAYPART = re.compile(
    r"\b(?P<lead>(?:in\s+the|this)\s+)?(?P<part>morning|afternoon|arvo|evening|tonight|tonite|night|lunchtime|lunch\s+time|am|pm)\b"
    r"|(?<!the\s)\b(?P<first>first\s+thing)(?:\s+in\s+the\s+morning)?\b",
    re.I,
)
# "tomorrow morning", "friday evening": the day says it is meant as a time, not as a greeting or a noun.
DAY_BEFORE = re.compile(rf"\b(?:today|tomorrow|tmrw|tonight|{_WEEKDAY_SAID}|\d+(?:st|nd|rd|th)?)\s+$", re.I)
_AMOUNT = calendar_words.AMOUNT
_SPAN = (
    rf"(?P<n>{_AMOUNT})(?P<and_half>\s+and\s+a\s+half)?\s+(?P<unit>minutes?|mins?|hours?|hrs?)"
    r"(?P<half>\s+and\s+a\s+half)?"
)
"""How long from now: "2 hours", "an hour and a half", "4 and a half hours"."""
RELATIVE_TIME = [
    re.compile(rf"\b(?:in|within)\s+{_SPAN}(?:'?s?\s+time)?\b", re.I),
    re.compile(rf"\b{_SPAN}\s+from\s+now\b", re.I),
]


def is_clock(text: str, match: re.Match[str]) -> bool:
    """Whether a clock-like match is a time: "3 to 1" is a score and "by 2 votes" a margin."""
    groups = match.groupdict()
    said = match.group(0).lower()
    before, after = around(text, match)
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
    return not (bare and not said.startswith("at ") and noun_after(after))


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


def is_daypart(text: str, match: re.Match[str]) -> bool:
    """Whether "morning" and the like say when: not in "good morning" or "a morning person"."""
    before, after = around(text, match)
    if after.startswith("'s"):
        return False  # "tonight's dinner", "this morning's meeting"
    part = (match["part"] or "").lower()
    if part in ("am", "pm"):  # "monday am": a morning only when a day is named before it
        named_day = DAY_BEFORE.search(before) is not None and not before.rstrip()[-1:].isdigit()
        return named_day and not re.match(r"\s+i\b", after, re.I)  # not "tuesday, am i free?"
    if match["lead"] or part in ("tonight", "tonite") or DAY_BEFORE.search(before):
        return True
    if re.search(r"\b(?:good|last)\s+$", before, re.I):
        return False
    return not noun_after(after)


def read_clock(match: re.Match[str], hints: set[str], now: datetime) -> tuple[int, int, bool]:
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
        meridiem = "pm" if hints & PM_HINTS else "am" if hints & AM_HINTS else None
        if meridiem is None and 1 <= hour <= 6:
            meridiem = "pm"  # no am or pm, no day part or meal: 1 to 6 are afternoon hours
    if meridiem == "pm" and hour < 12:
        hour += 12
    elif meridiem == "am" and hour == 12:
        hour = 0
    return min(hour, 23), min(minute, 59), meridiem is not None or twenty_four or hour == 0
