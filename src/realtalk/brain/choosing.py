"""Which tool an utterance asks for: by its words (`routing`), the values it carries, and its
meaning (`semantic`); a question by the filter it sets or the thing it names; a new thing by a verb no
tool is named for; a bare code by the one tool that takes codes."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime

from . import (
    arguments,
    codes,
    entities,
    extract,
    held,
    intent,
    lexicon,
    options,
    parameters,
    routing,
    semantic,
)
from .arguments import Filled
from .base import ToolSpec

_FIRST_PERSON = re.compile(r"\b(?:my|me|i|i've|i'm|i'd)\b", re.I)
# "When is the dentist call?", "what time is the X?": when or how a particular thing stands.
ABOUT_A_THING = re.compile(
    r"^\W*(?:so\s+|and\s+)?(?:when(?:'s|\s+is|\s+are|\s+was)|what\s+(?:time|day|date)\s+is|is|are|was|were|has"
    r"|have|did|remind\s+me\s+(?:whether|if)"
    r"|what(?:'s|\s+is)\s+the\s+(?:status|deadline|due\s+date|priority|time|date)\s+(?:of|for|on))\s+"
    r"(?:the|that|this)\s+\w+",
    re.I,
)
_MEANING_WEIGHT = 1.0
"""Points for a tool's closeness in meaning (cosine 0..1) next to its word score (a name word is 3)."""
_MEANING_FLOOR, _MEANING_LEAD, _CHAT_MARGIN, _CHAT_QUESTION = 0.28, 0.05, 0.15, 0.5
"""A tool found by meaning alone: this close, this far ahead of the next, and not much further than chat."""
_CHAT_NOT_NEW = 0.35
"""How much closer to chat than to the tool that makes things words with a time must be to make
nothing: a wider margin than an errand's, since a time said is itself a sign of a thing to do."""
_TIE_LEAD = 0.03
"""How much closer in meaning one of the tools the words tie must be to be taken without asking."""


def choose(
    tools: Sequence[ToolSpec], text: str, now: datetime, meaning: str | None = None, known: Sequence[str] = ()
) -> tuple[ToolSpec, Filled] | list[ToolSpec] | None:
    """The tool `text` asks for, with its arguments; the tied tools when it cannot tell; or None.

    `meaning` is what the words mean when it says more than they do ("I paid the bill" is done)."""
    candidates = []
    meant = semantic.similarities(tools, text)
    closeness = dict(zip((t.name for t in tools), meant[0], strict=True)) if meant else {}
    for match in routing.rank(tools, meaning or text):
        if match.score < routing.THRESHOLD:
            break
        filled = arguments.fill(match.tool, text, now)
        # Values the words carry are evidence too: "push the report to thursday" has a date for
        # the tool that takes one, and nothing for the one that marks a task done. A parameter with
        # a default (a page cursor, a priority) is a refinement, not evidence of what was asked.
        # An optional free-form filter is only filled when named ("tagged work", "family tasks"):
        # half a point that the words asked for this tool.
        typed = sum(
            1.0
            if p.kind in parameters.TYPED_KINDS and "default" not in p.spec
            else 0.5
            if p.kind == "entity"
            else 0.0
            for p in parameters.params_of(match.tool)
            if p.name in filled.arguments and not p.required
        ) + sum(
            p.kind in parameters.TYPED_KINDS and "default" not in p.spec
            for p in parameters.params_of(match.tool)
            if p.name in filled.arguments and p.required
        )
        # Meaning breaks near-ties between tools that share words ("note" in a new task's request).
        nearness = round(_MEANING_WEIGHT * closeness.get(match.tool.name, 0.0), 1)
        # "Add the tag errands to printer ink": what follows "to" or "on" is where the value goes, an
        # existing thing, not a new one to create.
        aimed = routing.THRESHOLD * (
            intent.creates(match.tool) and _aimed_at(match.tool, filled, text, known)
        )
        candidates.append(
            (match.score + typed - len(filled.missing) / 2 + nearness - aimed, match.tool, filled)
        )
    if not candidates:
        return _by_meaning(tools, text, now, meant) or _by_value(tools, text, now)
    best = max(score for score, _, _ in candidates)
    chosen = [(tool, filled) for score, tool, filled in candidates if score == best]
    return chosen[0] if len(chosen) == 1 else _closest(chosen, closeness) or [tool for tool, _ in chosen]


def opens_new(tools: Sequence[ToolSpec], text: str) -> bool:
    """ "Add eggs, tag it food": a request that opens with a creating tool's own verb and a new
    object is about that new thing, and its "it" is the new thing too. Not when the object is a
    pronoun, a thing another tool is named for ("add a note saying ..."), or goes on the old one
    ("add a tag to it"), nor after "and" (a fragment that goes on with the last thing)."""
    found = _VERB_AND_OBJECT.match(text)
    if found is None or _ON_IT.search(text):
        return False
    verb, thing = lexicon.stem(found.group("verb").lower()), lexicon.stem(found.group("object").lower())
    creators = [t for t in tools if intent.creates(t) and verb == routing.verb_of(t)]
    own = {lexicon.stem(w) for t in creators[:1] for w in lexicon.name_words(t.name)}
    named = {lexicon.stem(w) for t in tools for w in lexicon.name_words(t.name)} - own
    return bool(creators) and thing not in named


_ON_IT = re.compile(r"\b(?:to|on|onto|for)\s+(?:it|that|this|them)\b", re.I)
_VERB_AND_OBJECT = re.compile(
    r"^\W*" + lexicon.run_of(r"please|can\s+you|could\s+you|ok(?:ay)?|now", 3) + r"(?P<verb>[a-z]+)\s+"
    r"(?:(?:a|an|the|another|some)\s+)?(?!(?:it|that|this|them|those|these)\b)(?P<object>[a-z]+)",
    re.I,
)


def _aimed_at(tool: ToolSpec, filled: Filled, text: str, known: Sequence[str]) -> bool:
    """Whether the thing `tool` would create is said as the object of "to", "on" or "onto" and is
    one of the things held already (`known`): the place a value goes, not a new thing."""
    said = extract.normalize(text).lower()
    for param in parameters.params_of(tool):
        value = filled.arguments.get(param.name)
        # A held name is short; a long value (a pasted text) is no name, and is not searched for.
        if not (param.required and param.kind in held.NAMING_KINDS and isinstance(value, str) and value):
            continue
        if len(value) > held.LONGEST_NAME:
            continue
        match = entities.closest(value, known)
        if (
            match is not None
            and match.sure
            and re.search(rf"\b(?:to|on|onto)\s+{re.escape(value.lower())}\b", said)
        ):
            return True
    return False


def _closest(
    chosen: Sequence[tuple[ToolSpec, Filled]], closeness: dict[str, float], lead: float = _TIE_LEAD
) -> tuple[ToolSpec, Filled] | None:
    """Of tools the words tie, the one clearly closest in meaning (None when none is)."""
    if not closeness:
        return None
    ranked = sorted(chosen, key=lambda c: -closeness.get(c[0].name, 0.0))
    ahead = closeness.get(ranked[0][0].name, 0.0) - closeness.get(ranked[1][0].name, 0.0)
    return ranked[0] if ahead >= lead else None


def by_meaning(tools: Sequence[ToolSpec], text: str, now: datetime) -> tuple[ToolSpec, Filled] | None:
    """The tool whose meaning is clearly closest, whatever the words (see `_by_meaning`)."""
    return _by_meaning(tools, text, now, semantic.similarities(tools, text)) if tools else None


def _by_meaning(
    tools: Sequence[ToolSpec], text: str, now: datetime, meant: tuple[list[float], float] | None
) -> tuple[ToolSpec, Filled] | None:
    """The tool whose meaning is clearly closest when none shares the words ("give me a clue")."""
    if meant is None:
        return None
    # "What's the first digit?" asks us for what a tool needs from the user: not that tool.
    kept = [
        i
        for i, tool in enumerate(tools)
        if not routing.changes_one(tool, text)
        and not any(p.required and codes.asks_for(text, p) for p in parameters.params_of(tool))
    ]
    tools, meant = [tools[i] for i in kept], ([meant[0][i] for i in kept], meant[1])
    if not tools:
        return None
    scores, chat = meant
    ranked = sorted(zip(scores, range(len(tools)), strict=True), reverse=True)
    best, index = ranked[0]
    runner_up = ranked[1][0] if len(ranked) > 1 else 0.0
    # A statement ("I had a great day") must sound more like the tool than like chat to ask for it.
    margin = 0.0 if _SUBJECT_FIRST.match(_INTERJECTION.sub("", text)) else _CHAT_MARGIN
    if best < _MEANING_FLOOR or best < chat - margin or best - runner_up < _MEANING_LEAD:
        return None
    return tools[index], arguments.fill(tools[index], text, now)


def reader_asked(tools: Sequence[ToolSpec], text: str, now: datetime) -> tuple[ToolSpec, Filled] | None:
    """ "And whit's on the morn?", "Whit's on Saturday?": a question no rule understood that says a
    value a tool that only reads takes (a day), and little else, is answered by that reader (the
    nearest in meaning of several). Reading writes nothing, so a guess costs an answer, never data;
    a question with no such value is not guessed at ("Is it the blue key?" is no hint request)."""
    unread = _unread_words(tools, text, now)
    if _ABOUT_US.search(text) or len(unread) > 1 or any(lexicon.concepts(w) for w in unread):
        return None  # about us ("what did you do yesterday?"), or a topic of its own ("the weather")
    valued = []
    for tool in (t for t in tools if not intent.writes(t)):
        filled = arguments.fill(tool, text, now)
        typed = [p for p in parameters.params_of(tool) if p.kind in parameters.TYPED_KINDS]
        if not filled.missing and not filled.invalid and any(p.name in filled.arguments for p in typed):
            valued.append((tool, filled))
    return valued[_nearest([tool for tool, _ in valued], text)] if valued else None


def _nearest(tools: Sequence[ToolSpec], text: str) -> int:
    """The index of the one of `tools` nearest `text` in meaning (the first of equals; the first
    when there is one, or no model to say)."""
    meant = semantic.similarities(tools, text) if len(tools) > 1 else None
    return max(range(len(tools)), key=lambda i: meant[0][i]) if meant is not None else 0


_ABOUT_US = re.compile(r"\b(?:you|your|yours|yourself)\b", re.I)


def _unread_words(tools: Sequence[ToolSpec], text: str, now: datetime) -> set[str]:
    """The content words of `text` that are neither a value it gives nor a word the tools use."""
    said = extract.Utterance(text, now)
    found = extract.when(said, "datetime")
    spans = found.spans if found is not None else ()
    kept = "".join(" " if any(a <= i < b for a, b in spans) else c for i, c in enumerate(said.text))
    vocabulary = {lexicon.stem(w) for t in tools for w in lexicon.tokens(semantic.tool_text(t))}
    return {w for w in lexicon.content_stems(kept) if w not in vocabulary}


def by_degree(tools: Sequence[ToolSpec], text: str, now: datetime) -> tuple[ToolSpec, Filled] | None:
    """ "Make the footer typo less critical", "not critical any more": a scale's option said by degree
    is a change to something held, so it asks for the one tool that changes that option (not the
    one that creates a thing with it), when the words name no tool."""
    found = [t for t in tools if options.by_degree(t, text, now)]
    changers = [t for t in found if intent.writes(t) and not intent.creates(t)]
    one = changers if len(changers) == 1 else found
    return (one[0], arguments.fill(one[0], text, now)) if len(one) == 1 else None


def look_up(tools: Sequence[ToolSpec], text: str, now: datetime) -> tuple[ToolSpec, Filled] | None:
    """A question about one of the user's things ("when is my dentist appointment?") for the one tool
    that reads a thing by its words, unless the question sounds like chat."""
    readers = [t for t in tools if [p.kind for p in parameters.params_of(t) if p.required] == ["text"]]
    if len(readers) != 1 or not (_FIRST_PERSON.search(text) or ABOUT_A_THING.search(text)):
        return None
    meant = semantic.similarities(readers, text)
    if meant is not None and meant[1] >= _CHAT_QUESTION:
        return None
    filled = arguments.fill(readers[0], text, now)
    return (readers[0], filled) if not filled.missing else None


def by_filter(
    tools: Sequence[ToolSpec], text: str, now: datetime, siblings: Sequence[ToolSpec] = ()
) -> tuple[ToolSpec, Filled] | None:
    """A question whose words set an option of exactly one reading tool ("anything urgent today?"
    sets list_due_tasks' priority): it asks for that tool, filtered so. `siblings` are the other
    tools, whose descriptions of the same option say what more words stand for."""
    counted: list[tuple[int, ToolSpec, Filled]] = []
    days_only = True
    for tool in tools:
        filled = with_shared_words(siblings, tool, arguments.fill(tool, text, now), text, now)
        # An optional free-form value is only filled when named ("tagged work", "anything health
        # related?"), so it sets a filter as surely as a typed one.
        kinds = [p.kind for p in parameters.params_of(tool) if p.name in filled.arguments
                 and (p.kind != "entity" or not p.required)]  # fmt: skip
        filters = sum(kind in _FILTER_KINDS for kind in kinds)
        if not filled.missing and filters:
            counted.append((filters, tool, filled))
            days_only = days_only and not any(kind in ("enum", "boolean", "entity") for kind in kinds)
    most = max((n for n, _, _ in counted), default=0)
    found = [(tool, filled) for n, tool, filled in counted if n == most]  # the one that takes all said
    meant = semantic.similarities([tool for tool, _ in found], text) if found else None
    if (
        meant is not None
        and days_only
        and max(meant[0]) < meant[1]
        and not _FIRST_PERSON.search(text)
        and not _only_when(text)  # "Tomorrow?" asks what there is then: nothing else is said
    ):
        return None  # a day alone, and it sounds like chat: "what's the weather tomorrow?"
    if len(found) > 1:  # "what's the plan for tomorrow?": the day fits a listing and a summary
        names = [tool.name for tool, _ in found]
        # Any of them only reads, so the closest in meaning is taken however slightly closer.
        return _closest(found, dict(zip(names, meant[0], strict=True)), lead=0.0) if meant else None
    return found[0] if found else None


def _only_when(text: str) -> bool:
    """Whether every word but the small ones says when ("Tomorrow?", "and on Friday?")."""
    return all(
        w in lexicon.STOPWORDS or w in extract.WHEN_WORDS or w in extract.MONTHS or w.isdigit()
        for w in lexicon.tokens(text)
    )


def with_shared_words(
    tools: Sequence[ToolSpec], tool: ToolSpec, filled: Filled, text: str, now: datetime
) -> Filled:
    """`filled` with an option another tool's parameter of the same name and options explains ("low
    if it can wait" for a new task's priority says what "which can wait?" filters by)."""
    values = dict(filled.arguments)
    for param in parameters.params_of(tool):
        if param.kind != "enum" or param.name in values:
            continue
        for other in (q for t in tools if t is not tool for q in parameters.params_of(t)):
            same = other.name == param.name and other.spec.get("enum") == param.spec.get("enum")
            found = options.described_option(other, text, now) if same else None
            if found is not None:
                values[param.name] = found
                break
    return Filled(values, filled.missing, filled.invalid) if values != filled.arguments else filled


_FILTER_KINDS = ("enum", "boolean", "date", "datetime", "entity")


SPAN = re.compile(r"\b(?:this|the|next|coming|rest\s+of\s+the)\s+(?:week|weekend|month|year)\b", re.I)
"""A stretch of days, not one day."""


def optional_days(tool: ToolSpec) -> set[str]:
    return {p.name for p in parameters.params_of(tool) if p.kind in ("date", "datetime") and not p.required}


def _by_value(tools: Sequence[ToolSpec], text: str, now: datetime) -> tuple[ToolSpec, Filled] | None:
    """The one tool that takes a code, when the words are mostly digits ("4 8 2 1", "482 ion"): a bare
    value of a kind only one tool takes asks for that tool."""
    takers = [t for t in tools if any(p.kind == "code" and p.required for p in parameters.params_of(t))]
    if len(takers) != 1:
        return None
    # "I reckon the first digit is a three", "it starts with a six": a longer sentence that places
    # digits in a code, or names the code's own words, gives part of one (and it is asked for).
    hints = {h for p in parameters.params_of(takers[0]) if p.kind == "code" for h in p.hints}
    # "Could it be 1962? That's the year I was married.": the sentence that holds the digits counts.
    for sentence in re.split(r"(?<=[.?!;])\s+", text):
        words = lexicon.tokens(extract.normalize(sentence))
        digits = [w for w in words if w.isdigit()]
        placed = _PLACES_DIGITS.search(sentence) or hints & {lexicon.stem(w) for w in words}
        if digits and (len(words) <= 2 * len(digits) + 4 or placed):
            return takers[0], arguments.fill(takers[0], text, now)
    return None


_PLACES_DIGITS = re.compile(
    r"\b(?:starts?|starting|begins?|beginning|ends?|ending)\s+with\b|\b(?:first|second|third|fourth|last)"
    r"\s+(?:digit|number|one)\b",
    re.I,
)

_ARRANGING = re.compile(
    r"^\W*"
    + lexicon.run_of(r"please|just|can\s+you|could\s+you")
    + r"(?:schedule|book|plan|arrange|organi[sz]e|set\s+up|pencil)\b",
    re.I,
)
TIME_KINDS = ("datetime", "date", "time")
# A statement opens with its subject ("it's going to rain", "we have ..."); an imperative with its verb.
_SUBJECT_FIRST = re.compile(
    # "because I'm definitely going to the gym tonight": a reason given is said of someone too
    r"^\W*(?:(?:because|cos|'cause|cause|coz|since)\s+)?(?:i|i'm|i've|i'd|it|it's|its|we|we're|you|you're|they|they're|he|she|there|there's|this|that"
    r"|that's|the|my|our|your)\b",
    re.I,
)
# "Bin day is Tuesday round here": a noun, then "is": a statement of fact, not an imperative.
_SAYS_WHAT_IS = re.compile(r"^\W*(?:[\w'-]+\s+){1,3}(?:is|are|was|were)\b", re.I)
_INTERJECTION = re.compile(
    r"^\W*(?:(?:ugh|oh|ah|aw|well|so|man|god|gosh|wow|hmm|okay|ok|yeah|right|haha|ha|lol|hehe)\b\W*){1,4}",
    re.I,
)


def new_thing(
    tools: Sequence[ToolSpec], text: str, now: datetime, known: Sequence[str]
) -> tuple[ToolSpec, Filled] | None:
    """ "Schedule team lunch for Thursday", "plan a picnic on Sunday": an imperative whose verb
    no tool is named by, with a time and a thing that is none of the held ones, asks for the one
    tool that creates things with a time (a statement, "it's going to rain tomorrow", does not)."""
    said = _INTERJECTION.sub("", text)
    clauses = re.split(r"[,;.!]\s*", said)
    if _SUBJECT_FIRST.match(said) or any(_SAYS_WHAT_IS.match(c) for c in clauses):
        return None  # "Bloody wet out there today, the paddocks are like soup": how things are
    makers = [
        t for t in tools if intent.creates(t) and any(p.kind in TIME_KINDS for p in parameters.params_of(t))
    ]
    if len(makers) != 1:
        return None
    timed = [p for p in parameters.params_of(makers[0]) if p.kind in TIME_KINDS]
    # The verb is the thing's own ("call mum tomorrow" is a call to make), unless it only says
    # that something is arranged for a time ("schedule team lunch": the lunch is the thing).
    verb = next(iter(lexicon.name_words(makers[0].name)), "")
    arranged = _ARRANGING.match(text) is not None
    filled = arguments.fill(makers[0], text if arranged else f"{verb} {text}", now)
    if filled.missing or not any(p.name in filled.arguments for p in timed):
        return None
    values = [v for p in parameters.params_of(makers[0]) if p.kind in held.NAMING_KINDS
              and isinstance(v := filled.arguments.get(p.name), str)]  # fmt: skip
    if any(entities.held(v, known) for v in values):
        return None
    if semantic.just_chat(makers, text, _CHAT_NOT_NEW):
        return None  # "Good morning! Hope you had a nice weekend.": a time in what is only chat
    return makers[0], filled


_TO_DO = lexicon.concepts(lexicon.stem("errand"))
"""The idea of a thing to do (task, to-do, reminder, chore, errand), from the lexicon's groups."""
_ASKED_OF_US = lexicon.words("me us you yourself")
# After a verb comes its object; after "nice", "good" or "ta" comes one of these.
_NOT_AN_OBJECT = lexicon.words("and or very much so too really enough then one stuff thing though again")
_LONGEST_ERRAND = 16
"""Words in the longest bare errand ("email Sue about moving the rota to the week after next")."""
# Words that make a clause a statement (a subject and its verb), which an imperative has none of.
_FINITE = lexicon.words(
    "would will can could should might must shall is are was were am i'm it's that's he's she's they're we're"
    " you're there's i've we've they've i'd we'd"
)


def errand(
    tools: Sequence[ToolSpec], text: str, now: datetime, known: Sequence[str]
) -> tuple[ToolSpec, Filled] | None:
    """ "Buy batteries", "email Sue about the rota": a bare imperative that no tool is named or meant
    for, in an app whose one creating tool keeps things to do (its words say task, to-do or
    reminder), is a thing to do, added with its verb; not a statement, not words asked of the agent
    ("tell me a joke"), not a held thing, and not what sounds like chat."""
    if _SUBJECT_FIRST.match(_INTERJECTION.sub("", text)) or intent.is_question(text):
        return None
    makers = [t for t in tools if intent.creates(t) and _keeps_to_dos(t) and not held.adds_to_held(t)]
    words = lexicon.tokens(_INTERJECTION.sub("", text))
    if (
        len(makers) != 1
        or not 2 <= len(words) <= _LONGEST_ERRAND
        or words[0] in lexicon.STOPWORDS
        or words[0].isdigit()
    ):
        return None
    if words[1] in _ASKED_OF_US or words[1] in _NOT_AN_OBJECT or _FINITE & set(words):
        return None  # "tell me a joke"; "my nan would love you" is said of someone, not asked
    verb = next(iter(lexicon.name_words(makers[0].name)), "")
    filled = arguments.fill(makers[0], f"{verb} {text}", now)
    values = [v for p in parameters.params_of(makers[0]) if p.kind in held.NAMING_KINDS and p.required
              and isinstance(v := filled.arguments.get(p.name), str)]  # fmt: skip
    if filled.missing or not values or any(entities.held(v, known) for v in values):
        return None
    if semantic.just_chat(makers, text, _CHAT_MARGIN):
        return None  # "sing me a song", "guess what": said to the agent, not a thing to do
    return makers[0], filled


def _keeps_to_dos(tool: ToolSpec) -> bool:
    said = {lexicon.stem(w) for w in [*lexicon.name_words(tool.name), *lexicon.tokens(tool.description)]}
    return any(lexicon.concepts(w) & _TO_DO for w in said)


def by_meaning_alone(
    tools: Sequence[ToolSpec], text: str, choice: tuple[ToolSpec, Filled] | list[ToolSpec] | None
) -> bool:
    """Whether no tool was chosen, or one that only reads and that the words do not name (chosen
    by meaning alone): an imperative may then be an errand."""
    if choice is None:
        return True
    if isinstance(choice, list) or intent.writes(choice[0]):
        return False
    return all(m.score < routing.THRESHOLD for m in routing.rank([choice[0]], text))


def asked_to_change(text: str, choice: tuple[ToolSpec, Filled] | list[ToolSpec] | None) -> bool:
    """Whether the words chose a tool that changes a held thing, or the creating one by its own verb
    ("add buy milk tomorrow"): then a held thing among them is not what is changed."""
    if not isinstance(choice, tuple) or not intent.writes(choice[0]):
        return False
    return not intent.creates(choice[0]) or routing.starts_with_a_verb_of([choice[0]], text)


def placeholder_for(
    tools: Sequence[ToolSpec], choice: tuple[ToolSpec, Filled], text: str, now: datetime
) -> tuple[ToolSpec, Filled] | None:
    """ "I need to move something", "gotta delete a thing": a new thing would be named only by
    another tool's verb and a placeholder, so that tool is meant, and which thing is asked for."""
    tool, filled = choice
    name = held.target(tool, None) if intent.creates(tool) else None
    value = filled.arguments.get(name) if name is not None else None
    words = lexicon.tokens(value) if isinstance(value, str) else []
    if len(words) < 2 or not arguments.vague(" ".join(words[1:])):
        return None
    verb = lexicon.stem(routing.base_form(words[0]))
    meant = [
        t
        for t in tools
        if t is not tool and verb in (routing.verb_of(t), lexicon.stem(routing.described_verb(t)))
    ]
    return (meant[0], arguments.fill(meant[0], text, now)) if len(meant) == 1 else None


# "Read me everything", "go through the whole lot": all the things held, as the object of a request.
_EVERYTHING = re.compile(
    r"(?<!that's\s)(?<!that\sis\s)(?<!how's\s)(?<!how\sis\s)(?<!how\sare\s)\b(?:everything|all\s+of\s+(?:it|them)|the\s+(?:whole\s+)?lot)\b"
    r"(?!'s|\s+(?:is|was|ok|okay|fine|good|alright|else|done)\b)",
    re.I,
)


_ALL = re.compile(r"\b(?:all|every|everything)\b", re.I)


def everything(
    tools: Sequence[ToolSpec], text: str, now: datetime, known: Sequence[str]
) -> tuple[ToolSpec, Filled] | None:
    """ "Can you just read me everything, so I know where I stand?": all the things held, asked
    for with no verb of a tool that writes and no held thing named, are read by the tool that reads
    them all (one that needs no value; the nearest in meaning of several)."""
    if _EVERYTHING.search(text) is None or held.named_in(text, known) is not None:
        return None
    if routing.starts_with_a_verb_of([t for t in tools if intent.writes(t)], text):
        return None  # "delete everything", "mark all of them done"
    whole = [
        t for t in tools if not intent.writes(t) and not any(p.required for p in parameters.params_of(t))
    ]
    said_all = [t for t in whole if _ALL.search(t.description)]  # "List the open tasks: all, ..."
    whole = said_all or whole
    if not whole:
        return None
    tool = whole[_nearest(whole, text)]
    return tool, arguments.fill(tool, text, now)


def reading_all(
    tools: Sequence[ToolSpec], text: str, now: datetime, known: Sequence[str]
) -> tuple[ToolSpec, Filled] | None:
    """ "What do I even have to do?" tied between a tool that reads everything and one that reads
    a thing by its name: with no held thing named, everything is asked about."""
    if any(intent.writes(t) for t in tools) or held.named_in(text, known) is not None:
        return None
    whole = [t for t in tools if not any(p.required for p in parameters.params_of(t))]
    return (whole[0], arguments.fill(whole[0], text, now)) if len(whole) == 1 else None
