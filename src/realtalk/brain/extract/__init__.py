"""Typed values from spoken words: numbers, codes, dates and times, emails, places, names, enums.

Input comes from speech recognition, so numbers may be spelled out ("twenty five"), codes spoken
digit by digit ("four one nine two"), and punctuation and capitals may be missing. An `Utterance`
normalises the words once and remembers which stretches already filled a parameter, so "at 7 pm"
cannot also become a party size and "tomorrow" stays out of a task's title.

`spoken` normalises the text, `utterance` holds it, `digits` reads numbers and codes, `days`,
`clock` and `moment` read when, `words` reads emails, places, names, options and yes or no.
"""

from .days import warm_up
from .digits import code, numbers, placed_digits
from .moment import when
from .spoken import normalize, words_to_numbers
from .utterance import Found, Utterance
from .when_words import MONTHS, WEEKDAYS, WHEN_WORDS
from .words import (
    NAME_MARKERS,
    PLACE_MARKERS,
    email,
    ends_name,
    ends_place,
    enum,
    flag,
    flag_phrase,
    phrase_after,
    switch,
    yes_no,
)

__all__ = [
    "MONTHS",
    "NAME_MARKERS",
    "PLACE_MARKERS",
    "WEEKDAYS",
    "WHEN_WORDS",
    "Found",
    "Utterance",
    "code",
    "email",
    "ends_name",
    "ends_place",
    "enum",
    "flag",
    "flag_phrase",
    "normalize",
    "numbers",
    "phrase_after",
    "placed_digits",
    "switch",
    "warm_up",
    "when",
    "words_to_numbers",
    "yes_no",
]
