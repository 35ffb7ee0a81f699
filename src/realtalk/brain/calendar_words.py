"""Days named by reference to another: weekdays and their short forms, "a week on Tuesday", "Friday
week", ends and starts of periods, amounts ("a couple of", "a fortnight"), fixed holidays.

Pure arithmetic on `date`s; `extract` finds the phrases and hands their words here. A week starts on
Monday ("Wednesday next week" said on a Friday is five days on), and "end of the week" is its Sunday.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
# Short forms as typed ("call bob tues"). "mon", "wed", "sat" and "sun" are words of their own too
# ("I sat down"), so they name a day only beside a time ("sat morning", "wed at 3"): SHY_WEEKDAY.
_SHORT_WEEKDAYS = {"tue": 1, "tues": 1, "weds": 2, "thu": 3, "thur": 3, "thurs": 3, "fri": 4}
_SHY_WEEKDAYS = {"mon": 0, "wed": 2, "sat": 5, "sun": 6}
WEEKDAY = "|".join((*WEEKDAYS, *sorted(_SHORT_WEEKDAYS, key=len, reverse=True)))
"""A regex alternation of the ways a weekday is written that always mean one."""
SHY_WEEKDAY = "|".join(_SHY_WEEKDAYS)

# Days with a fixed date, said by name ("on Christmas Eve"); those that move (Easter) are left out.
_HOLIDAYS = {
    "christmas eve": (12, 24),
    "christmas": (12, 25),
    "christmas day": (12, 25),
    "boxing day": (12, 26),
    "new year's eve": (12, 31),
    "new year's day": (1, 1),
    "valentine's day": (2, 14),
    "st patrick's day": (3, 17),
    "halloween": (10, 31),
    "bonfire night": (11, 5),
}
HOLIDAY = (
    r"(?:christmas|xmas)\s+(?:eve|day)|christmas|xmas|boxing\s+day|new\s+years?'?s?\s+(?:eve|day)|valentines?'?s?\s+day"
    r"|(?:st\.?|saint)\s+patricks?'?s?\s+day|halloween|bonfire\s+night"
)
"""A regex alternation of the holidays' names, with or without their apostrophes."""


def weekday_index(word: str) -> int:
    """0 for "monday" (or "mon"), up to 6 for "sunday" (or "sun")."""
    word = word.lower()
    short = {**_SHORT_WEEKDAYS, **_SHY_WEEKDAYS}
    return short[word] if word in short else WEEKDAYS.index(word)


def coming(weekday: int, today: date) -> date:
    """The weekday's next date after today ("friday" said on a Friday is a week on)."""
    return today + timedelta(days=(weekday - today.weekday()) % 7 or 7)


def in_next_week(weekday: int, today: date) -> date:
    """The weekday of next week, Monday to Sunday ("wednesday next week")."""
    return today + timedelta(days=7 - today.weekday() + weekday)


def weekend(today: date, following: bool = False) -> date:
    """The Saturday of the coming weekend; `following` ("next weekend"), said on a Saturday, the one
    after it (on a Sunday the coming one already is)."""
    saturday = today + timedelta(days=(5 - today.weekday()) % 7)
    return saturday + timedelta(weeks=following and saturday == today)


def edge(which: str, period: str, following: bool, today: date) -> date:
    """The last (`which` "end") or first day of this or the following day, week, month or year; a
    start already past is the next one's ("the beginning of the month" said on the 20th)."""
    if period == "day":
        return today + timedelta(days=following)
    if period == "week":
        monday = today - timedelta(days=today.weekday()) + timedelta(weeks=following)
        first, last = monday, monday + timedelta(days=6)
        after = monday + timedelta(weeks=1)
    elif period == "month":
        first = add_months(today.replace(day=1), following)
        after = add_months(first, 1)
        last = after - timedelta(days=1)
    else:
        first = date(today.year + following, 1, 1)
        last, after = date(first.year, 12, 31), date(first.year + 1, 1, 1)
    if which == "end":
        return last
    return first if first >= today else after


def month_edge(which: str, month: int, today: date) -> date:
    """The last (`which` "end") or first day of the named month, this year's unless it is over."""
    for year in (today.year, today.year + 1):
        first = date(year, month, 1)
        last = add_months(first, 1) - timedelta(days=1)
        if last >= today:
            break
    return last if which == "end" else first


def nth_weekday(weekday: int, nth: int, month: date) -> date | None:
    """The `nth` (1 to 5, or -1 for the last) such weekday of `month`'s month ("the first monday")."""
    first = month.replace(day=1)
    if nth < 0:
        last = add_months(first, 1) - timedelta(days=1)
        return last - timedelta(days=(last.weekday() - weekday) % 7)
    day = first + timedelta(days=(weekday - first.weekday()) % 7, weeks=nth - 1)
    return day if day.month == first.month else None


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or that month's last day (31 January + 1 month = 28 February);
    ValueError past the year 9999."""
    year, month = divmod(day.month - 1 + months, 12)
    year, month = day.year + year, month + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def day_of_month(day: int, today: date, months_on: int | None = None) -> date | None:
    """The `day`th of this month, or of the first month after it that has one once it has passed
    ("the 31st" said in February); with `months_on`, of that month from now ("of next month")."""
    first = today.replace(day=1)
    for ahead in [months_on] if months_on is not None else range(13):
        month = add_months(first, ahead)
        try:
            candidate = month.replace(day=day)
        except ValueError:
            continue
        if months_on is not None or candidate >= today:
            return candidate
    return None


def holiday(name: str, today: date) -> date:
    """The holiday's next date, today included."""
    key = re.sub(
        r"\s+", " ", name.lower().replace("saint ", "st ").replace(".", "").replace("xmas", "christmas")
    )
    key = re.sub(r"\b(years?|valentines?|patricks?)'?s?\b", lambda m: m.group(1).rstrip("s") + "'s", key)
    month, day = _HOLIDAYS[key]
    this_year = date(today.year, month, day)
    return this_year if this_year >= today else date(today.year + 1, month, day)


_AMOUNTS = {"a": 1.0, "an": 1.0, "one": 1.0, "couple": 2.0, "a couple": 2.0, "couple of": 2.0,
            "a couple of": 2.0, "half an": 0.5, "half a": 0.5, "quarter of an": 0.25, "a quarter of an": 0.25,
            "3 quarters of an": 0.75}  # fmt: skip
AMOUNT = (
    r"\d+(?:\.\d+)?|an?|one|(?:a\s+)?couple(?:\s+of)?|half\s+an?"
    r"|(?:a\s+)?quarter\s+of\s+an|3\s+quarters\s+of\s+an"
)
"""A regex alternation of how many: "2", "a", "a couple of", "half an", "three quarters of an"."""


def amount(said: str) -> float:
    """How many `said` is ("a couple of" -> 2); numbers are already digits."""
    said = " ".join(said.lower().split())
    return _AMOUNTS[said] if said in _AMOUNTS else float(said)
