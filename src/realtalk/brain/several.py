"""Requests for several things at once: clauses each about the thing just talked about ("make it
high priority and tag it shopping"), a change to several held things named one after another, to
"both of them" just read out, and a counted list of new things ("add two things: ...")."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from . import (
    dialogue,
    entities,
    extract,
    held,
    intent,
    lexicon,
    openers,
    phrasing,
    replies,
    routing,
    validation,
)
from .arguments import Filled
from .base import BrainEvent, ToolCall, ToolSpec

if TYPE_CHECKING:
    from .builtin import Turn

_NEXT_CLAUSE = re.compile(r"\s*,?\s+and\s+(?=[a-z]+\s+(?:it|that|this)\b)", re.I)
_PRONOUN_CLAUSE = re.compile(
    r"^\W*" + openers.run(also=("please",), most=3) + r"[a-z]+\s+(?:it|that|this)\b",
    re.I,
)
_MAX_CLAUSES = 3
_COUNTS = {"two": 2, "2": 2, "three": 3, "3": 3, "four": 4, "4": 4, "both": 2}
_COUNTED = re.compile(
    r"^\W*(?:(?:.*?\b)?(?P<verb>[a-z]+)\s+)?(?:these\s+|the\s+following\s+)?(?P<count>two|three|four|[234]|a\s+couple\s+of|a\s+few)"
    r"\s+(?:more\s+|new\s+)?(?:things|tasks|items|reminders|to-?dos|jobs|bits)\s*(?:for\s+me\s*)?[:,-]?\s+(?P<items>.+)$",
    re.I,
)
_FOR_ALL = re.compile(
    r"[.!;]\s*(?:(?:and|oh)\s+)?(?:both|all|each)(?:\s+of\s+them)?(?:\s+(?:are|is|need\s+doing|due))?\s+(?P<values>[^.!?]{1,80})\W*$",
    re.I,
)
# "Add grab bait and ice, and fill up the boat, both for Saturday": things listed after a verb, then
# what goes with each of them; "both" counts them.
_SHARED_TAIL = re.compile(
    r"^\W*(?P<verb>[a-z]+)\s+(?P<items>[^.!?]+?)\s*,\s*(?:and\s+)?(?P<count>both|all|each)(?:\s+of\s+them)?"
    r"(?:\s+(?:are|is|need\s+doing|due))?\s+(?P<values>[^,.!?]{1,80})\W*$",
    re.I,
)
_BY_COMMA = re.compile(r"\s*[,;]\s*(?:and\s+)?")
_BY_COMMA_OR_AND = re.compile(r"\s*[,;]\s*(?:and\s+)?|\s+and\s+")


def each_clause(turn: Turn, text: str) -> list[BrainEvent] | None:
    """ "Make it high priority and tag it shopping": clauses joined by "and", each a verb with
    "it" for the thing just talked about, are each a change to it, made one after the other."""
    clauses = [c for c in _NEXT_CLAUSE.split(text) if c.strip()]
    if len(clauses) < 2 or len(clauses) > _MAX_CLAUSES or intent.is_question(text):
        return None
    calls: list[BrainEvent] = []
    for clause in clauses:
        if not _PRONOUN_CLAUSE.match(clause) or turn.referent(clause) is None:
            return None
        made = _whole_call(turn, clause)
        if made is None:
            return None
        calls.append(made[1])
    return calls if len({c.name for c in calls if isinstance(c, ToolCall)}) == len(calls) else None


def _whole_call(turn: Turn, clause: str) -> tuple[tuple[ToolSpec, Filled], ToolCall] | None:
    """The call `clause` asks for alone, when it is whole (no value missing), sure and fits the
    tool's schema; else None: one request of several that would ask something stops them all."""
    choice = turn.route(clause)
    if not isinstance(choice, tuple) or choice[1].missing:
        return None
    tool, filled = choice
    if turn.unsure(tool, filled) is not None or validation.call_problem(tool.parameters, filled.arguments):
        return None
    return choice, replies.call(tool, filled.arguments)


def each_held(turn: Turn, text: str) -> list[BrainEvent] | None:
    """ "Mark both the plumber call and the gas bill as done": a change to several held things,
    named one after the other, is made to each."""
    if intent.is_question(text) or " and " not in text.lower():
        return None
    choice = turn.route(text)
    if choice is None:
        return _each_subject(turn, text)
    if not isinstance(choice, tuple) or choice[1].missing or not intent.writes(choice[0]):
        return None
    tool, filled = choice
    name = held.target(tool, None)
    value = filled.arguments.get(name) if name is not None else None
    parts = held.several_held(value, turn.request.known) if isinstance(value, str) else None
    if name is None or parts is None or intent.creates(tool) or dialogue.confirmation_param(tool):
        return None  # a tool that asks first asks about one thing at a time
    each = [{**filled.arguments, name: part} for part in parts]
    if any(validation.call_problem(tool.parameters, a) for a in each):
        return None
    return [replies.call(tool, a) for a in each]


_SUBJECT_THEN = re.compile(
    r"^\W*(?P<things>.+?)\s+(?:both|all|each)\s+(?P<said>(?:go|goes|need|needs|are|should)\b.*)$", re.I
)


def _each_subject(turn: Turn, text: str) -> list[BrainEvent] | None:
    """ "The tyres and the licence disc both go under car": held things named together as the
    subject, then what is said of each, is one change to each, by the same tool."""
    found = _SUBJECT_THEN.match(text)
    parts = held.several_held(found.group("things"), turn.request.known) if found is not None else None
    if found is None or parts is None:
        return None
    calls: list[BrainEvent] = []
    for part in parts:
        choice = turn.route(f"{part} {found.group('said')}")
        if not isinstance(choice, tuple) or choice[1].missing or not intent.writes(choice[0]):
            return None
        if intent.creates(choice[0]) or validation.call_problem(choice[0].parameters, choice[1].arguments):
            return None
        calls.append(replies.call(choice[0], choice[1].arguments))
    return calls if len({c.name for c in calls if isinstance(c, ToolCall)}) == 1 else None


def each_new(turn: Turn, text: str) -> list[BrainEvent] | None:
    """ "Add two things: buy stamps, and post the parcel": a counted list of new things after a
    creating verb is one new thing each, made one after the other."""
    found = _COUNTED.match(text) or _SHARED_TAIL.match(text)
    if found is None and not intent.is_question(text):
        return _each_dated(turn, text)
    if found is None or intent.is_question(text):
        return None
    wanted = _COUNTS.get(found.group("count").lower().split()[0])
    said = found.group("items").strip(" .!")
    # "... Both for tomorrow.": a last sentence about all of them goes with each.
    shared = _FOR_ALL.search(said)
    together = shared.group("values") if shared is not None else found.groupdict().get("values") or ""
    said = said[: shared.start()].strip(" .!") if shared is not None else said
    items = [i for i in _BY_COMMA.split(said) if i]
    if len(items) != wanted:  # "buy stamps and post the parcel": "and" alone parts them too
        items = [i for i in _BY_COMMA_OR_AND.split(said) if i]
    if len(items) < 2 or (wanted is not None and len(items) != wanted) or len(items) > held.MAX_OPTIONS + 2:
        return None
    calls: list[BrainEvent] = []
    for item in items:
        # "Two things: ..." said with no verb asks to add them
        choice = turn.route(f"{found.group('verb') or 'add'} {item} {together}".strip())
        if not isinstance(choice, tuple) or choice[1].missing or not intent.creates(choice[0]):
            return None
        if validation.call_problem(choice[0].parameters, choice[1].arguments):
            return None
        calls.append(replies.call(choice[0], choice[1].arguments))
    return calls


_ALSO = re.compile(r"\s*[,;]\s*(?:and\s+)?also\s+", re.I)
_DATED_ITEM = re.compile(r"\b(?:on|by|for|at|before|until|till|this|next|tomorrow|today|tonight)\b", re.I)


def _each_dated(turn: Turn, text: str) -> list[BrainEvent] | None:
    """ "Add swimming kit for Josh on Tuesday and Ellie's costume for the nativity by Friday": new
    things joined by "and" after a creating verb, each with its own day (or after ", and also"), are
    one new thing each."""
    verb, _, said = text.strip().partition(" ")
    # "add milk to the list, and also pick up the parcel": "also" after a pause says another comes
    also = [p for p in _ALSO.split(said.strip(" .!")) if p]
    parts = also if len(also) > 1 else [p for p in re.split(r"\s*,?\s+and\s+", said.strip(" .!")) if p]
    if not 2 <= len(parts) <= _MAX_CLAUSES:
        return None
    calls: list[BrainEvent] = []
    for part in parts:
        day = _DATED_ITEM.search(part)
        undated = (
            day is None or extract.when(extract.Utterance(part[day.start() :], turn.now), "datetime") is None
        )
        if undated and len(also) < 2:
            return None
        choice = turn.route(f"{verb} {part}")
        if not isinstance(choice, tuple) or choice[1].missing or not intent.creates(choice[0]):
            return None
        said_verb = routing.starts_with_a_verb_of([choice[0]], text) or bool(
            lexicon.concepts(lexicon.stem(verb.lower())) & lexicon.concepts(lexicon.stem("add"))
        )
        if not said_verb or validation.call_problem(choice[0].parameters, choice[1].arguments):
            return None
        calls.append(replies.call(choice[0], choice[1].arguments))
    return calls


_AND_THEN = re.compile(r"\s*,?\s+and\s+(?:then\s+|also\s+|please\s+|can\s+you\s+|could\s+you\s+)*", re.I)


def each_after_named(turn: Turn, text: str) -> list[BrainEvent] | None:
    """ "Move the gutters to Saturday at eight and bump it up to high priority", "push yoga to
    Wednesday and add a note to bring my mat", "Sam's PR needs doing by Wednesday and it's top
    priority now": a change to a held thing named in the first clause, then clauses that open with a
    tool's verb or say what "it" is now, each a change to that same thing. A first clause that only
    states the change ("Nan's pickup is at three now, and can you note ...") is no story before the
    request: the whole utterance is read when the request alone is not."""
    said = turn.messages[-1].content if turn.messages else ""
    for whole in dict.fromkeys((text, phrasing.tidy(said))):
        calls = _each_after_named(turn, whole)
        if calls is not None:
            return calls
    return None


_IT_IS_NOW = re.compile(r"^\W*(?:it's|it\s+is|it'll\s+be|it\s+will\s+be|that's|that\s+is)\s+\w", re.I)


def _each_after_named(turn: Turn, text: str) -> list[BrainEvent] | None:
    parts = _AND_THEN.split(text)
    if not 2 <= len(parts) <= _MAX_CLAUSES or intent.is_question(text):
        return None
    if not all(
        routing.starts_with_a_verb_of(turn.tools, p)
        or _PRONOUN_CLAUSE.match(p)
        or _IT_IS_NOW.match(p)
        or _opens_with_a_change(turn.tools, p)
        for p in parts[1:]
    ):
        return None
    first = turn.route(parts[0])
    if (
        not isinstance(first, tuple)
        or first[1].missing
        or not intent.writes(first[0])
        or intent.creates(first[0])
    ):
        return None
    name = held.target(first[0], None)
    value = first[1].arguments.get(name) if name is not None else None
    match = entities.closest(value, turn.request.known) if isinstance(value, str) else None
    if match is None or not match.sure:
        return None
    calls: list[BrainEvent] = [replies.call(first[0], first[1].arguments)]
    for part in parts[1:]:
        choice = _aimed(turn, part, match.name)
        if choice is None or choice[1].missing:
            return None
        if validation.call_problem(choice[0].parameters, choice[1].arguments):
            return None
        calls.append(replies.call(choice[0], choice[1].arguments))
    return calls if len({c.name for c in calls if isinstance(c, ToolCall)}) == len(calls) else None


def _opens_with_a_change(tools: list[ToolSpec], clause: str) -> bool:
    """Whether a clause opens with a word of the name of a tool that changes a held thing, said as
    a verb: "note she's on the coach" (add_task_note), "tag it work"."""
    first = next(iter(lexicon.tokens(clause)), "")
    changers = [t for t in tools if intent.writes(t) and (not intent.creates(t) or held.adds_to_held(t))]
    words = {lexicon.stem(w) for t in changers for w in lexicon.name_words(t.name)}
    return first not in lexicon.STOPWORDS and lexicon.stem(first) in words


def _aimed(turn: Turn, clause: str, thing: str) -> tuple[ToolSpec, Filled] | None:
    """A clause about `thing` ("bump it up to high", "add a note to bring my mat"): "it" is the thing,
    and words it took for a thing are, when they name none held, its free-text value."""
    choice = turn.route(clause)
    if not isinstance(choice, tuple) or (intent.creates(choice[0]) and not held.adds_to_held(choice[0])):
        return None
    tool, filled = choice
    name = held.target(tool, None)
    said = filled.arguments.get(name) if name is not None else None
    if name is None or (isinstance(said, str) and said != thing and entities.held(said, turn.request.known)):
        return None
    body = next((p for p in filled.missing if p.kind == "text"), None)
    values = {**filled.arguments, name: thing}
    if body is not None and isinstance(said, str) and not dialogue.pronoun_led(said):
        values[body.name] = said
    missing = [p for p in filled.missing if p.name not in values]
    return tool, Filled(values, missing, filled.invalid)


# "Push both of them to Friday", "mark all of those done", "move the two of them": the things just read out.
_THEY = re.compile(
    r"\b(?:both(?:\s+of\s+(?:them|those|these))?|all\s+(?:of\s+)?(?:them|those|these)|each\s+of\s+(?:them|those)"
    r"|the\s+(?P<count>two|three|four)\s+of\s+(?:them|those))\b",
    re.I,
)


def each_listed(turn: Turn, text: str) -> list[BrainEvent] | None:
    """ "Which calls have I got to make?" ... "Push both of them to Friday": the change, made to each
    of the things the last result read out that the question named (all of them when it named
    none), when as many as "both" or "the three of them" say."""
    found = _THEY.search(text)
    last = turn.last
    if found is None or last is None or intent.is_question(text) or intent.writes(last.tool):
        return None
    listed = last.listed()
    asked = next((m.content for m in reversed(turn.messages[:-1]) if m.role == "user"), "")
    words = set(lexicon.content_stems(asked))
    # A listing the question filtered ("what's tagged car?") read out what it named, all of it.
    named = (
        listed if last.arguments else [n for n in listed if words & set(lexicon.content_stems(n))] or listed
    )
    wanted = _COUNTS.get((found.group("count") or found.group(0).split()[0]).lower())
    if not 2 <= len(named) <= held.MAX_OPTIONS + 2 or (wanted is not None and len(named) != wanted):
        return None
    from .builtin import Turn  # each thing in turn is "it"

    calls: list[BrainEvent] = []
    for name in named:
        each = Turn(turn.request, turn.now)
        each.referred = name
        choice = each.route(f"{text[: found.start()]}it{text[found.end() :]}")
        if not isinstance(choice, tuple) or choice[1].missing or not intent.writes(choice[0]):
            return None
        tool, filled = choice
        if (
            intent.creates(tool)
            or dialogue.confirmation_param(tool)
            or validation.call_problem(tool.parameters, filled.arguments)
        ):
            return None  # a tool that asks first asks about one thing at a time
        calls.append(replies.call(tool, {**filled.arguments, **_named(tool, name)}))
    return calls


def _named(tool: ToolSpec, name: str) -> dict[str, str]:
    """The thing's exact name for the parameter that names it (the words routed may be trimmed)."""
    which = held.target(tool, None)
    return {which: name} if which is not None else {}


# "Add X for Friday, mark Y done, and move Z to Thursday": requests in one breath, each in a clause
# of its own; what a counted lead-in says first ("okay, three things:") asks for nothing itself.
_REQUEST_BREAK = re.compile(r"\s*[,;]\s*(?:and\s+)?(?:then\s+)?(?:also\s+)?|\.\s+(?:and\s+|then\s+|also\s+)*")
_LEAD_IN = re.compile(r"^[^:]{1,40}:\s*(?=\S)")
_LONGEST_REQUESTS = held.LONGEST_NAME * (_MAX_CLAUSES + 1)
"""Characters of the longest run of requests read one by one: each as long as a name may be."""


def each_request(turn: Turn, text: str) -> list[BrainEvent] | None:
    """Several requests said one after another, each a clause that opens with a tool's verb or says a
    held thing is done ("the prescription's collected"), made one after the other when each is
    whole (a clause that opens no request goes on the one before: "shift it to Sunday, same time")."""
    said = turn.messages[-1].content if turn.messages and turn.messages[-1].role == "user" else text
    said = phrasing.repaired(said)  # (the words as said, repaired: each clause is read as a request)
    lead = _LEAD_IN.match(said)
    body = said[lead.end() :] if lead is not None and not _opens_a_request(turn, lead.group(0)) else said
    if len(body) > _LONGEST_REQUESTS:
        return None  # (never cut short: its last request would be made with its words cut)
    requests: list[str] = []
    for clause in (c for c in _REQUEST_BREAK.split(body) if c.strip()):
        # "new task: X, and tag it clients": a verb on "it" goes on with the thing just said
        opens = _opens_a_request(turn, clause) and not (requests and _points_back(clause))
        if requests and not opens:
            requests[-1] = f"{requests[-1]}, {clause}"
        elif opens:  # (what comes before the first request is a story: "I spoke with the dairy, ...")
            requests.append(clause)
    if (
        not 2 <= len(requests) <= _MAX_CLAUSES + 1
        or _points_back(requests[0])  # ("The bus pass, I have topped it up, mark it done": the story's "it")
        or all(intent.is_question(r) for r in requests)  # questions in one breath are one question
    ):
        return None
    calls: list[BrainEvent] = []
    things: list[str] = []
    for request in requests:
        made = _whole_call(turn, turn.request_in(request))
        if made is None:
            return None
        (tool, filled), call = made
        calls.append(call)
        name = held.target(tool, None) if not intent.creates(tool) else None
        match = entities.closest(str(filled.arguments.get(name, "")), turn.request.known) if name else None
        things += [match.name] if match is not None else []
    # "Delete the gym membership task, I have cancelled the gym": a reason about the same thing
    return calls if len(set(things)) == len(things) else None


_AUXILIARIES = frozenset(lexicon.stem(w) for w in ("have", "has", "had", "just", "already"))


def _points_back(clause: str) -> bool:
    """Whether the clause's verb is about "it" ("tag it clients", "I have topped it up")."""
    lead = routing.leading_stems(clause)
    verb = 1 if lead and lead[0] in _AUXILIARIES else 0  # "I have topped it up": the verb after "have"
    return len(lead) > verb + 1 and lead[verb + 1] in {"it", "them", "that", "this"}


def _opens_a_request(turn: Turn, clause: str) -> bool:
    """Whether the clause opens with the verb of one of the tools (or a word of the same meaning),
    asks, or reports a held thing done."""
    if routing.opens_with_a_verb_of(turn.tools, clause) or intent.is_question(clause):
        return True  # "..., and then tell me what's due tomorrow": a question is one too
    known = turn.request.known
    return bool(known) and (
        (intent.reports_done(clause) and held.named_in(clause, known) is not None)
        or held.done_as_named(clause, known)
    )
