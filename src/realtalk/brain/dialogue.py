"""What the conversation so far says the next utterance may be about.

The built-in brain keeps no memory of its own: the state of the dialogue is read from the
conversation (so it survives a reconnect and works the same for every client). What matters for
the next turn is the last action: the tool we called just before this utterance, its arguments,
its result, and whether what we said after it asked the user something. From it follow:

- a pending confirmation: the result asked "Do you really want to delete X?" and the tool has a
  boolean confirmation parameter that was not set: "yes" calls it again with it set;
- the last-mentioned entity: "make it high priority" means the task just added;
- "the other one": a result may name `alternatives` (the other things its words could mean) and
  `undo` (arguments for the same tool that reverse what it did);
- "the second one", "that one": a result may list the things it read out (a list of names, or of
  objects with a name), in order;
- a correction ("no, make it Thursday", "actually high priority", "I meant 5 pm"): what is left
  once its lead-in is taken away amends the last action.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from . import arguments, extract, openers, parameters, results, yes_no
from .base import Message, ToolCall, ToolSpec

_OTHER = re.compile(
    r"\b(?:the\s+other(?:\s+one)?|not\s+(?:that|this)\s+one|the\s+different\s+one|the\s+second\s+one)\b", re.I
)
_REFERENCE = re.compile(
    r"\b(?:it|its|that|this|them|those|these|that\s+one|this\s+one|the\s+same\s+one)\b", re.I
)
# "undo", "oops, undo that", "that was the wrong one, undo it", "no, put it back": a short utterance.
_UNDO = re.compile(
    r"\b(?:undo|revert|reverse)\b|\b(?:put|change|set)\s+it\s+back\b"
    r"|^\W*(?:(?:no|oops|sorry)\W+)*(?:that\s+was|wrong)\s+(?:the\s+)?wrong\s+(?:one|task|thing)\W*$",
    re.I,
)
_UNDO_WORDS = 8
_CORRECTING = (*openers.REFUSALS, *openers.INTERRUPTIONS, *openers.HESITATIONS, "oh", "ah", r"ok(?:ay)?")
"""What a correction may open with: never a link ("and Saturday" adds to what was said)."""
_REFUSING = (*openers.USUAL, *openers.REFUSALS)
# "no, I meant Ben", "sorry, not that, the Ben one": a correction that names what was meant instead.
_MEANT = re.compile(
    r"(?:^|[,.;!]\s*|\b" + openers.alternation(_CORRECTING) + r"\W+)"
    r"(?:i\s+meant?|i\s+said|i\s+was\s+talking\s+about"
    r"|not\s+(?:that|this)(?:\s+one)?\W+(?!.*\bother\b)|no\W+(?!the\s+other\b)(?=the\s+\w+(?:\s+\w+)?\s+one\W*$))"
    r"\s*(?:the\s+)?(?P<what>.+?)(?:\s+(?:one|task|instead|not\s+.+))*\W*$",
    re.I,
)
# What a correction opens with: "no,", "actually", "sorry, make that", "change it to": the rest amends.
_CORRECTION_LEAD = re.compile(
    r"^\W*(?:"
    + openers.alternation(_CORRECTING, ("great", "rather", "instead", r"i\s+mean"))
    + r"\b\W*|(?:make\s+(?:it|that)|change\s+(?:it|that)\s+to|set\s+(?:it|that)\s+to)\b\W*"
    r"|not\s+[^,.;]+[,.;]\s*)+",  # "not Wednesday, Thursday"
    re.I,
)
_NOT_THE_OLD = re.compile(r",?\s+not\s+[^,.;]+?\W*$", re.I)
_ORDINALS = {"first": 0, "1st": 0, "second": 1, "2nd": 1, "third": 2, "3rd": 2, "fourth": 3, "4th": 3,
             "fifth": 4, "5th": 4, "last": -1}  # fmt: skip
_NUMBERED = {"one": 0, "1": 0, "two": 1, "2": 1, "three": 2, "3": 2, "four": 3, "4": 3, "five": 4, "5": 4}
_ORDINAL = re.compile(
    r"\b(?:the\s+)?(?:(?P<at>" + "|".join(_ORDINALS) + r")(?:\s+(?:one|1|task|item|thing))?"
    r"|number\s+(?P<number>" + "|".join(_NUMBERED) + r"))\b",
    re.I,
)
_NAMES = ("title", "name", "label", "id")
_NOT_A_NAME = {"one", "it", "that", "this"}
_NAMES_A_DAY = re.compile(
    r"\b(?:today|tonight|tomorrow|yesterday|" + "|".join(extract.WEEKDAYS) + r"|weekend|week|month|year"
    r"|days?|next|\d{1,2}(?:st|nd|rd|th)|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)\w*",
    re.I,
)
# "and tag it bills", "with a note: ...", "also high priority": a fragment that goes on with the last thing.
_GOES_ON = re.compile(r"^\W*(?:(?:oh|and|also|plus|with|oh\s+and)\b\W*)+", re.I)
# The other thing, by its words: "the dentist one", "my compost bags" (never "it" or "that").
_ANOTHER = r"(?:(?:the|my)\s+)?(?P<what>(?!it\b|that\b|this\b)\w.*?)(?:\s+(?:one|task))?"
# "and the dentist one too", "also the report": the same again, for another thing.
_ALSO = re.compile(
    rf"^\W*{openers.run(openers.HESITATIONS + openers.DISCOURSE)}(?:and|also|plus)\W+{_ANOTHER}"
    r"\s+(?:too|as\s+well|also)\W*$",
    re.I,
)
# "Same for the compost bags", "do the same with the gas bill": the last change, for another thing.
_SAME_FOR = re.compile(
    r"^\W*(?:and\s+|ok(?:ay)?\W+|now\s+)?(?:(?:please\s+)?do\s+)?(?:the\s+)?same\s+(?:goes\s+)?(?:for|with)\s+"
    rf"{_ANOTHER}(?:\s+(?:too|as\s+well|also|please))?\W*$",
    re.I,
)
_PRONOUN_LED = re.compile(r"^\W*(?:it|that|this|them|those)\b", re.I)
_AGAIN = re.compile(
    r"\b(?:another(?:\s+one)?|one\s+more|again|the\s+next(?:\s+\w+)?|next\s+one|more)\b", re.I
)


@dataclass(frozen=True)
class LastAction:
    """The tool call just before the utterance, what it returned, and what we said about it."""

    tool: ToolSpec
    call: ToolCall
    arguments: dict[str, Any]
    result: Any
    said: str

    @property
    def asked(self) -> bool:
        return "?" in self.said

    def entity(self, name: str) -> str | None:
        """The value the action was about for a parameter `name` ("title"): the result's exact one
        when it gives it, else the argument we sent."""
        if isinstance(self.result, dict) and isinstance(self.result.get(name), str):
            return str(self.result[name])
        value = self.arguments.get(name)
        return value if isinstance(value, str) else None

    def alternatives(self) -> list[str]:
        found = self.result.get("alternatives") if isinstance(self.result, dict) else None
        return [str(a) for a in found] if isinstance(found, list) else []

    def listed(self) -> list[str]:
        """The things the result read out, in order: a list of names, or of objects with a name."""
        if not isinstance(self.result, dict):
            return []
        for key, value in self.result.items():
            if key == "alternatives" or not isinstance(value, list) or not value:
                continue
            names = [item if isinstance(item, str) else _name_of(item) for item in value]
            if all(isinstance(n, str) for n in names):
                return [str(n) for n in names]
        return []

    def undo(self) -> dict[str, Any] | None:
        found = self.result.get("undo") if isinstance(self.result, dict) else None
        return found if isinstance(found, dict) else None


def _name_of(item: Any) -> str | None:
    if not isinstance(item, dict):
        return None
    return next((str(item[k]) for k in _NAMES if isinstance(item.get(k), str)), None)


def last_action(messages: Sequence[Message], tools: Sequence[ToolSpec]) -> LastAction | None:
    """The last tool call since the previous user turn (the utterance is `messages[-1]`)."""
    results_by_id = {m.tool_call_id: m.content for m in messages if m.role == "tool"}
    said = ""
    for message in reversed(messages[:-1]):
        if message.role == "user":
            return None
        if message.role == "assistant" and message.content and not said:
            said = message.content
        for call in reversed(message.tool_calls):
            tool = next((t for t in tools if t.name == call.name), None)
            if tool is None:
                return None
            parsed = results.parse(call.arguments or "{}")
            values = parsed if isinstance(parsed, dict) else {}
            output = results.parse(results_by_id.get(call.call_id, ""))
            return LastAction(tool, call, values, output, said)
    return None


def confirmation_param(tool: ToolSpec) -> str | None:
    """The tool's boolean parameter that says the user agreed ("confirm"), if it has one."""
    for param in parameters.params_of(tool):
        if param.kind == "boolean" and (param.words & arguments.CONFIRMATIONS or "yes" in param.hints):
            return param.name
    return None


def says_yes(text: str) -> bool:
    return yes_no.answer(text) is True


def says_no(text: str) -> bool:
    return yes_no.answer(text) is False


def means_other(text: str) -> bool:
    return bool(_OTHER.search(text))


def refers_back(text: str) -> bool:
    """ "make it high priority", and a fragment that goes on: "and tag it bills", "with a note: ..."."""
    return bool(_REFERENCE.search(text) or _GOES_ON.match(text))


def points_back(text: str) -> bool:
    """ "make it high priority", "is that done?": a pronoun for the thing, not a fragment that goes on."""
    return bool(_REFERENCE.search(text))


def pronoun_led(value: str) -> bool:
    """A value that is a pronoun and what followed it ("it done" from "mark it done")."""
    return bool(_PRONOUN_LED.match(value))


def also_for(text: str) -> str | None:
    """The other thing "and the dentist one too" asks the same for, or None."""
    found = _ALSO.match(text) or _SAME_FOR.match(text)
    return found.group("what") if found else None


def asks_undo(text: str) -> bool:
    """ "Undo that", or a longer utterance whose last clause asks it ("oh no, I haven't done that
    yet, can you undo it?"): the story before it only says why."""
    last_clause = re.split(r"[,;.!?]\s+", text.strip())[-1]
    return any(bool(_UNDO.search(t)) and len(t.split()) <= _UNDO_WORDS for t in (text, last_clause))


def ordinal(text: str) -> tuple[int, str] | None:
    """ "mark the second one done" -> (1, "mark it done"): the place in a list read out, and the
    utterance with "it" in its stead; "the last one" is -1."""
    found = _ORDINAL.search(text)
    if found is None:
        return None
    at = (
        _ORDINALS[found.group("at").lower()]
        if found.group("at")
        else _NUMBERED[found.group("number").lower()]
    )
    return at, f"{text[: found.start()]}it{text[found.end() :]}"


def correction(text: str) -> str | None:
    """What a correction says once its lead-in is gone ("actually, Saturday" -> "Saturday"), or None
    when the utterance does not open like one."""
    found = _CORRECTION_LEAD.match(text)
    rest = text[found.end() :].strip() if found else ""
    rest = _NOT_THE_OLD.sub("", rest) or rest  # "three, not two": the old value goes
    if _SUBJECT_DROPPED.match(rest):
        rest = f"it {rest}"  # "no, sorry, is for Sunday": it is, said without "it" (no question)
    return rest or None


_AMENDING = re.compile(r"\b" + openers.alternation((*openers.REFUSALS, *openers.AMENDS)) + r"\b", re.I)
_ONLY = re.compile(r"^\W*(?:just|only|simply)\s+", re.I)


def amended(text: str) -> str | None:
    """The words a correction gives when its lead-in refuses or amends ("wait no, chem test
    revision", "Sorry, just 'Renew driver's licence', not both" -> "Renew driver's licence"), or None."""
    rest = correction(text)
    found = _CORRECTION_LEAD.match(text)
    if rest is None or found is None or not _AMENDING.search(found.group()):
        return None
    return _ONLY.sub("", rest).strip(" .!'\"‘’“”") or None


_SUBJECT_DROPPED = re.compile(r"(?:is|was|'s)\s+(?:for|on|at|by|due|in|meant\s+for)\b", re.I)


# "No, hang on, it was the tomatoes I did": the thing meant, put first.
_CLEFT = re.compile(
    r"\bit\s+was\s+(?:the\s+|my\s+)?(?P<what>\w[^,.;]*?)\s+(?:that\s+)?i\s+(?:did|meant|finished|wanted|was\s+on\s+about)\W*$",
    re.I,
)


def meant_instead(text: str) -> str | None:
    """What a correction says was meant ("no, I meant Ben" -> "Ben"), or None."""
    found = _MEANT.search(text) or _CLEFT.search(text)
    what = found.group("what").strip("'\"‘’“”") if found else None  # "I meant 'back up the drive'"
    return None if not what or what.lower() in _NOT_A_NAME else what


# "no, the plumber", "wrong one, the gas bill", "no, the other one... the plumber": a lead-in that
# says the last thing was the wrong one, then words that may name the right one.
_WRONG_ONE = (r"wrong(?:\s+one)?", r"not\s+(?:that|this)(?:\s+one)?", r"the\s+other(?:\s+one)?")
_WRONG_THEN = re.compile(
    r"^\W*(?:" + openers.alternation(_CORRECTING, _WRONG_ONE) + r"\W+)+(?P<what>[^,.;!?]+?)\W*$",
    re.I,
)


def named_after_wrong(text: str) -> str | None:
    """The words after a lead-in that says the last thing was the wrong one ("no, the plumber" ->
    "the plumber"); whether they name a held thing is for the caller to judge."""
    found = _WRONG_THEN.match(text)
    return found.group("what") if found else None


def asks_again(text: str) -> bool:
    return bool(_AGAIN.search(text))


def keep_day(old: Any, new: Any, text: str) -> Any:
    """A new date-time whose words named only a time ("I meant 5 pm") keeps the old value's day
    (a time alone, "17:00", is put on it)."""
    if not (isinstance(old, str) and isinstance(new, str)) or not re.match(r"\d{4}-\d\d-\d\d", old):
        return new
    new = _same_half_day(old, new, text)
    if re.fullmatch(r"\d\d:\d\d", new):
        return f"{old[:10]}T{new}:00"
    return new if "T" not in new or _NAMES_A_DAY.search(text) else old[:10] + new[10:]


_HALF_DAY = re.compile(
    r"\b(?:[ap]\.?m\b\.?|morning|afternoon|evening|night|tonight|noon|midday|midnight)", re.I
)


def _same_half_day(old: str, new: str, text: str) -> str:
    """ "Actually, make it 7" after 6 pm is 7 pm: an hour said without its half of the day stays in
    the half of the day the old value was in."""
    at = re.search(r"(?:T|^)(\d\d):(\d\d)", new)
    was = re.search(r"T(\d\d):", old)
    if at is None or was is None or _HALF_DAY.search(text):
        return new
    hour = int(at.group(1))
    if int(was.group(1)) >= 12 and 1 <= hour < 12:
        return f"{new[: at.start(1)]}{hour + 12:02d}{new[at.end(1) :]}"
    return new


def _words(text: str, pattern: re.Pattern[str]) -> str | None:
    """The words `pattern` (one of the "make it X" forms below) names in `text`, or None."""
    found = pattern.match(text)
    return found.group("words") if found else None


# "Call it clean up the wiki", "rename it to X", "name it X instead": new words for the thing.
_NEW_WORDS = re.compile(
    r"^\W*" + openers.run(_REFUSING) + r"(?:call|name|rename|title|retitle)\s+(?:it|that|this)\s+"
    r"(?:to\s+|as\s+)?['\"‘“]?(?P<words>\w.*?)['\"’”]?(?:\s+instead)?\W*$",
    re.I,
)


def new_words(text: str) -> str | None:
    """The new words "call it X" gives a thing, or None."""
    return _words(text, _NEW_WORDS)


# "Change it to ring Mum and Dad", "switch that to collect the parcel": new words, or a new value
# ("change it to Tuesday"), which only the words themselves tell apart.
_CHANGED_TO = re.compile(
    r"^\W*"
    + openers.run(_REFUSING, (r"can\s+you", r"could\s+you", "please"))
    + r"(?:change|switch|alter|amend|update|edit)\s+(?:it|that|this|the\s+(?:title|name|wording))"
    r"\s+(?:to|into)\s+"
    r"(?P<words>\w.*?)(?:\s+instead)?\W*$",
    re.I,
)


def changed_to(text: str) -> str | None:
    """What "change it to X" says the thing becomes, a value or new words, or None."""
    return _words(text, _CHANGED_TO)


# "No wait, make that cat food": what the thing is made, a value or words in place of some of its own.
_MADE = re.compile(
    r"^\W*" + openers.run(_CORRECTING) + r"make\s+(?:it|that|this)\s+(?!to\b)"
    r"(?P<words>\w.*?)(?:\s+instead)?\W*$",
    re.I,
)


def made_into(text: str) -> str | None:
    """What "make that X" says the thing becomes, a value or new words, or None."""
    return _words(text, _MADE)


_X_NOT_Y = re.compile(r"^(?P<new>.+?),?\s+not\s+(?:the\s+|a\s+|an\s+)?(?P<old>[\w' -]+?)\W*$", re.I)
_LONGEST_X_NOT_Y = 200
"""The longest words `_X_NOT_Y` reads (as `held.LONGEST_NAME`): its work grows with the square of
their length, and the words are the client's."""
_ARTICLES = frozenset({"a", "an", "the"})


def in_place(old: str, new: str) -> str:
    """The thing's words with `new` in place of the words it replaces: "buy dog food" made "cat
    food" is "buy cat food" (the words end on the same word), "buy a new shower curtain" made "a
    shower head, not a curtain" is "buy a new shower head" (the words named go); else `new` whole."""
    instead = _X_NOT_Y.match(new) if len(new) <= _LONGEST_X_NOT_Y else None
    if instead is not None:
        return named_replaced(old, instead.group("new"), instead.group("old")) or new
    words, said = old.split(), new.split()
    ends = [i for i, w in enumerate(words) if w.lower() == said[-1].lower()] if said else []
    if len(ends) != 1 or ends[0] + 1 < len(said):
        return new
    start = ends[0] + 1 - len(said)
    return " ".join([*words[:start], *said, *words[ends[0] + 1 :]])


def named_replaced(thing: str, new: str, gone: str) -> str | None:
    """`thing` with the words `gone` replaced by `new`, less the words of `new` the thing already has
    just before them ("shower curtain", "shower head" for "curtain": "shower head")."""
    words, said = thing.split(), [w for w in new.split() if w.lower() not in _ARTICLES]
    out = gone.split()
    starts = [i for i in range(len(words) - len(out) + 1)
              if [w.lower() for w in words[i : i + len(out)]] == [w.lower() for w in out]]  # fmt: skip
    if len(starts) != 1 or not said:
        return None
    at = starts[0]
    shared = next(
        (k for k in range(min(len(said), at), 0, -1)
         if [w.lower() for w in words[at - k : at]] == [w.lower() for w in said[:k]]),
        0,
    )  # fmt: skip
    return " ".join([*words[:at], *said[shared:], *words[at + len(out) :]])


# "An hour earlier", "push it back a day", "two weeks later", "bring it forward 30 minutes": a move by
# an amount from where the thing stands now.
_AMOUNT = r"(?P<n{0}>half\s+an?|an?\s+couple\s+of|a\s+couple|an?|\d+)\s+(?P<unit{0}>minute|hour|day|week)s?"
_SHIFT = re.compile(
    rf"\b{_AMOUNT.format('')}\s+(?P<way>earlier|sooner|later|before|after)\b"
    # "I meant the day after", "no, the week before": one of them from where it was just put
    r"|\bthe\s+(?P<unit3>day|week)\s+(?P<way3>after|before)\W*$"
    r"|\b(?:push|move|put|bring|set|shift)\s+(?:it|that|this)\s+(?P<way2>back|forward|on|later|earlier)\s+"
    rf"(?:by\s+)?{_AMOUNT.format('2')}\b",
    re.I,
)
_LATER = frozenset({"later", "after", "back", "on"})


def shift(text: str) -> timedelta | None:
    """How far "an hour earlier" or "push it back a day" moves a thing's moment, or None."""
    found = _SHIFT.search(extract.words_to_numbers(text))
    if found is None:
        return None
    n = found.group("n") or found.group("n2") or "a"
    unit = found.group("unit") or found.group("unit2") or found.group("unit3")
    way = (found.group("way") or found.group("way2") or found.group("way3")).lower()
    amount = (
        0.5
        if n.lower().startswith("half")
        else 2.0
        if "couple" in n.lower()
        else 1.0
        if not n.isdigit()
        else float(n)
    )
    delta = timedelta(**{f"{unit.lower()}s": amount})
    return delta if way in _LATER else -delta


# "Change the parcel one so it says collect it from the depot", "edit X to read Y": X gets new words.
# The new words, quoted or not, then what they replace ("'Ring Gwen about the supper', not the fete").
_WORDS_INSTEAD = (
    r"(?P<quote>['\"‘“])?(?P<words>\w.*?)(?(quote)['\"’”])"
    r"(?:,?\s+(?:instead|(?:not|rather\s+than)\s+(?:just\s+|only\s+|simply\s+)?(?P<old>[^,;.]{1,40})))?\W*$"
)
_REWORDED = re.compile(
    r"^\W*(?:(?:could|can|would|will)\s+you\s+)?(?:please\s+)?(?:change|edit|update|reword|alter|fix)\s+(?P<thing>.+?)\s+(?:so\s+(?:that\s+)?it\s+"
    r"(?:says|reads)|to\s+(?:say|read))\s+" + _WORDS_INSTEAD,
    re.I,
)


# "The boots one should really say return the boots", "X ought to read Y": the words X should have,
# in a clause of its own; a person ("you should say sorry") is no thing.
_SHOULD_SAY = re.compile(
    r"(?:^|[,;:.!?]\s)\W*(?!(?:i|you|we|he|she|they)\b)(?P<thing>[^,;:]{1,80}?)\s+(?:should|ought\s+to|needs\s+to)\s+(?:really\s+|actually\s+|just\s+)?(?:say|read"
    r"|be\s+called|be\s+named)\s+" + _WORDS_INSTEAD,
    re.I,
)


# "the radio mix, call it 'Record the winter mix' instead": a held thing, then what to call it now.
_CALL_IT = re.compile(
    r"^\W*(?P<thing>(?:the|my|our|that|this)\s[^,;:]{1,80}?)\s*[,;:-]\s*(?:(?:so|and|just|please)\s+)*"
    r"(?:call|name|title)\s+it\s+" + _WORDS_INSTEAD,
    re.I,
)


def reworded(text: str) -> tuple[str, str] | None:
    """(the thing, its new words) of "change X so it says Y" or "X should say Y", or None. Said in
    its own clause after a story ("I wrote it down wrong: it ought to say 'Y', not just 'X'"), "it"
    is the thing whose words the new ones replace."""
    found = _REWORDED.match(text) or _SHOULD_SAY.search(text) or _CALL_IT.match(text)
    if found is None:
        return None
    thing, old = found.group("thing"), found.group("old")
    if old is not None and re.fullmatch(r"\W*(?:it|that|this)\W*", thing, re.I):
        thing = old.strip(" '\"‘’“”")
    return thing, found.group("words")
