"""A tool's arguments from an utterance, by each parameter's JSON-schema type, name and description.

Each parameter gets a kind (a date, a code, a place, free text, ...) and its value is taken from
the words in a fixed order, most specific kinds first: once "tomorrow at 3pm" has filled a due
date, it is no longer part of the task's title.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from . import degree, extract, lexicon, validation, yes_no
from .base import ToolSpec
from .extract import Found, Utterance

# Kinds in the order they are filled ("unsupported", e.g. objects, is never filled).
KINDS = ("enum", "boolean", "email", "datetime", "date", "time", "code", "number", "list", "name", "place",
         "entity", "text")  # fmt: skip
TYPED_KINDS = frozenset({"enum", "boolean", "email", "datetime", "date", "time", "code", "number"})
"""Kinds whose value the words carry unmistakably (unlike a place or free text)."""
_DATE_WORDS = {"date", "day", "birthday", "dob", "checkin", "checkout"}
_TIME_WORDS = {"time", "hour"}
_DATETIME_WORDS = {"datetime", "timestamp", "when", "due", "deadline", "scheduled"}
_HINTS: tuple[tuple[str, set[str]], ...] = (
    ("email", {"email", "mail"}),
    ("code", {"code", "pin", "id", "number", "no", "otp", "zip", "postcode", "postal", "phone", "mobile",
              "account", "reference", "ref", "confirmation", "tracking", "serial", "sku", "passcode",
              "digits", "extension"}),
    ("place", {"city", "location", "place", "destination", "origin", "country", "address", "where",
               "town", "region", "venue", "airport", "station", "room", "area", "zone", "street",
               "neighborhood", "neighbourhood"}),
    ("name", {"name", "person", "contact", "guest", "customer", "recipient", "who", "caller", "attendee",
              "user", "username", "firstname", "lastname", "surname"}),
    ("text", {"title", "text", "query", "message", "note", "content", "description", "task", "item",
              "subject", "body", "topic", "question", "request", "prompt", "search", "keyword", "term",
              "comment", "reason", "summary", "details", "memo", "value", "input", "sentence", "phrase",
              "caption", "key"}),
)  # fmt: skip
_PROPER_PLACES = {"city", "location", "place", "destination", "origin", "country", "address", "town",
                  "region", "venue", "airport", "station", "street"}  # fmt: skip
_ORIGIN = {"origin", "from", "departure", "source", "start"}
_DESTINATION = {"destination", "to", "arrival", "target"}
_SWITCHES = {"on", "enabled", "enable", "active", "state", "power", "status", "toggle", "switch"}
CONFIRMATIONS = {"confirm", "confirmed", "confirmation", "approve", "approved", "agree", "consent",
                  "proceed", "accept", "accepted", "sure"}  # fmt: skip
_BODY = frozenset(
    lexicon.stem(w)
    for w in ["body", "message", "text", "content", "note", "notes", "description", "details", "comment"]
)
_BODY_MARKER = re.compile(
    r",?\s*\b(?:(?:with|and|plus)\s+)?(?:a|the)\s+(?:note|message|comment)(?:\s+(?:on|to|for)\s+(?:it|that|this))?"
    r"\W*(?:saying|that\s+says|which\s+says|reading)?\s*"
    r"|\b(?:saying|that says|which says|to say|with the message|message)\s+"
    r"|,?\s*\band\s+(?:add\s+a\s+)?note\s+(?:that|down\s+that|down)\s+",  # "..., and note that it's shut"
    re.I,
)
# "a note to the passport task saying ...", "a comment on the report task: ...": the thing the
# body goes on, then the body (after a word that says so, or after the word for the tool's thing).
_AIMED_BODY = re.compile(r"(?:\b(?:a|the|this)\s+|^)(?:note|message|comment)\s+(?:to|on|for|onto)\s+", re.I)
_SAYING = frozenset({"saying", "says", "reading", "that", "which", "to", "say"})


def _aimed_body(rest: str, vocabulary: frozenset[str]) -> tuple[str, str] | None:
    """(what the body goes on, the body, "" when not said yet) in "add a note to the X task saying Y"."""
    aimed = _AIMED_BODY.search(rest)
    if aimed is None:
        return None
    words = rest[aimed.end() :].split()
    for i, word in enumerate(words[:-1]):
        if i and word.lower() in ("saying", "reading"):
            return " ".join(words[:i]), " ".join(words[i + 1 :])
        if i and lexicon.stem(word.lower()) in vocabulary and word.lower() not in lexicon.STOPWORDS:
            body = words[i + 1 :]
            while body and body[0].lower() in _SAYING:
                body = body[1:]
            return " ".join(words[: i + 1]), " ".join(body)
    # "add a note to the electrician call": what it goes on is said, the body not yet (it is asked).
    return " ".join(words), ""


_SUBJECTS = frozenset({"subject", "topic", "about", "regard"})
_SUBJECT_MARKER = re.compile(r"\b(?:about|regarding|with the subject|subject|titled|called)\s+", re.I)
# What people say before the request proper: "okay so could you please ...".
_LEAD_IN = re.compile(
    r"^(?:(?:ok(?:ay)?|so|um+|uh+|er+|hey|hi|hello|yo|please|yes|yeah|well|and|but|also|now|then|just|possibly|maybe"
    r"|perhaps|kindly|quickly|right|alright|actually|basically|anyway|great|cool|perfect|i\s+guess|i\s+think"
    r"|i\s+suppose)\s+"
    r"|(?:do|did|have|has|should|shall)\s+i\s+(?:still\s+|already\s+|actually\s+|ever\s+)*(?:need\s+to\s+|have\s+to\s+)?"
    r"|(?:what|how)\s+about\s+|(?:are|is)\s+there\s+(?:a|an|any)\s+"
    r"|(?:would|do)\s+you\s+mind\s+|(?:can|could|would|will)\s+you\s+|(?:can|could|shall)\s+we\s+|(?:can|could|may)\s+i\s+|i\s+(?:want|need|would\s+like|wanna)\s+(?:you\s+)?to\s+"
    r"|i'd\s+like\s+(?:you\s+)?to\s+|let's\s+|go\s+ahead\s+and\s+|help\s+(?:me|us)\s+(?:to\s+)?)+",
    re.I,
)
_REQUEST_VERBS = lexicon.words(
    """add create make put stick pop attach set send write search find look tell remind note save remember
    schedule book get give show post log record ask check start open call text email"""
)
# "Add pay rent, it's due on the 1st": once the date went to its parameter, "it's" is left dangling.
_DANGLING = {"it's", "its", "that's", "which", "it"}
_OBJECT_WORDS = {"a", "an", "the", "my", "new", "another", "this", "some", "me", "up", "us"}
_CONNECTORS = {"to", "for", "about", "that", "saying", "called", "named", "titled", "on", "with", "of",
               "in", "at", "by", "and", "into", "onto", "as", "please", "is", "from"}  # fmt: skip
# "I have to call the bank": what follows is the thing to do, its verb included.
_OBLIGATION = re.compile(
    r"^(?:(?:i|we)\s+(?:really\s+)?(?:have|must|gotta|got|should|ought|need|better|'d\s+better)\s+(?:to\s+)?"
    r"(?:really\s+|definitely\s+|also\s+)?"
    r"|(?:i've|we've)\s+got\s+(?:to\s+)?|i'd\s+better\s+|(?:don't|dont|do\s+not)\s+(?:let\s+me\s+)?forget"
    r"\s+(?:to\s+)?|remember\s+to\s+)",
    re.I,
)
_SUBJECT = re.compile(
    r"(?:i|i'm|i\s+am|i've|i\s+have|we|we're|we\s+are|we've|we\s+have)\s+(?:just\s+|already\s+|finally\s+)?",
    re.I,
)
_ANSWER_LEAD_IN = re.compile(
    r"^(?:(?:um+|uh+|h?mm+|erm?|ok(?:ay)?|sure|yes|yeah|well|so|please|it's|it\s+is|its|that's|that\s+is|it'll\s+be"
    r"|let's\s+say|make\s+it|call\s+it|my\s+\w+\s+is|the\s+\w+\s+is|i'm|i\s+am|in|at|for|to|the|my)(?:\s+|$))+",
    re.I,
)


@dataclass(frozen=True)
class Param:
    """One parameter of a tool, with what the brain makes of it."""

    name: str
    spec: dict[str, Any]
    kind: str
    required: bool
    words: frozenset[str]
    """Stems of the parameter's name words (what a number next to it would be called)."""
    hints: frozenset[str]
    """Stems of its name and description words."""

    @property
    def label(self) -> str:
        """How to ask for it: a short description when there is one ("number of guests"), else the name."""
        description = str(self.spec.get("description", "")).strip().rstrip(".")
        if 0 < len(description.split()) <= 4 and re.fullmatch(r"[\w\s-]+", description):
            return re.sub(r"^(?:the|a|an)\s+", "", description, flags=re.I).lower()
        return lexicon.humanize(self.name)


@dataclass
class Filled:
    """The arguments found, and the required parameters still missing (in schema order)."""

    arguments: dict[str, Any] = field(default_factory=dict)
    missing: list[Param] = field(default_factory=list)
    invalid: dict[str, str] = field(default_factory=dict)
    """Parameters whose value the words gave but their schema refuses, and why (never sent)."""


def params_of(tool: ToolSpec) -> list[Param]:
    """The tool's parameters, in schema order."""
    properties = properties_of(tool)
    required = set((tool.parameters or {}).get("required") or [])
    params = []
    for name, spec in properties.items():
        spec = spec if isinstance(spec, dict) else {}
        words = frozenset(lexicon.stem(w) for w in lexicon.name_words(name))
        hints = words | set(lexicon.content_stems(str(spec.get("description", ""))))
        params.append(Param(name, spec, _kind(name, spec), name in required, words, frozenset(hints)))
    return params


def properties_of(tool: ToolSpec) -> dict[str, Any]:
    """The tool's parameter schemas by name ({} when its schema has none, or a malformed one)."""
    properties = (tool.parameters or {}).get("properties")
    return properties if isinstance(properties, dict) else {}


def _kind(name: str, spec: dict[str, Any]) -> str:
    kind = spec.get("type")
    if isinstance(kind, list):  # ["string", "null"]
        kind = next((k for k in kind if k != "null"), None)
    if "enum" in spec:
        return "enum"
    if kind == "array":
        return "list"
    if kind == "boolean":
        return "boolean"
    fmt = spec.get("format")
    if fmt in ("date-time", "date", "time", "email"):
        return "datetime" if fmt == "date-time" else str(fmt)
    name_words = set(lexicon.name_words(name))
    description_words = set(lexicon.tokens(str(spec.get("description", ""))))
    if kind in (None, "string") and _WHICH.match(str(spec.get("description", ""))):
        return "text"  # "which recipe, by its words": a held thing's words, not a person's name
    if kind in ("integer", "number"):
        return "code" if kind == "integer" and name_words & {"pin", "code", "otp", "zip"} else "number"
    if kind not in (None, "string"):
        return "unsupported"  # objects: too structured to fill from words
    if validation.digits_only(spec):
        return "code"  # a pattern of digits ("^[0-9]{3}$"), whatever the parameter is called
    for words in (name_words, description_words):
        found = _when_kind(words) or next((k for k, hints in _HINTS if words & hints), None)
        if found:
            return found
    return "entity"


_WHICH = re.compile(r"\W*which\b", re.I)
"""A description that opens with "which" names a held thing ("which task, by its words")."""


def names_a_held_thing(param: Param) -> bool:
    """Whether the parameter names a thing held already ("which task, by its words")."""
    return bool(_WHICH.match(_described(param)))


def _described(param: Param) -> str:
    return str(param.spec.get("description", ""))


def _when_kind(words: set[str]) -> str | None:
    has_date, has_time = bool(words & _DATE_WORDS), bool(words & _TIME_WORDS)
    if (has_date and has_time) or words & {"datetime", "timestamp", "iso"}:
        return "datetime"
    if has_date or has_time:
        return "date" if has_date else "time"
    return "datetime" if words & _DATETIME_WORDS else None


def fill(tool: ToolSpec, text: str, now: datetime) -> Filled:
    """The arguments `text` gives for `tool`."""
    return _fill(tool, params_of(tool), Utterance(text, now), {})


def fill_answer(tool: ToolSpec, asked: str, answer: str, arguments: dict[str, Any], now: datetime) -> Filled:
    """`arguments` plus what `answer` says, the reply to our question for the parameter `asked`."""
    return _fill(tool, params_of(tool), Utterance(answer, now), dict(arguments), answering=asked)


def _fill(
    tool: ToolSpec, params: list[Param], utterance: Utterance, arguments: dict[str, Any], answering: str = ""
) -> Filled:
    vocabulary = _vocabulary(tool)
    asked = next((p for p in params if p.name == answering), None)
    if asked is not None and asked.name not in arguments:
        # The whole answer is about the asked parameter: take it first and most leniently.
        value = _value(asked, utterance, vocabulary, params, answer=True)
        if value is not None:
            arguments[asked.name] = value
    if not answering:
        # "..., and note that the centre closes at 4": a body said after its marker is the body's
        # whole, times and numbers included, before other parameters read the words.
        arguments.update(_body_first(params, utterance))
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
        arguments.update(_texts(params, utterance, vocabulary, arguments))
    # "Add something", "remind me about a thing": a placeholder says that there is a value, not
    # what it is, so it is asked for.
    arguments = {k: v for k, v in arguments.items() if not (isinstance(v, str) and _vague(v))}
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
)


def _body_first(params: list[Param], utterance: Utterance) -> dict[str, Any]:
    """The body parameter's value when a marker ("and note that", "with a note saying") opens it
    after other words: taken out of the utterance first, so that its words stay its own."""
    texts = [p for p in params if p.kind == "text"]
    target = next((p for p in texts if p.words & _BODY), None)
    if target is None or len(texts) < 2:
        return {}
    found = next(utterance.matches(_BODY_MARKER), None)
    if found is None or found.start() == 0 or _AIMED_BODY.search(utterance.text) is not None:
        return {}
    body = utterance.text[found.end() :].strip()
    if not body:
        return {}
    utterance.take(Found(body, ((found.start(), len(utterance.text)),)))
    return {target.name: body}


def _vague(value: str) -> bool:
    """ "something", "a thing", and a request's own verb before one ("remember something")."""
    words = lexicon.tokens(value)
    placeholder = [w for w in words if w in _VAGUE]
    return bool(placeholder) and all(w in _VAGUE or w in _REQUEST_VERBS or w == "do" for w in words)


def _vocabulary(tool: ToolSpec) -> frozenset[str]:
    """Stems of the tool's name and description words: the request's words, not its values."""
    return frozenset({lexicon.stem(w) for w in lexicon.name_words(tool.name)}) | frozenset(
        lexicon.content_stems(tool.description)
    )


def _in_vocabulary(word: str, vocabulary: frozenset[str]) -> bool:
    word_stem = lexicon.stem(word)
    if word_stem in vocabulary:
        return True
    groups = lexicon.concepts(word_stem)
    return bool(groups) and any(lexicon.concepts(v) & groups for v in vocabulary)


def _value(
    param: Param, utterance: Utterance, vocabulary: frozenset[str], params: list[Param], answer: bool = False
) -> Any:
    kind = param.kind
    if kind == "enum":
        named = extract.enum(utterance, list(param.spec["enum"]))
        by_degree = _by_degree(param, utterance)
        if by_degree is not None and named is not None and not _overlap(by_degree, named):
            # "not that urgent, make it low": the option named outright is meant (both are its words).
            named, by_degree = Found(named.value, named.spans + by_degree.spans), None
        found = by_degree or named or _described_option(param, utterance)
        return _take(utterance, found, param)
    if kind == "boolean":
        return _boolean(param, utterance, answer)
    if kind == "email":
        return _take(utterance, extract.email(utterance), param)
    if kind in ("datetime", "date", "time"):
        # A tool that changes a held thing ("which task") gets a time alone: the thing keeps its day.
        found = extract.when(
            utterance, kind, keeps_day=any(p.required and _WHICH.match(_described(p)) for p in params)
        )
        if found is None and answer and kind != "date":
            # A bare "three thirty" answers "At what time?".
            found = extract.when(Utterance(f"at {utterance.text}", utterance.now), kind)
            found = found and Found(found.value, ((0, len(utterance.text)),))
        return _take(utterance, found, param)
    if kind == "code":
        digits = validation.digits_only(param.spec)
        found = extract.code(utterance, min_length=1 if answer else 3, digits=digits)
        size = validation.digit_count(param.spec)
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
        found = _named_value(param, utterance) or _label_said(param, utterance, vocabulary)
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


def described_option(param: Param, text: str, now: datetime) -> Any | None:
    """The option the parameter's description explains the words stand for, or None."""
    found = _described_option(param, Utterance(text, now))
    return found.value if found is not None else None


def _described_option(param: Param, utterance: Utterance) -> Found | None:
    """An option the description explains: "high if urgent or important" makes "it's urgent" high."""
    options = {str(o).lower(): o for o in param.spec.get("enum") or []}
    description = str(param.spec.get("description", ""))
    for match in re.finditer(r"\b(\w+)\s+(?:if|when|for|means)\s+([\w\s,]+?)(?=[.;:)]|$)", description, re.I):
        option = options.get(match.group(1).lower())
        words = [
            w for w in re.split(r"\s*,\s*|\s+or\s+|\s+", match.group(2)) if w and w not in lexicon.STOPWORDS
        ]
        if option is None or not words:
            continue
        alternatives = "|".join(map(re.escape, words))
        # The intensifiers before the word are bounded: unbounded, a long "so so so ..." that never
        # reaches the word would be rescanned from each of its words.
        pattern = re.compile(
            rf"(?:\b(?:it's|it\s+is|that's|and|very|really|super|pretty|quite|fairly|rather|extremely|so|kind\s+of"
            rf"|kinda|a\s+bit)\s+){{0,4}}\b(?:{alternatives})\b",
            re.I,
        )
        said = next(utterance.matches(pattern), None)
        if said is not None:
            return Found(option, (said.span(),))
    return None


def _overlap(one: Found, other: Found) -> bool:
    return any(a < d and c < b for a, b in one.spans for c, d in other.spans)


def by_degree(tool: ToolSpec, text: str, now: datetime) -> bool:
    """Whether the words set one of the tool's scale options by degree ("make X less urgent")."""
    return any(p.kind == "enum" and _by_degree(p, Utterance(text, now)) for p in params_of(tool))


def _by_degree(param: Param, utterance: Utterance) -> Found | None:
    """An option of an ordered scale said by degree ("less urgent", "lower the priority"), the
    words that stand for an option read from the description ("high if urgent": urgent is high)."""
    options = list(param.spec["enum"])
    if degree.order(options) is None:
        return None
    return degree.said(utterance, options, _standing(param), param.words, param.spec.get("default"))


def scale_way(param: Param, text: str, now: datetime) -> tuple[int, bool]:
    """(+1 or -1 when the words move an ordered option one step from where it stands, else 0;
    whether they say where it stands), as `degree.way`."""
    options = list(param.spec.get("enum") or [])
    if param.kind != "enum" or degree.order(options) is None:
        return 0, False
    by_degree = _by_degree(param, Utterance(text, now))
    for named in (
        extract.enum(Utterance(text, now), options),
        _described_option(param, Utterance(text, now)),
    ):
        if named is not None and (by_degree is None or not _overlap(by_degree, named)):
            return (
                0,
                False,
            )  # "bump it up to high priority", "it's pretty important, bump it up": said outright
    return degree.way(Utterance(text, now), options, _standing(param), param.words)


def _standing(param: Param) -> dict[str, Any]:
    """The stems of the words the description says stand for an option ("high if urgent")."""
    return {
        lexicon.stem(word.lower()): option
        for option in param.spec["enum"]
        for word in described_words(param.spec, re.escape(str(option)))
        if " " not in word
    }


def described_words(spec: object, value: str = r"\w+") -> list[str]:
    """The words and phrases a parameter's description says a value stands for: "true if late or
    past due" -> late, "past due"; "high if urgent or important" -> urgent, important (`value`:
    which values). A phrase stays whole: "past" alone is not late ("half past five")."""
    description = str(spec.get("description", "")) if isinstance(spec, dict) else ""
    words: list[str] = []
    for said in re.finditer(
        rf"\b{value}\s+(?:if|when|for|means)\s+([\w\s,]+?)(?=[.;:)]|$)", description, re.I
    ):
        for phrase in re.split(r"\s*,\s*|\s+or\s+", said.group(1)):
            content = [w for w in phrase.split() if w.lower() not in lexicon.STOPWORDS]
            words += content if len(content) <= 1 else [" ".join(phrase.split())]
    return words


def _boolean(param: Param, utterance: Utterance, answer: bool) -> bool | None:
    words = {w for w in lexicon.name_words(param.name) if w not in ("is", "has", "use", "include", "allow")}
    if not words or words <= _SWITCHES:
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
            if i != at and _in_vocabulary(words[i][0], to.hints)
        )

    rivals = [p for p in params if p.kind == "number" and p is not param]
    candidates = [
        n for n in extract.numbers(utterance) if all(nearness(n, r) <= nearness(n, param) for r in rivals)
    ]
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
        found = _named_value(param, utterance, max_words=4) or (_whole_answer(utterance) if answer else None)
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


_MARKER_FILLER = re.compile(
    r"^(?:(?:it|that|this|that\s+one|this\s+one|them|as|with|to|for|under|the)\s+)+", re.I
)


def _named_value(param: Param, utterance: Utterance, max_words: int = 3) -> Found | None:
    """The words after the parameter's own name, as said: "tag it family", "tagged as work", "labelled
    home" (the last mention counts: "tag water the plants with garden" is tagged garden)."""
    names = [w for w in lexicon.name_words(param.name) if len(w) > 2]
    if param.kind == "list":  # a list of words is tags by any name: "tagged work and home"
        names += ["tag", "label"]
    if not names:
        return None
    forms = "|".join(rf"{re.escape(n.removesuffix('s'))}(?:s|ged|ed|led|d)?" for n in names)
    marker = re.compile(rf"\b(?:{forms})\b", re.I)
    found = None
    lead_in = _LEAD_IN.match(utterance.text.lstrip())  # "could you tag the X": X is still the object
    opening = len(utterance.text) - len(utterance.text.lstrip()) + (lead_in.end() if lead_in else 0)
    for match in utterance.matches(marker):
        # "a work tag on X": the value said before the name, as an adjective. Each mention reads only
        # the few words around it, so that a long text naming it again and again stays linear.
        before = _ADJECTIVE_BEFORE.search(utterance.text, max(0, match.start() - 80), match.start())
        if (
            before is not None
            and before.group(1).lower() not in lexicon.STOPWORDS
            and utterance.free(before.start(), match.end())
        ):
            return Found(
                before.group(1),
                ((before.start(), match.end()),),
            )
        words = list(itertools.islice(utterance.words(match.end()), _NAMED_WINDOW))
        rest = " ".join(w for w, _, _ in words)
        named = re.search(r"\b(?:with|as)\s+", rest, re.I)
        if named is None and match.start() <= opening and _OBJECT_AFTER.match(rest):
            continue  # "Tag the electricity bill": the verb's object, the thing to tag, not a tag
        split = named or _MARKER_FILLER.match(rest)
        start = match.end() + 1 + (split.end() if split else 0)
        # "tag it home": the marker and its filler go; "tag X with home": X stays for another parameter.
        cut = match.end() + 1 + named.start() if named else match.end()
        kept = [(w, b, e) for w, b, e in _before_target(words, start) if w.lower() not in lexicon.STOPWORDS][
            :max_words
        ]
        if kept:
            value = (
                " and ".join(w for w, _, _ in kept)
                if param.kind == "list"
                else " ".join(w for w, _, _ in kept)
            )
            found = Found(value, ((match.start(), match.end()), (cut, kept[-1][2])))
    return found


def _before_target(words: list[tuple[str, int, int]], start: int) -> list[tuple[str, int, int]]:
    """The words from `start` up to a preposition that brings in what the value goes on (in "add
    the tag paperwork to the insurance renewal" the tag is "paperwork", the rest names the thing),
    or up to the next clause."""
    kept: list[tuple[str, int, int]] = []
    for i, (word, begin, end) in enumerate(words):
        if begin < start:
            continue
        if kept and (word.lower() in _TARGET_PREPOSITIONS or word.lower() in extract.WHEN_WORDS):
            break  # "tagged work due friday": the day is another value's
        # "tag it sport and make it high priority": a verb with a pronoun for its object starts
        # another clause, and the value ends before it.
        if kept and i + 1 < len(words) and words[i + 1][0].lower() in ("it", "that", "this"):
            break
        kept.append((word, begin, end))
    return kept


_TARGET_PREPOSITIONS = frozenset({"to", "on", "onto", "for"})
_OBJECT_AFTER = re.compile(r"(?:the|my|our|your)\s+\w+", re.I)
_ADJECTIVE_BEFORE = re.compile(r"\b(?:a|an)\s+([a-z]+)\s+$", re.I)
_NAMED_WINDOW = 16
"""How many words after a parameter's name may hold its value ("tag X with home": X and the value)."""
_LABELS = frozenset(lexicon.stem(w) for w in ("tag", "label", "category", "group", "list", "project"))
_LABELLED = re.compile(
    # Not a contraction's tail: "how's things" names no "s" label.
    r"(?<![\w'’])([a-z]{2,})(?:\s+|-)(?:stuff|things|tasks|items|to-?dos|jobs|chores|ones|related)\b"
    r"|^\W*(?:any|got\s+any)\s+([a-z]+)\W*$"
    # "what's on for school?", "anything due for work": what the things are for
    r"|\b(?:what's|whats|what\s+is|anything|what\s+have\s+i\s+got|what've\s+i\s+got)\s+(?:on|due|left|planned)"
    r"\s+for\s+(?:my\s+|the\s+)?([a-z]{3,})\b",
    re.I,
)
_NOT_LABELS = lexicon.words("other more new old open done all any every some these those what which my your")


def _label_said(param: Param, utterance: Utterance, vocabulary: frozenset[str]) -> Found | None:
    """A label said as a modifier: "any work stuff?", "my family tasks", "anything health related?",
    "any errands?" (for a filter
    whose name says it is a tag or label; words the tool itself uses, like "priority", are not one)."""
    if not param.words & _LABELS:
        return None
    for match in utterance.matches(_LABELLED):
        at = next(i for i in range(1, 4) if match.group(i))
        word = match.group(at)
        bare = word.lower()
        if (
            bare in lexicon.STOPWORDS
            or bare in _NOT_LABELS
            or bare in extract.WHEN_WORDS
            or bare in extract.MONTHS
        ):
            continue
        if lexicon.stem(bare) in vocabulary or lexicon.stem(bare) in param.hints:
            continue
        return Found(bare, ((match.start(at), match.end(at)),))
    return None


def _leftover(utterance: Utterance, vocabulary: frozenset[str]) -> Found | None:
    """What is left once the request's words are set aside: "paris weather" -> "paris"."""
    kept = [
        (w, start, end)
        for w, start, end in utterance.free_words()
        if not extract.ends_place(w) and not _in_vocabulary(w, vocabulary) and w.lower() not in _REQUEST_VERBS
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


def _texts(
    params: list[Param], utterance: Utterance, vocabulary: frozenset[str], filled: dict[str, Any]
) -> dict[str, Any]:
    """Free-text parameters: the rest of the words, split at "saying"/"about" when there are several."""
    texts = [p for p in params if p.kind == "text" and p.name not in filled]
    if not texts:
        return {}
    rest = utterance.rest()
    names = {p.name for p in texts}
    if {"key", "value"} <= names:
        pair = re.match(r"(.+?)\s+(?:is|are|=|equals|to)\s+(.+)", _clean_text(rest, vocabulary), re.I)
        if pair is None:
            return {}
        key = re.sub(r"^(?:my|the|our|your)\s+", "", pair.group(1).lower())
        return {"key": "_".join(lexicon.tokens(key)), "value": pair.group(2)}
    if len(texts) == 1:
        text = _clean_text(rest, vocabulary)
        return {texts[0].name: text} if text else {}
    values: dict[str, Any] = {}
    renamed = next((p for p in texts if "new" in lexicon.name_words(p.name)), None)
    before = next((p for p in texts if p is not renamed), None)
    # "rename X to Y": the new value follows the last "to" (Y may hold none); after "as"/"into", the
    # first of them ("rename it as tickets to Pune"), as Y may hold a "to".
    parts = re.match(r"(.+?)\s+(?:as|into)\s+(.+)$", rest, re.I) or re.match(r"(.+)\s+to\s+(.+)$", rest, re.I)
    if renamed is not None and before is not None and parts is not None:
        return {before.name: _clean_text(parts.group(1), vocabulary), renamed.name: parts.group(2).strip()}
    aimed = _aimed_body(rest, vocabulary)
    target = next((p for p in texts if p.words & _BODY), None)
    if aimed is not None and target is not None:
        values[target.name], rest = aimed[1], aimed[0]
    body = None if aimed is not None else _BODY_MARKER.search(rest)
    if body is not None:
        target = next((p for p in texts if p.words & _BODY), None)
        if target is not None:
            values[target.name] = rest[body.end() :].strip()
            rest = rest[: body.start()]
    subject = _SUBJECT_MARKER.search(rest) if any(p.words & _SUBJECTS for p in texts) else None
    if subject is not None:
        target = next((p for p in texts if p.name not in values and not p.words & _BODY), None)
        if target is not None:
            values[target.name] = _clean_text(rest[subject.end() :], vocabulary)
            rest = rest[: subject.start()]
    # The rest is the required text still unfilled ("add X with a note saying Y": X is the title).
    first = next((p for p in texts if p.required and p.name not in values), None if values else texts[0])
    if first is not None:
        text = _clean_text(rest, vocabulary)
        if text:
            values[first.name] = text
    return {k: v for k, v in values.items() if v}


def _clean_text(text: str, vocabulary: frozenset[str]) -> str:
    """The request without its phrasing: "could you add a task to buy milk" -> "buy milk"."""
    lead_in = _LEAD_IN.match(text.strip())
    text = text.strip()[lead_in.end() if lead_in else 0 :]
    obligation = _OBLIGATION.match(text)
    # After "i need to" only the tool's own verbs are the request's: "i need to call the bank" is a
    # task called "call the bank", "i need to add a task" is not.
    obliged = obligation is not None or bool(lead_in and re.search(r"\bneed\s+to\s+$", lead_in.group(0)))
    text = text[obligation.end() if obligation else 0 :]
    words = text.split()
    # "i (have) just finished X", "i'm done with X": the speaker reporting the request's verb.
    subject = _SUBJECT.match(text)
    if subject and _verb_length(text[subject.end() :].split(), vocabulary, obliged):
        words = text[subject.end() :].split()
    verb = _verb_length(words, vocabulary, obliged)
    if verb:
        i = verb
        while (
            i < len(words)
            and i <= 4
            and (words[i].lower() in _OBJECT_WORDS or _in_vocabulary(words[i], vocabulary))
        ):
            i += 1
        if i < len(words) and words[i].lower() in _CONNECTORS:
            i += 1
        words = words[i:]  # nothing left: "add a task" names no task yet
    # "... to my to do list": a trailing phrase made only of the tool's words. Scanned from the
    # end, so a long text stays linear.
    tail = len(words)
    while tail > 1 and (
        words[tail - 1].lower() in lexicon.STOPWORDS or _in_vocabulary(words[tail - 1], vocabulary)
    ):
        tail -= 1
    cut = next((i for i in range(max(tail, 1), len(words)) if words[i - 1].lower() in _CONNECTORS), None)
    if cut is not None:
        words = words[: cut - 1]
    # "pick up prescriptions, mark it high priority": its value went to another parameter, and the
    # verb and "it" that pointed back at the new thing are not part of its title.
    if (
        len(words) > 3
        and words[-1].lower() in ("it", "that", "this")
        and words[-2].lower() not in lexicon.STOPWORDS
    ):
        words = words[:-2]
    while words and words[-1].lower() in _CONNECTORS | _DANGLING:
        words.pop()
    while words and words[0].lower() in _CONNECTORS - {"to"}:
        words.pop(0)
    return " ".join(words)


def _verb_length(words: list[str], vocabulary: frozenset[str], own_verbs_only: bool = False) -> int:
    """How many of `words` make the request's verb: "cross off" 2, "add" 1, none 0."""
    spoken = [" ".join(lexicon.tokens(w)) for w in words]
    verbs = frozenset() if own_verbs_only else _REQUEST_VERBS
    phrase = lexicon.leading_phrase(spoken)
    if phrase is not None and (phrase[1] in verbs or _in_vocabulary(phrase[1], vocabulary)):
        return phrase[0]
    return int(bool(spoken) and (spoken[0] in verbs or _in_vocabulary(spoken[0], vocabulary)))


def question(param: Param) -> str:
    """How to ask for a missing parameter."""
    label = param.label
    if param.kind == "enum":
        options = lexicon.join([str(o) for o in param.spec["enum"][:4]], "or")
        return f"Which {label}: {options}?"
    if param.kind == "boolean":
        switch = set(lexicon.name_words(param.name)) <= _SWITCHES
        return "Should it be on or off?" if switch else f"Do you want {label}, yes or no?"
    if param.kind == "datetime":
        return "When should it be?"
    if param.kind == "date":
        return "For which day?"
    if param.kind == "time":
        return "At what time?"
    return f"What are the {label}?" if param.kind == "list" else f"What's the {label}?"
