"""The moment an utterance names, as ISO text: a day phrase and/or a clock time ("next friday at
7 pm"), or a span from now."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import datetime, time, timedelta

from .. import calendar_words, lexicon
from .clock import DAYPART, RELATIVE_TIME, TIME_PATTERNS, is_clock, is_daypart, read_clock
from .days import DAYS, NOT_A_DAY_AFTER, Days
from .utterance import Found, Utterance
from .when_words import DAYPARTS, around, noun_after


def when(utterance: Utterance, part: str, keeps_day: bool = False) -> Found | None:
    """A date and/or time as ISO text; `part` is "datetime", "date" or "time". With `keeps_day` (a
    value that changes an existing thing's moment), a time said without a day stays a time alone
    ("16:00"): the thing keeps its own day, which only the tool knows."""
    relative = first(utterance, RELATIVE_TIME) if part != "date" else None
    found: tuple[datetime, tuple[tuple[int, int], ...], bool] | None
    if relative is not None:
        moment = relative_moment(relative, utterance.now)
        found = (moment, (relative.span(),), True) if moment else None
    else:
        found = _calendar(utterance, part, keeps_day)
    if found is None:
        return None
    moment, spans, timed = found
    if (
        keeps_day
        and part == "datetime"
        and timed
        and relative is None
        and _day_said(utterance) is None
        and not _THIS_DAYPART.search(utterance.text)  # "this afternoon at four" is today's
    ):
        return Found(moment.strftime("%H:%M"), spans)
    if part == "date" or not timed:
        # A day alone stays a day: the tool knows best what time that means (a task keeps its own).
        return Found(moment.date().isoformat(), spans)
    return Found(moment.strftime("%H:%M") if part == "time" else moment.isoformat(timespec="seconds"), spans)


def relative_moment(match: re.Match[str], now: datetime) -> datetime | None:
    """ "in an hour and a half", "three quarters of an hour from now"; None past the calendar's end."""
    count = calendar_words.amount(match["n"]) + (0.5 if match["half"] or match["and_half"] else 0)
    try:
        return now + timedelta(minutes=round(count * (60 if match["unit"].lower().startswith("h") else 1)))
    except OverflowError:
        return None


def _calendar(
    utterance: Utterance, part: str, keeps_day: bool = False
) -> tuple[datetime, tuple[tuple[int, int], ...], bool] | None:
    """The moment a day phrase and/or a time phrase name ("next friday at 7 pm"). With `keeps_day`
    and no day said, the thing keeps its own day, so how near the evening now is says nothing."""
    now = utterance.now
    said = _day_said(utterance)
    clock = _clock_said(utterance) if part != "date" else None
    daypart = first(utterance, [DAYPART], is_daypart) if part != "date" else None
    hour_minute = read_clock(clock, set(lexicon.tokens(utterance.text)), now) if clock else None
    if hour_minute is None and daypart is not None:
        named = (daypart["part"] or "morning").lower().replace(" ", "")
        hour_minute = (DAYPARTS[named], 0, True)
    on = said[1].resolve(said[0], now.date()) if said else None
    if on is not None and clock is not None and (clock.groupdict().get("word") or "").lower() == "midnight":
        on += timedelta(days=1)  # "midnight tonight", "by midnight on friday": the midnight that ends the day
    if (part == "time" and hour_minute is None) or (on is None and hour_minute is None):
        return None
    hour, minute, sure = hour_minute or (0, 0, True)
    if (
        not sure
        and hour < 12
        and on in (None, now.date())
        and (hour, minute) <= (now.hour, now.minute)
        and not (keeps_day and on is None)
    ):
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
_THIS_DAYPART = re.compile(r"\bthis\s+(?:morning|afternoon|evening|lunchtime|lunch\s+time)\b", re.I)


def _day_said(utterance: Utterance) -> tuple[re.Match[str], Days] | None:
    """The first way of naming a day that is said, with the words that name it; one that is part of
    a thing's name ("move the friday meeting to monday") only when no other is."""
    text, named = utterance.text, None
    for days in DAYS:
        for match in utterance.matches(days.pattern):
            before, after = around(text, match)
            if re.search(r"\bsince\s+$", before, re.I) or re.match(r"(?:'s\b|\s+ago\b)", after, re.I):
                continue  # "since last week", "two days ago", "tomorrow's meeting": not when to do it
            if days.described and (noun_after(after) or NOT_A_DAY_AFTER.match(after)):
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
    for pattern in TIME_PATTERNS:
        for match in utterance.matches(pattern):
            if not is_clock(text, match):
                continue
            if _names_a_thing(*around(text, match)):
                named = named or match
                continue
            return match
    return named


def _names_a_thing(before: str, after: str) -> bool:
    """Whether a day or a time is part of a thing's name: "the friday meeting", "my 9 am", "the 3 o'clock"."""
    owned = re.search(r"\b(?:the|my|your|our|their|his|her)\s+$", before, re.I)
    if owned is None:
        return False
    # "the friday meeting", "move the 3 o'clock to 4"; but "on the friday, at 9" is a day said.
    return (
        not owned.group(0).lower().startswith("the") or noun_after(after) or bool(re.match(r"\s+to\b", after))
    )


def first(
    utterance: Utterance,
    patterns: Sequence[re.Pattern[str]],
    fits: Callable[[str, re.Match[str]], bool] = lambda text, match: True,
) -> re.Match[str] | None:
    return next((m for p in patterns for m in utterance.matches(p) if fits(utterance.text, m)), None)
