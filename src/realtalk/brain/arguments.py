"""A tool's arguments from an utterance, by each parameter's kind (see `parameters`).

Each parameter's value is taken from the words in a fixed order, most specific kinds first: once
"tomorrow at 3pm" has filled a due date, it is no longer part of the task's title.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from . import extract, lexicon, openers, parameters, validation, yes_no
from .base import ToolSpec
from .extract import Found, Utterance
from .free_text import REQUEST_VERBS, body_first, quoted_first, text_values
from .named import label_said, named_value
from .options import described_words, option_by_degree, option_described, overlap
from .parameters import KINDS, SWITCHES, Param, in_vocabulary, names_a_held_thing, params_of

_PROPER_PLACES = {"city", "location", "place", "destination", "origin", "country", "address", "town",
                  "region", "venue", "airport", "station", "street"}  # fmt: skip
_ORIGIN = {"origin", "from", "departure", "source", "start"}
_DESTINATION = {"destination", "to", "arrival", "target"}
CONFIRMATIONS = {"confirm", "confirmed", "confirmation", "approve", "approved", "agree", "consent",
                  "proceed", "accept", "accepted", "sure"}  # fmt: skip
_ANSWER_LEAD_IN = re.compile(
    r"^(?:(?:"
    + openers.alternation([*openers.USUAL, *openers.AGREEMENT], ("mm+", "sure", "please"))
    + r"|it's|it\s+is|its|that's|that\s+is|it'll\s+be"
    r"|let's\s+say|make\s+it|call\s+it|my\s+\w+\s+is|the\s+\w+\s+is|i'm|i\s+am|in|at|for|to|the|my)(?:\s+|$))+",
    re.I,
)


@dataclass
class Filled:
    """The arguments found, and the required parameters still missing (in schema order)."""

    arguments: dict[str, Any] = field(default_factory=dict)
    missing: list[Param] = field(default_factory=list)
    invalid: dict[str, str] = field(default_factory=dict)
    """Parameters whose value the words gave but their schema refuses, and why (never sent)."""


def fill(tool: ToolSpec, text: str, now: datetime) -> Filled:
    """The arguments `text` gives for `tool`."""
    return _fill(tool, params_of(tool), Utterance(text, now), {})


def fill_answer(tool: ToolSpec, asked: str, answer: str, arguments: dict[str, Any], now: datetime) -> Filled:
    """`arguments` plus what `answer` says, the reply to our question for the parameter `asked`."""
    return _fill(tool, params_of(tool), Utterance(answer, now), dict(arguments), answering=asked)


def _fill(
    tool: ToolSpec, params: list[Param], utterance: Utterance, arguments: dict[str, Any], answering: str = ""
) -> Filled:
    vocabulary = parameters.vocabulary(tool)
    asked = next((p for p in params if p.name == answering), None)
    if asked is not None and asked.name not in arguments:
        # The whole answer is about the asked parameter: take it first and most leniently.
        value = _value(asked, utterance, vocabulary, params, answer=True)
        if value is not None:
            arguments[asked.name] = value
    if not answering:
        # "..., and note that the centre closes at 4": a body said after its marker is the body's
        # whole, times and numbers included, before other parameters read the words.
        arguments.update(body_first(params, utterance))
        arguments.update(quoted_first(params, utterance))
        # "tag it weekend": a list its own name introduces is read before the dates and times.
        for param in params:
            items = param.spec.get("items")
            words = isinstance(items, dict) and items.get("type") in (None, "string") and "enum" not in items
            if param.kind == "list" and words and param.name not in arguments:
                value = _list(param, utterance)
                if value is not None:
                    arguments[param.name] = value
    for param in sorted(params, key=lambda p: KINDS.index(p.kind) if p.kind in KINDS else len(KINDS)):
        if param.name not in arguments and param.kind != "text":
            value = _value(param, utterance, vocabulary, params)
            if value is not None:
                arguments[param.name] = value
    if not answering:  # an answer is about the question, not a new request's free text
        arguments.update(text_values(params, utterance, vocabulary, arguments))
    # "Add something", "remind me about a thing": a placeholder says that there is a value, not
    # what it is, so it is asked for.
    things, named = _things(tool), frozenset(lexicon.stem(w) for w in lexicon.name_words(tool.name))
    required = {p.name for p in params if p.required and p.kind in ("text", "entity", "name")}
    arguments = {  # ("tag it errands": an errand is a task, but a tag is no placeholder)
        k: v
        for k, v in (
            (k, _without_placeholders(v, things if k in required else named)) for k, v in arguments.items()
        )
        if v is not None
    }
    invalid = {
        p.name: why
        for p in params
        if p.name in arguments and (why := validation.problem(p.spec, arguments[p.name]))
    }
    # A value the schema gives by default says nothing the call would not ("mark X as done" to a
    # tool whose `done` is true unless said otherwise).
    ordered = {
        p.name: arguments[p.name]
        for p in params
        if p.name in arguments
        and p.name not in invalid
        and (p.required or "default" not in p.spec or arguments[p.name] != p.spec["default"])
    }
    return Filled(ordered, [p for p in params if p.required and p.name not in ordered], invalid)


_VAGUE = lexicon.words(
    "a an the some any one this that it something anything thing things stuff whatever someone somebody"
    " smth sth job item entry"
)
# Words around a placeholder that add nothing to it: "another thing", "a new task for me, eh".
_INTERJECTIONS = lexicon.words("eh oh great um uh hmm well okay ok so right yes yep yeah yup sure no nope")
_EMPTY = lexicon.words("do new another down") | _INTERJECTIONS | lexicon.STOPWORDS  # "put something down"


def _things(tool: ToolSpec) -> frozenset[str]:
    """The words a tool's name uses for what it holds, and their synonyms ("task": "chore", "job")."""
    named = [lexicon.stem(w) for w in lexicon.name_words(tool.name)]
    verb = named[0] if len(named) > 1 else None
    return frozenset(named).union(*(lexicon.synonyms(w) for w in named if w != verb))


def _without_placeholders(value: Any, things: frozenset[str]) -> Any:
    """`value` without what only holds a place, None when that is all it holds: a list keeps its
    other items ("tag something for me": no tag yet)."""
    if isinstance(value, str):
        return None if vague(value, things) else value
    if isinstance(value, list) and value:
        kept = [v for v in value if not (isinstance(v, str) and vague(v, things))]
        return kept or None
    return value


_BUT = re.compile(r",?\s+but\s+", re.I)
# (the "that" grouped with its spaces: two bare `\s*` side by side take cubic time on long runs of spaces)
_TOLD = re.compile(r"(?:\s*(?:that|which))?\s*\bi\s+(?:told|mentioned|said|talked)\b.*$", re.I)


def vague(value: str, things: frozenset[str] = frozenset()) -> bool:
    """ "something", "a thing", "a new task" (the tool's own word for what it holds: `things`), and
    a request's own verb or an interjection beside one ("remember something", "oh great, another
    thing to add"), or an interjection alone."""
    # "something but I'm not sure of the date", "it, the one I told you": what follows only
    # qualifies the placeholder, or points to a talk we never had
    head = _TOLD.sub("", _BUT.split(value, maxsplit=1)[0])
    if head != value:
        return vague(head, things)
    words = lexicon.tokens(value)
    if any(w in _VAGUE for w in words) and all(
        w in _VAGUE or w in REQUEST_VERBS or w in _EMPTY for w in words
    ):
        return True  # "remember something": a request's verb may go with a placeholder
    if any(lexicon.stem(w) in things for w in words):  # "a new task", but not "the call task"
        # "one task" (its "one" may be written 1 by now) is a placeholder too
        return all(w in _EMPTY or w in _VAGUE or w == "1" or lexicon.stem(w) in things for w in words)
    return bool(words) and all(w in _INTERJECTIONS for w in words)  # "eh" alone is no title


# "The first two are nine and one", "and then five, two": part of a code, said in place.
_PART_OF_A_CODE = re.compile(r"\b(?:first|\d+(?:st|nd|rd|th)|last|then|next|starts?|ends?|begins?)\b", re.I)


def _value(
    param: Param, utterance: Utterance, vocabulary: frozenset[str], params: list[Param], answer: bool = False
) -> Any:
    kind = param.kind
    if kind == "enum":
        named = extract.enum(utterance, list(param.spec["enum"]))
        by_degree = option_by_degree(param, utterance)
        if by_degree is not None and named is not None and not overlap(by_degree, named):
            # "not that urgent, make it low": the option named outright is meant (both are its words).
            named, by_degree = Found(named.value, named.spans + by_degree.spans), None
        if by_degree is not None and named is None:
            # "it can wait, it's not that important": the words the description gives an option ("low
            # if it can wait") say it outright, beside the words a degree was read from
            utterance.take(by_degree)
            described = option_described(param, utterance)
            by_degree = Found(described.value, described.spans + by_degree.spans) if described else by_degree
        found = by_degree or named or option_described(param, utterance)
        return _take(utterance, found, param)
    if kind == "boolean":
        return _boolean(param, utterance, answer)
    if kind == "email":
        return _take(utterance, extract.email(utterance), param)
    if kind in ("datetime", "date", "time"):
        # A tool that changes a held thing ("which task") gets a time alone: the thing keeps its day.
        found = extract.when(
            utterance, kind, keeps_day=any(p.required and names_a_held_thing(p) for p in params)
        )
        if found is None and answer and kind != "date":
            # A bare "three thirty" answers "At what time?".
            found = extract.when(Utterance(f"at {utterance.text}", utterance.now), kind)
            found = found and Found(found.value, ((0, len(utterance.text)),))
        return _take(utterance, found, param)
    if kind == "code":
        digits = validation.digits_only(param.spec)
        size = validation.digit_count(param.spec)
        # A code of a stated length is tried with two digits too ("try one two"), so that it is
        # asked for again saying how long it is, not as if nothing had been said.
        tried = digits and size and not _PART_OF_A_CODE.search(utterance.text)  # ("the first two are 9, 1")
        found = extract.code(utterance, min_length=1 if answer else 2 if tried else 3, digits=digits)
        if size and (found is None or len(str(found.value)) < size):
            # "first number is 3, second is 9, third is 1 and the last is 4": digits put in place
            placed = extract.placed_digits(utterance)
            found = placed if placed is not None and len(str(placed.value)) == size else found
        value = _take(utterance, found, param)
        if value is not None and param.spec.get("type") == "integer":
            return int(value) if value.isdigit() else None
        return value
    if kind == "number":
        return _number(param, utterance, params)
    if kind == "list":
        return _list(param, utterance, answer)
    if kind == "entity" and not param.required and not answer:
        # An optional free-form filter is only set when named: "tagged work", not any leftover word.
        found = named_value(param, utterance) or label_said(param, utterance, vocabulary)
        value = _take(utterance, found, param)
        return value or None
    if kind in ("name", "place", "entity"):
        found = _phrase(param, utterance, vocabulary, params)
        if found is None and answer:
            found = _whole_answer(utterance)
        if found is None and kind != "name":
            found = _leftover(utterance, vocabulary)
        value = _take(utterance, found, param)
        return _cased(param, value) if value else None
    if kind == "text" and answer:
        return _take(utterance, _whole_answer(utterance), param)
    return None


def _take(utterance: Utterance, found: Found | None, param: Param) -> Any:
    """Use the value's words, and the parameter's own words beside them ("with high priority")."""
    if found is None:
        return None
    spans = [_widen(utterance, span, param.hints) for span in found.spans]
    return utterance.take(Found(found.value, tuple(spans)))


_WORD_AFTER = re.compile(r"\s+(\S+)")
_WORD_BEFORE = re.compile(r"(?<!\S)(\S+)\s+$")


def _widen(utterance: Utterance, span: tuple[int, int], hints: frozenset[str]) -> tuple[int, int]:
    # Each step reads one word beside the span, not the whole text before it (a long text that
    # repeats a parameter's word would otherwise cost its length squared).
    text = utterance.text
    start, end = span
    while True:
        after = _WORD_AFTER.match(text, end)
        if after is None or lexicon.stem(after.group(1)) not in hints:
            break
        end = after.end()
    while True:
        before = _WORD_BEFORE.search(text, max(0, start - 200), start)
        if before is None:
            break
        word = before.group(1).lower()
        if lexicon.stem(word) not in hints and word not in ("with", "at", "in", "on", "of", "as", "to"):
            break
        start = before.start()
    return start, end


def _boolean(param: Param, utterance: Utterance, answer: bool) -> bool | None:
    words = {w for w in lexicon.name_words(param.name) if w not in ("is", "has", "use", "include", "allow")}
    if not words or words <= SWITCHES:
        found = extract.switch(utterance)
    elif words & CONFIRMATIONS or "yes" in param.hints:  # "confirm": "true once the user said yes"
        found = extract.yes_no(utterance)
    else:
        said = [*words, *described_words(param.spec, "true")]  # "true if late": late is overdue
        found = extract.flag(utterance, {lexicon.stem(w) for w in said if " " not in w})
        found = found or extract.flag_phrase(utterance, [w for w in said if " " in w])
    if found is None and answer:  # the answer to "Do you want it outdoor, yes or no?", in any dialect
        agreed = yes_no.answer(utterance.text)
        found = (
            Found(agreed, ((0, len(utterance.text)),)) if agreed is not None else extract.yes_no(utterance)
        )
    value = utterance.take(found) if found else None
    return value if isinstance(value, bool) else None


def _number(param: Param, utterance: Utterance, params: list[Param]) -> int | float | None:
    words = [(m.group(0), m.start()) for m in re.finditer(r"\S+", utterance.text)]

    def nearness(found: Found, to: Param) -> int:
        # A number beside the parameter's words or their synonyms ("4 people" for a party size),
        # the nearer the better: two words away counts half as much as the next word.
        at = next(i for i, (_, start) in enumerate(words) if start >= found.spans[0][0])
        return sum(
            3 - abs(i - at)
            for i in range(max(0, at - 2), min(len(words), at + 3))
            if i != at and in_vocabulary(words[i][0], to.hints)
        )

    rivals = [p for p in params if p.kind == "number" and p is not param]
    candidates = [
        n for n in extract.numbers(utterance) if all(nearness(n, r) <= nearness(n, param) for r in rivals)
    ]
    if not param.required and "default" in param.spec:
        # An optional number the schema has a default for ("start": how many were already read) is
        # set only when said beside its words: "Be quick, I'm on in ten" gives a listing no start.
        candidates = [n for n in candidates if nearness(n, param) > 0]
    if not candidates:
        return None
    best = max(candidates, key=lambda n: nearness(n, param))  # the first of equals: the earliest
    return _numeric(_take(utterance, best, param), param.spec.get("type") == "integer")


def _numeric(value: float, integer: bool) -> int | float:
    return round(value) if integer or value.is_integer() else value


def _list(param: Param, utterance: Utterance, answer: bool = False) -> list[Any] | None:
    items = param.spec.get("items")
    items = items if isinstance(items, dict) else {}
    values: list[Any] = []
    if "enum" in items:
        said = []
        while (found := extract.enum(utterance, list(items["enum"]))) is not None:
            utterance.take(found)
            said.append(found)
        values = [f.value for f in sorted(said, key=lambda f: f.spans[0])]  # in the order said
    elif items.get("type") in ("integer", "number"):
        integer = items.get("type") == "integer"
        values = [_numeric(utterance.take(n), integer) for n in extract.numbers(utterance)]
    elif items.get("type") in (None, "string"):
        # Only when named ("tagged work and home"): otherwise the words belong to other parameters;
        # but an answer to "what tags?" is all about them.
        found = named_value(param, utterance, max_words=4) or (_whole_answer(utterance) if answer else None)
        text = str(utterance.take(found)) if found else ""
        values = [v for v in re.split(r"\s*,\s*|\s+and\s+", text) if v]
    return values or None


def _phrase(
    param: Param, utterance: Utterance, vocabulary: frozenset[str], params: list[Param]
) -> Found | None:
    vocabulary = vocabulary - param.words  # "in the living room" for a room parameter

    def ends_place(word: str) -> bool:
        return extract.ends_place(word) or lexicon.stem(word) in vocabulary

    def ends_name(word: str) -> bool:
        return extract.ends_name(word) or lexicon.stem(word) in vocabulary

    if param.kind == "name":
        recipient = bool(param.hints & {"recipient", "to", "contact"})
        markers = [*extract.NAME_MARKERS, "for", "with", *(["to"] if recipient else [])]
        return extract.phrase_after(utterance, markers, ends_name, max_words=3)
    if param.kind == "place":
        if param.words & _ORIGIN:
            return extract.phrase_after(utterance, ["from"], ends_place)
        if param.words & _DESTINATION:
            return extract.phrase_after(utterance, ["to", "for"], ends_place)
        # "to"/"from" belong to a destination or origin parameter when the tool has one.
        spare = ["for"] + [m for m, kind in (("to", _DESTINATION), ("from", _ORIGIN))
                           if not any(p.words & kind for p in params)]  # fmt: skip
        return extract.phrase_after(utterance, [*extract.PLACE_MARKERS, *spare], ends_place)
    return extract.phrase_after(utterance, ["for", "about", "of", "on", "called", "named"], ends_place)


def _leftover(utterance: Utterance, vocabulary: frozenset[str]) -> Found | None:
    """What is left once the request's words are set aside: "paris weather" -> "paris"."""
    kept = [
        (w, start, end)
        for w, start, end in utterance.free_words()
        if not extract.ends_place(w) and not in_vocabulary(w, vocabulary) and w.lower() not in REQUEST_VERBS
    ]
    if not 0 < len(kept) <= 3:
        return None
    return Found(" ".join(w for w, _, _ in kept), tuple((s, e) for _, s, e in kept))


def _whole_answer(utterance: Utterance) -> Found | None:
    text = utterance.rest()
    text = _ANSWER_LEAD_IN.sub("", text)
    text = re.sub(r"\s+(?:please|thanks|thank you)$", "", text, flags=re.I).strip()
    return Found(text, ((0, len(utterance.text)),)) if text else None


def _cased(param: Param, value: str) -> str:
    if param.kind == "name" or (param.kind == "place" and param.words & _PROPER_PLACES):
        return " ".join(w if w[:1].isupper() else w.capitalize() for w in value.split())
    if param.words & {"symbol", "ticker"}:
        return value.upper()
    return value
