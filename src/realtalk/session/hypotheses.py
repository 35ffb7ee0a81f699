"""Choosing what was said among the recogniser's best few readings.

Whisper's beam keeps several readings of an utterance that sound alike ("actually, make it high
priority" and "actually, make a type right already"). Its own score weighs sound and English
only; the conversation knows more. A reading gains, over its average log-probability per token,
`FIT_WEIGHT` for each thing it says that the conversation expects:

- a word of the tools' vocabulary (their names, their parameters' names and the values these
  take: "tag", "code", "high");
- two words in a row of a name the tools hold ("water the plants" for the task "Water the
  plants"; one word alone is too weak: "Mia" of "Buy a present for Mia" in "tell Mia joke");
- a yes or a no, when the agent's last words asked a yes-or-no question.

A reading also gains `VALUE_WEIGHT` when it gives a value that the tools' schemas accept, and
loses it when it gives only values they refuse (`values`): "The code in 7 7 0 1" over "The code
is 77001" where the door takes 4 digits, a date over none after "When should it be?"; a code
gains only when another reading, or a second recogniser, gives it too.

With two recognisers pooled (`engines/pooled_stt.py`), a reading both gave word for word gains
`VOTE_WEIGHT` for each further recogniser that gave it: two models with different errors rarely
make the same one.

Among readings close to the best, sound can no longer tell; the brain can. Up to `MAX_JUDGED` of
those a verdict could still raise above the best (within twice `UNDERSTOOD_WEIGHT`) are dry-run
as the user's turn (`brain/understanding.py`: the reply is worked out, nothing is called or
kept), and a reading gains `UNDERSTOOD_WEIGHT` when the brain would act on it (a call that fits
its schema, on a thing the tools hold), loses it when the brain could only say it can't help, ask
which thing was meant, or call on a thing it cannot find.

A question misheard as a command ("Did I add something about ink?" heard as "Then I add something
about ink") would write; when a reading within `DISPUTE_MARGIN` of the chosen one asks where the
chosen one tells, the turn is marked unsure, and the brain checks before it writes.

Before they are weighed, the readings' misheard spans are put back to the conversation's words
they sound like (`brain/sounds.py`: "target house" -> "tag it house", "what's over do" -> "what's
overdue"), from the tools' words, the agent's instructions and the names the tools hold, and
digits heard as words that sound like them are written as digits where they make a code ("fine
fine fine fine" -> "5 5 5 5"). Set
lookups and short key comparisons per reading: well under a millisecond, next to the beam's tens
of milliseconds.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from datetime import datetime

from ..brain import intent, lexicon
from ..brain.sounds import Vocabulary
from ..engines.base import Hypothesis
from . import values
from .hearing import Expectation

FIT_WEIGHT = 0.15
"""Log-probability per token that one expected word is worth (tuned on the dev half's spoken turns,
`bench/eval_wer.py --nbest`)."""

VOTE_WEIGHT = 0.3
"""Log-probability per token that a second recogniser's agreement is worth (tuned on the dev and
dev2 halves' spoken turns, tiny.en and base pooled: WER 0.294 without, 0.281 with)."""

VALUE_WEIGHT = 0.2
"""Log-probability per token that a value fitting (or refused by) its parameter is worth (tuned on
the Escape Room's spoken turns of the tuning halves: 0.1-1.0 gave the same codes, 0.3 and more
also took "Enter 1 2 3 3" for "Enter one two three")."""

DISPUTE_MARGIN = 0.5
"""Log-probability per token within which another reading is a live alternative to the chosen one
(readings of one utterance heard right and wrong were 0.1-0.4 apart on the dev half's turns)."""

UNDERSTOOD_WEIGHT = 0.15
"""Log-probability per token that a step of the brain's understanding of a reading is worth (from
not understood, -1, to understood, +1: `brain/understanding.py`). Tuned on the dev, dev2, dev6 and
dev8 halves' spoken cases: 0.15 and 0.3 gained the same 9 of 305, and 0.3 lost one more ("When's
the met thing?", which the tool could not find, over "Where's the mutton?")."""

_REACH = 2 * UNDERSTOOD_WEIGHT
"""How far behind the best a reading may score and still be chosen for a verdict (its +1 against
the best's -1): readings further behind are not dry-run, whatever the brain would make of them."""

MAX_JUDGED = 3
"""Readings the brain is asked about at most per turn: a dry run costs about 25 ms."""

Judge = Callable[[str], int]
"""How well the brain understands a reading as the user's turn: -1, 0 or +1, nothing done."""

_YES_NO = lexicon.words("yes yeah yep yup sure no nope nah okay ok correct")
_YES_NO_QUESTION = re.compile(
    r"(?:^|[.!?]\s+)(?:do|does|did|shall|should|is|are|was|were|will|would|can|could|may|have|has)\b[^.!?]*\?\s*$",
    re.I,
)


def choose(
    readings: Sequence[Hypothesis],
    expecting: Expectation,
    known: Iterable[str] = (),
    judge: Judge | None = None,
) -> Hypothesis:
    """The reading that scores best by sound and by fit with what the conversation expects (the
    first of equals), its misheard words put back; `known` are names the tools hold, `judge` tells
    how well the brain understands a reading (see the module docstring)."""
    known = list(known)
    return best(put_back(readings, expecting, known), expecting, known, judge)


def put_back(
    readings: Sequence[Hypothesis], expecting: Expectation, known: Sequence[str]
) -> list[Hypothesis]:
    """The readings with their misheard spans put back to the conversation's words they sound like."""
    sounds = Vocabulary(
        (*expecting.vocabulary, *expecting.parameters, *expecting.described), known, expecting.verbs
    )
    return [replace(r, text=values.digits_put_back(sounds.snap(r.text), expecting.wanted)) for r in readings]


def best(
    readings: Sequence[Hypothesis],
    expecting: Expectation,
    known: Iterable[str] = (),
    judge: Judge | None = None,
) -> Hypothesis:
    """The reading that scores best by sound and by fit (the first of equals), as it was heard."""
    if len(readings) <= 1:
        return readings[0]
    fits = Fit(expecting, known)
    weighed = values.weigh(readings, expecting.wanted, datetime.now())
    valued = values.supported(readings, weighed)
    scores = [
        r.log_prob + FIT_WEIGHT * fits.of(r.text) + VALUE_WEIGHT * v + VOTE_WEIGHT * (r.votes - 1)
        for r, v in zip(readings, valued, strict=True)
    ]
    if judge is not None:
        scores = understood(readings, scores, [w == 0 for w, _ in weighed], judge)
    return readings[max(range(len(readings)), key=lambda i: (scores[i], -i))]


def understood(
    readings: Sequence[Hypothesis], scores: list[float], valueless: Sequence[bool], judge: Judge
) -> list[float]:
    """`scores` with `UNDERSTOOD_WEIGHT` for each step of the brain's understanding (-1, 0, +1) of
    the best `MAX_JUDGED` distinct readings within `_REACH` of the best score; the others are out
    of reach of a verdict (it could not make them the best) and keep theirs. A reading whose
    values were weighed (a code, a date asked for) gets none: the brain would count the same values
    again ("Enter 1 2 3 3" is a call, "Enter 1 2 3" a code refused, for "Enter one two three")."""
    top = max(scores)
    near = sorted((i for i, s in enumerate(scores) if s >= top - _REACH), key=lambda i: -scores[i])
    if len({readings[i].text for i in near}) < 2:
        return scores  # nothing to tell apart
    texts = list(dict.fromkeys(readings[i].text for i in near if valueless[i]))[:MAX_JUDGED]
    verdicts = {text: judge(text) for text in texts}
    return [
        s + UNDERSTOOD_WEIGHT * verdicts.get(r.text, 0) if free else s
        for r, s, free in zip(readings, scores, valueless, strict=True)
    ]


class Fit:
    """How much of what the conversation expects a reading says (see the module docstring)."""

    def __init__(self, expecting: Expectation, known: Iterable[str]) -> None:
        phrases = (*expecting.vocabulary, *expecting.parameters)
        self._vocabulary = {lexicon.stem(w) for phrase in phrases for w in lexicon.tokens(phrase)} - {
            lexicon.stem(w) for w in lexicon.STOPWORDS
        }
        self._pairs = {pair for name in known for pair in _pairs(name)}
        self._asks_yes_no = bool(_YES_NO_QUESTION.search(expecting.agent_said))

    def of(self, text: str) -> int:
        words = lexicon.tokens(text)
        stems = {lexicon.stem(w) for w in words}
        fit = len(stems & self._vocabulary) + len(set(_pairs(text)) & self._pairs)
        return fit + int(self._asks_yes_no and bool(words) and words[0] in _YES_NO)


def _pairs(text: str) -> list[tuple[str, str]]:
    """Consecutive meaningful words (stems), small words skipped: "Water the plants" -> (water, plant)."""
    stems = [lexicon.stem(w) for w in lexicon.tokens(text) if w not in lexicon.STOPWORDS]
    return list(itertools.pairwise(stems))


def mood_disputed(readings: Sequence[Hypothesis], chosen: Hypothesis) -> bool:
    """Whether a reading nearly as likely as `chosen` asks a question where `chosen` does not (by
    its words: Whisper's question mark alone varies between readings of one sentence)."""
    if _asks(chosen.text):
        return False
    return any(_asks(r.text) for r in readings if r.log_prob >= chosen.log_prob - DISPUTE_MARGIN)


def _asks(text: str) -> bool:
    return intent.is_question(text.rstrip(" ?.!"))
