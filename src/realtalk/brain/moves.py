"""Earlier and later: "bring the dentist forward a day", "push it back to Friday", "move the call up",
"postpone the meeting". A phrasal verb of moving says which way a dated thing goes; what follows says
how far (an amount, from where the conversation last put the thing) or where to (a day, a time).
Said with neither, the new moment is asked for. The tool is the one that moves a held thing: a
changer whose required values are the thing and a date-time."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from . import (
    arguments,
    current,
    dialogue,
    entities,
    extract,
    held,
    intent,
    lexicon,
    openers,
    parameters,
    replies,
)
from .arguments import Filled
from .base import BrainEvent, Message, ToolSpec

_EARLIER = lexicon.words("forward forwards up earlier sooner ahead")
_LATER = lexicon.words("back backwards off later")
_BEFORE = lexicon.words("prepone advance")
# A verb of moving, its object, then the way ("bring the dentist forward"), or the way first ("push
# back the meeting"); a verb that is a move by itself ("postpone the meeting", "prepone the demo").
_PARTICLE = r"(?P<way>forwards?|back(?:wards)?|up|off|earlier|later|sooner|ahead)"
_LEAD = r"^\W*" + openers.run(
    also=(r"please", "kindly", "just", r"can\s+(?:you|we)", r"could\s+(?:you|we)", r"would\s+you",
          r"will\s+you", "let's", r"i'd\s+like\s+to", r"i\s+want\s+to", r"i\s+need\s+to", r"we\s+need\s+to")
)  # fmt: skip
# The thing moved: words up to a clause's end ("move the gutters to Saturday and bump it up" is two).
_THING = r"(?:(?!\b(?:and|to|then|but|at|on)\b)[^,;]){1,80}?"
_MOVE = re.compile(
    _LEAD + r"(?P<verb>bring|pull|move|push|put|shift|set|bump|kick|knock)\s+"
    r"(?:(?P<way_first>forwards?|back|up|off)\s+(?P<first>"
    + _THING
    + r")|(?P<thing>"
    + _THING
    + r")\s+"
    + _PARTICLE
    + r")"
    r"(?P<rest>\s+(?:by|to|till|until|for|a|an|one|two|three|four|five|six|seven|\d|half|on)\b[^,;]*?)?\W*$",
    re.I,
)
_DELAY = re.compile(
    _LEAD + r"(?P<verb>postpone|delay|defer|prepone|advance)\s+(?P<thing>.+?)"
    r"(?P<rest>\s+(?:by|to|till|until|for|a|an|\d|half)\b.*?)?\W*$",
    re.I,
)
_AMOUNT = re.compile(
    r"^\W*(?:by\s+|for\s+)?(?P<n>half\s+an?|an?|\d+)\s+(?P<unit>minute|hour|day|week)s?\W*$", re.I
)
# "Could the accountant call be an hour later?", "can it be a day earlier?": a move asked as a question.
_BE_SHIFTED = re.compile(
    r"^\W*(?:can|could|would|will)\s+(?P<thing>[^,;]{1,80}?)\s+be\s+(?:moved\s+|made\s+)?(?P<rest>(?:half\s+an?|an?|one|two"
    r"|three|four|five|six|\d+)\s+(?:minute|hour|day|week)s?)\s+(?P<way>earlier|later|sooner)\W*$",
    re.I,
)
# "The fish supplier call's going to have to wait till tomorrow", "so the call about the fete will have
# to be later": a move said as what must happen to the thing (after a reason, when one is given).
_MUST_WAIT = re.compile(
    r"^(?:.*?(?:[,;]\s*(?:so\s+|but\s+|and\s+)?|\b(?:so|but)\s+))?(?P<thing>[^,;]{1,80}?)"
    r"(?:'s|'ll|\s+is|\s+will)?\s+(?:(?:going\s+to|gonna)\s+)?(?:have\s+to|has\s+to|need\s+to|must)\s+"
    r"(?:wait|be\s+(?P<way>later|earlier|sooner|put\s+off|pushed\s+back|moved))"
    r"(?P<rest>\s+(?:till|until|to|for|by)\b.*?)?\W*$",
    re.I,
)
_COUNT = r"(?:by\s+)?(?:half\s+an?|an?|one|two|three|four|five|six|seven|\d+)\s+(?:minute|hour|day|week)s?"
# "move the cake order a day later", "push the call two hours back": the amount before the way.
_AMOUNT_FIRST = re.compile(
    _LEAD
    + r"(?:move|push|put|shift|bump|bring|set|kick)\s+(?P<thing>[^,;]{1,80}?)\s+(?P<rest>"
    + _COUNT
    + r")\s+"
    r"(?P<way>earlier|later|sooner|forwards?|back(?:wards)?|ahead)\W*$",
    re.I,
)
# "Biscuit's vet appointment has been pushed back a week, same time", "the demo got moved up a day": a
# move reported as done to the thing, which the list is to follow.
_REPORTED = re.compile(
    r"^\W*(?P<thing>[^,;]{1,80}?)\s+(?:(?:has|have|'s)\s+been|is|was|got)\s+(?:pushed|moved|put|bumped|shifted|brought"
    r"|pulled|kicked)\s+(?P<way>back|forwards?|up|later|earlier|off)(?P<rest>\s+" + _COUNT + r")?"
    r"(?:\s*,?\s*(?:at\s+the\s+)?same\s+time)?\W*$",
    re.I,
)
# "The lunch visit tomorrow needs to be an hour later", "the call should be a day earlier": a move by
# an amount said as what the thing must be.
_MUST_BE = re.compile(
    r"^\W*(?P<thing>[^,;]{1,80}?)\s+(?:needs|has|have|'s\s+got|ought|'ll\s+have|will\s+have|must|should)"
    r"(?:\s+to)?\s+be\s+(?:moved\s+|made\s+|pushed\s+)?(?P<rest>"
    + _COUNT
    + r")\s+(?P<way>earlier|later|sooner)\W*$",
    re.I,
)
_SENTENCES = re.compile(r"[^.!?]+[.!?]*")
_PRONOUN = re.compile(r"^\W*(?:it|that|this|that\s+one|this\s+one|them)\W*$", re.I)


@dataclass(frozen=True)
class Move:
    """A move said: the thing's words ("" for "it"), which way (-1 earlier, 1 later), and the rest."""

    thing: str
    way: int
    rest: str


def said(text: str, question: bool = False) -> Move | None:
    """The move the words ask for, or None: in the sentence that asks it ("Can we push yoga back a
    day? Something's come up."). Of questions, only "could the call be an hour later?" asks one."""
    for sentence in _SENTENCES.findall(text):
        found = _BE_SHIFTED.match(sentence)
        if found is not None:
            way = -1 if found.group("way").lower() in _EARLIER else 1
            return Move(found.group("thing"), way, found.group("rest"))
        move = None if question else _said(sentence) or _said(_REASON_AFTER.sub("", sentence))
        if move is not None:
            return move
    return None


# "Push Mrs Whitfield back an hour, I'm still under this sink": why, said after the move.
_REASON_AFTER = re.compile(
    r",\s*(?:i'm|i\s+am|i've|i\s+have|i'll|we're|we've|cos|because|since)\b[^,;:]*$", re.I
)


def _said(text: str) -> Move | None:
    found = _AMOUNT_FIRST.match(text) or _REPORTED.match(text) or _MUST_BE.match(text)
    if found is not None:
        way = -1 if found.group("way").lower() in _EARLIER else 1
        return Move(_PRONOUN.sub("", found.group("thing")).strip(), way, (found.group("rest") or "").strip())
    found = _MOVE.match(text)
    if found is not None:
        particle = (found.group("way") or found.group("way_first") or "").lower()
        thing = found.group("thing") or found.group("first") or ""
        way = -1 if particle in _EARLIER else 1 if particle in _LATER else 0
        rest = (found.group("rest") or "").strip()
        if found.group("verb").lower() in ("set", "put", "kick") and particle == "up":
            return None  # "set up a meeting", "put up the shelves": not a move in time
        if way and (particle != "up" or found.group("verb").lower() in ("move", "bring", "pull")):
            return Move(_PRONOUN.sub("", thing).strip(), way, rest)
        return None
    found = _MUST_WAIT.match(text)
    if found is not None:
        way = -1 if (found.group("way") or "").lower() in _EARLIER else 1
        rest = re.sub(r"^\s*(?:till|until)\b", "to", found.group("rest") or "", flags=re.I)
        return Move(_PRONOUN.sub("", found.group("thing")).strip(), way, rest.strip())
    found = _DELAY.match(text)
    if found is not None:
        way = -1 if found.group("verb").lower() in _BEFORE else 1  # "prepone": the opposite of postpone
        return Move(_PRONOUN.sub("", found.group("thing")).strip(), way, (found.group("rest") or "").strip())
    return None


def by(move: Move) -> timedelta | None:
    """How far the move goes ("a day", "by two hours"), when it says an amount."""
    found = _AMOUNT.match(extract.words_to_numbers(move.rest))
    if found is None:
        return None
    n, unit = found.group("n").lower(), found.group("unit").lower()
    amount = 0.5 if n.startswith("half") else 1.0 if not n.isdigit() else float(n)
    return move.way * timedelta(**{f"{unit}s": amount})


def mover(tools: Sequence[ToolSpec]) -> tuple[ToolSpec, str, parameters.Param] | None:
    """The one tool that moves a held thing: (it, the parameter for the thing, the date-time one)."""
    found = [
        (tool, which, when)
        for tool in tools
        if intent.writes(tool) and not intent.creates(tool) and (which := held.target(tool, None))
        for when in parameters.params_of(tool)
        if when.required and when.kind == "datetime"
    ]
    return found[0] if len(found) == 1 else None


def to(tool: ToolSpec, when: parameters.Param, move: Move, now: datetime) -> Filled:
    """The new moment the rest of the words name ("to Friday", "till 5 pm"), as the tool's value."""
    words = re.sub(r"^\W*(?:to|till|until|for)\b", "", move.rest, flags=re.I).strip()
    filled = arguments.fill_answer(tool, when.name, words, {}, now) if words else Filled()
    return Filled({k: v for k, v in filled.arguments.items() if k == when.name})


def request(
    move: Move,
    tools: Sequence[ToolSpec],
    now: datetime,
    messages: Sequence[Message],
    known: Sequence[str],
    referred: str | None,
) -> tuple[ToolSpec, Filled] | None:
    """The call the move asks for: the thing (its words, the held name they surely name, or the thing
    `referred` to for "it"), and its new moment, or the moment missing (to be asked) when the words
    give no place to go or an amount from a moment the conversation never said."""
    found = mover(tools)
    if found is None:
        return None
    tool, which, when = found
    match = entities.closest(move.thing, known) if move.thing else None
    thing = (match.name if match is not None and match.sure else move.thing) or referred
    values: dict[str, object] = {which: thing} if thing else {}
    delta = by(move)
    if delta is not None and thing:
        moment = current.moment(messages, tools, thing, now)
        day = (
            current.day(messages, tools, thing, now)
            if moment is None and delta % timedelta(days=1) == timedelta(0)
            else None
        )
        if moment is not None:
            values[when.name] = (moment + delta).isoformat(timespec="seconds")
        elif day is not None:  # "push it back a week" for a thing due on a day, at no hour
            values[when.name] = (day + delta).isoformat()
    elif delta is None and move.rest:
        values |= to(tool, when, move, now).arguments
    missing = [p for p in parameters.params_of(tool) if p.required and p.name not in values]
    return tool, Filled(values, missing)


def shifted(
    tools: Sequence[ToolSpec], text: str, last: dialogue.LastAction, entity: str | None, now: datetime
) -> list[BrainEvent] | None:
    """ "Make it an hour earlier", "push it back a day": the thing just talked about moved by that much
    from the moment the last call or its result gave it, by the one tool that moves a thing."""
    delta = dialogue.shift(text)
    value = last.entity(entity) if entity is not None else None
    found = mover(tools)
    if delta is None or value is None or found is None or intent.is_question(text):
        return None
    tool, which, when = found
    said = [last.arguments.get(when.name), *last.result.values(), last.said] if last.result else [last.said]
    moment = next((m for s in said if isinstance(s, str) and (m := current.at_moment(s, now))), None)
    if moment is not None:
        return [replies.call(tool, {which: value, when.name: (moment + delta).isoformat(timespec="seconds")})]
    # "I meant the day after" a day with no time: whole days move a day alone
    day = next((d for s in said if isinstance(s, str) and (d := current.day_in(s, now))), None)
    if day is None or delta % timedelta(days=1):
        return None
    return [replies.call(tool, {which: value, when.name: (day + delta).isoformat()})]
