"""Words about when: weekdays, months, parts of the day, and what may follow a day or a time said."""

from __future__ import annotations

import re

from .. import calendar_words, lexicon

WEEKDAYS = calendar_words.WEEKDAYS
MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september",
          "october", "november", "december")  # fmt: skip
MONTH = "|".join(MONTHS)
DAYPARTS = {"morning": 9, "am": 9, "lunchtime": 12, "afternoon": 15, "arvo": 15, "pm": 15, "evening": 19,
             "tonight": 20, "tonite": 20, "night": 21}  # fmt: skip
PM_HINTS = {"afternoon", "arvo", "evening", "tonight", "tonite", "night", "dinner", "supper", "pm"}
AM_HINTS = {"morning", "breakfast", "am"}
# Words that are about when, never part of a place or a name.
WHEN_WORDS = frozenset(
    {*WEEKDAYS, *DAYPARTS, "today", "tomorrow", "yesterday", "week", "weekend", "month", "year", "noon",
     "midnight", "am", "pm", "o'clock", "oclock", "minute", "minutes", "hour", "hours", "day", "days",
     "fortnight", "fortnights", "ish", "tmrw"}
)  # fmt: skip


# Words that may follow a day or a time that is meant as one ("the 5th instead", "at 9 sharp").
AFTER_A_MOMENT = frozenset({"instead", "sharp", "ish", "works", "work", "latest", "onwards", "okay", "fine"})


def around(text: str, match: re.Match[str]) -> tuple[str, str]:
    """A few words before and after a match: what says how it is meant, read in constant time."""
    return text[max(0, match.start() - 40) : match.start()], text[match.end() : match.end() + 40]


def noun_after(after: str) -> bool:
    """Whether the words after a number or a name begin with a noun it describes ("5 people")."""
    following = re.match(r"\s+([a-z][\w']*)", after, re.I)
    if following is None:
        return False
    word = following.group(1).lower()
    return not (word in lexicon.STOPWORDS or word in WHEN_WORDS or word in AFTER_A_MOMENT or word in MONTHS)
