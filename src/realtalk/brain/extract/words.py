"""Values said in words: emails ("bob at example dot com"), places, names, one of a set of options,
on or off, a flag said or negated, and yes or no."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from .. import lexicon
from .digits import numbers
from .utterance import Found, Utterance
from .when_words import WHEN_WORDS

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
            # "it doesn't need to be high again": an option denied is not the one asked for
            said = (m for m in utterance.matches(pattern) if not _DENIED.search(utterance.text[: m.start()]))
            match = next(said, None)
            if match is not None:
                return Found(option, (match.span(),))
    return None


_DENIED = re.compile(
    r"(?:\bnot|n't|\bno\s+longer|\bnever)\s+(?:(?:need|needs|have|has)\s+to\s+)?(?:be\s+)?(?:so\s+|that\s+|too\s+)?$",
    re.I,
)


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
    pattern = re.compile(r"\b(?:" + "|".join(_phrase_said(p) for p in phrases) + r")\b", re.I)
    said = next(utterance.matches(pattern), None)
    if said is None:
        return None
    return Found(_NEGATION.search(utterance.text[: said.start()]) is None, (said.span(),))


# "Due" said as the date it names: "past due" is "past its date", "past the due date", "gone past
# the deadline".
_DUE = r"(?:(?:its|the|their|his|her|my|your)\s+)?(?:due\s+)?(?:due|date|deadline|time)"
# "past" said as the verb it comes from: "has passed its time".
_SAID_AS = {"due": _DUE, "past": r"(?:past|passed)"}


def _phrase_said(phrase: str) -> str:
    """A phrase's words as a pattern, "due" in it as any way of saying the date something is due."""
    return r"\s+".join(_SAID_AS.get(w.lower(), re.escape(w)) for w in phrase.split())


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
