"""Ways of naming a day ("next friday", "the 5th", "tuesday week", "the end of the month") and the
date each names, counted from today."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache
from typing import Any

import dateparser

from .. import calendar_words
from .when_words import MONTH, MONTHS

_WEEKDAY_SAID = calendar_words.WEEKDAY

_AMOUNT = calendar_words.AMOUNT


@dataclass(frozen=True)
class Days:
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
    if word in ("tomorrow", "tmrw", "tmr") or word.endswith(" morn"):
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
    parsed = parse(match.group(0), datetime.combine(today, time()))
    return parsed.date() if parsed else None


_MONTH_SAID = rf"{MONTH}|jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec"
DAYS = [
    Days(
        re.compile(
            r"\b(?:(?:by|before|at|for|until|till)\s+)?(?:the\s+)?(?P<edge>end|start|beginning|(?:last|first)\s+day)\s+of\s+"
            rf"(?:the\s+|this\s+)?(?P<next>next\s+)?(?P<period>day|week|month|year|{MONTH})\b",
            re.I,
        ),
        _edge,
    ),
    Days(
        re.compile(rf"\b(?:on\s+)?(?P<name>{calendar_words.HOLIDAY})\b", re.I),
        lambda match, today: calendar_words.holiday(match["name"], today),
        described=True,
    ),
    Days(
        re.compile(r"\b(?:the\s+)?day\s+after\s+tomorrow\b", re.I), lambda _, today: today + timedelta(days=2)
    ),
    Days(
        re.compile(
            rf"\b(?P<n>{_AMOUNT})\s+(?P<unit>weeks?|fortnights?|months?|years?)\s+(?:on\s+|from\s+)?"
            rf"(?P<base>today|tomorrow|tmrw|now|{_WEEKDAY_SAID})\b",
            re.I,
        ),
        _offset,
    ),
    Days(
        re.compile(
            rf"\b(?:on\s+)?(?:next\s+|this\s+)?(?P<base>{_WEEKDAY_SAID}|tomorrow|today)\s+(?:week|fortnight)\b",
            re.I,
        ),
        _week_after,
    ),
    Days(
        re.compile(rf"\b(?:on\s+)?(?:the\s+)?(?P<base>{_WEEKDAY_SAID})\s+after\s+next\b", re.I), _week_after
    ),
    Days(
        re.compile(
            rf"\b(?:on\s+)?the\s+(?P<nth>[1-5](?:st|nd|rd|th)|last)\s+(?P<wd>{_WEEKDAY_SAID})\s+(?:of|in)\s+"
            rf"(?:(?P<month>{MONTH})|(?P<which>next|this|the)\s+month)\b",
            re.I,
        ),
        _nth_weekday,
    ),
    Days(
        re.compile(
            rf"\b(?:in|within)\s+(?P<n>{_AMOUNT})\s+(?P<unit>days?|weeks?|fortnights?|months?|years?)\b(?:'?s?\s+time\b)?",
            re.I,
        ),
        _offset,
    ),
    Days(
        re.compile(
            rf"\b(?P<n>{_AMOUNT})\s+(?P<unit>days?|weeks?|fortnights?|months?|years?)(?:'?s?\s+time)?\s+from\s+"
            rf"(?P<base>now|today|tomorrow|{_WEEKDAY_SAID})\b",
            re.I,
        ),
        _offset,
    ),
    Days(
        # Scots "the morn" is tomorrow ("in the morn" is a morning).
        re.compile(
            r"\b(?P<base>today|tonight|tonite|tomorrow|tmrw|tmr|yesterday|(?<!\bin\s)the\s+morn)\b", re.I
        ),
        lambda match, today: _base(match["base"], today),
    ),
    Days(re.compile(rf"\b(?:on\s+)?(?P<wd>{_WEEKDAY_SAID})\s+(?P<which>next|this)\s+week\b", re.I), _weekday),
    Days(
        re.compile(rf"\b(?P<which>next|this\s+coming|this|coming|last)\s+(?P<wd>{_WEEKDAY_SAID})\b", re.I),
        _weekday,
    ),
    Days(
        re.compile(
            rf"\b(?:on\s+)?(?:the\s+)?(?P<month>{_MONTH_SAID})\.?\s+(?:the\s+)?(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\b"
            r"(?:\s+(?P<year>\d{4})\b)?",
            re.I,
        ),
        _month_day,
    ),
    Days(
        re.compile(
            rf"\b(?:on\s+)?(?:the\s+)?(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<month>{_MONTH_SAID})\b"
            r"(?:\s+(?P<year>\d{4})\b)?",
            re.I,
        ),
        _month_day,
    ),
    Days(
        re.compile(
            r"\b(?:on\s+)?the\s+(?P<day>\d{1,2})(?:st|nd|rd|th)\s+of\s+(?P<which>next|this|the)\s+month\b",
            re.I,
        ),
        _day_of_month,
    ),
    Days(
        re.compile(r"\b(?:on\s+)?the\s+(?P<day>\d{1,2})(?:st|nd|rd|th)\b", re.I),
        _day_of_month,
        described=True,
    ),
    Days(re.compile(rf"\b(?:on\s+)?(?P<wd>{_WEEKDAY_SAID})\b", re.I), _weekday),
    Days(
        re.compile(rf"\b(?:on|by|next|this|until|till)\s+(?P<wd>{calendar_words.SHY_WEEKDAY})\b", re.I),
        _weekday,
    ),
    # "push that to sat": a short form said last, after where a move goes, is the day
    Days(re.compile(rf"\b(?:to|for)\s+(?P<wd>{calendar_words.SHY_WEEKDAY})\W*$", re.I), _weekday),
    Days(
        re.compile(
            rf"\b(?P<wd>{calendar_words.SHY_WEEKDAY})\b(?=\s+(?:at\b|morning|afternoon|evening|night|\d))",
            re.I,
        ),
        _weekday,
    ),
    # A stretch said with a day in it ("next week, say Wednesday"): the day is meant.
    Days(re.compile(r"\b(?:next|coming|last)\s+(?:week|month|year)\b", re.I), _parsed_day),
    Days(
        re.compile(r"\b(?:on\s+|at\s+the\s+|this\s+|over\s+the\s+|the\s+)?(?P<next>next\s+)?weekend\b", re.I),
        _weekend,
        described=True,
    ),
    Days(re.compile(r"\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}/\d{1,2}(?:/\d{2,4})?\b", re.I), _parsed_day),
]


NOT_A_DAY_AFTER = re.compile(rf"\s+(?:1|one|ones|of(?!\s+(?:{MONTH}|next|this|the)\b))\b", re.I)
"""After an ordinal: "the second one", "the first of many" are not days of the month."""


def parse(phrase: str, now: datetime) -> datetime | None:
    settings: dict[str, Any] = {"PREFER_DATES_FROM": "future", "RELATIVE_BASE": now}
    parsed: datetime | None = dateparser.parse(phrase, languages=["en"], settings=settings)
    return parsed


@cache
def warm_up() -> None:
    """Load dateparser's language data now rather than during the first reply (~0.2 s)."""
    parse("tomorrow", datetime.now())
