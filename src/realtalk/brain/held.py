"""Things the user holds (`known` names) and the words that refer to them: the parameter that names
the thing, a held name inside longer words, several held things named at once, "it" given to the
one tool that reads or changes a thing, and reopening a thing done."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from . import arguments, dialogue, entities, extract, intent, lexicon, openers, parameters, routing
from . import options as options_of
from .arguments import Filled
from .base import ToolSpec
from .parameters import Param

LONGEST_NAME = 200
"""Characters of the longest value compared with the held names as a whole."""
MAX_OPTIONS = 3
"""How many things "Which one do you mean: ...?" names (more is too many to hear)."""


def double_object(filled: Filled, name: str | None, known: Sequence[str]) -> Filled:
    """ "Tag the plumber call urgent", "label the report work": after the words of a held thing, the
    last word is the value of a list still missing (the thing is not called "... urgent")."""
    lists = [p for p in filled.missing if p.kind == "list"]
    value = filled.arguments.get(name) if name is not None else None
    if not lists or name is None or not isinstance(value, str) or len(value) > LONGEST_NAME:
        return filled
    *head, tail = value.split() or [""]
    thing = " ".join(head)
    if not head or not entities.held(thing, known) or entities.held(value, known):
        return filled
    if lexicon.stem(tail.lower()) in _POINTING:
        return filled  # "tag the vendor chasing thing": the word points at the thing, it is no tag
    if entities.closest(tail, [n for n in known if entities.held(thing, [n])]) is not None:
        return filled  # "tag the domain renewal": a form of the name's own word ("Renew the domain")
    values = {**filled.arguments, name: thing, lists[0].name: [tail]}
    return Filled(values, [p for p in filled.missing if p is not lists[0]], filled.invalid)


_POINTING = frozenset(lexicon.stem(w) for w in ("thing", "one", "stuff", "business", "item", "bit"))
_REOPEN = frozenset(lexicon.stem(w) for w in ("reopen", "undo", "undone", "unfinished"))


def reopener(tools: Sequence[ToolSpec]) -> tuple[ToolSpec, Param] | None:
    """The one tool with a flag that reopens a thing (its words say "reopen" or "undo"), and the flag."""
    found = [
        (tool, flag)
        for tool in tools
        for flag in parameters.params_of(tool)
        if flag.kind == "boolean" and flag.hints & _REOPEN and intent.writes(tool)
    ]
    return found[0] if len(found) == 1 and target(found[0][0], None) is not None else None


def reopen(tool: ToolSpec, flag: Param, text: str, known: Sequence[str]) -> tuple[ToolSpec, Filled] | None:
    """ "I haven't actually returned the blender yet": `tool` with its reopening `flag`, for the
    thing the words name."""
    name = target(tool, None)
    if name is None or not lexicon.content_stems(text) or entities.tied(text, known):
        return None
    # A thing done is no longer held (only open things are), so its words name it when no held name fits.
    held = entities.closest(text, known)
    thing = held.name if held is not None and held.sure else text
    return tool, Filled({name: thing, flag.name: True})


def several_held(value: str, known: Sequence[str]) -> list[str] | None:
    """ "both the plumber call and the gas bill": the held things a value names one by one, when it
    names several (and is not the name of one)."""
    if len(value) > LONGEST_NAME or entities.held(value, known):
        return None
    both = re.sub(r"^\W*both\s+", "", value, flags=re.I)
    parts = [p for p in re.split(r"\s*,\s*(?:and\s+)?|\s+and\s+", both) if p]
    matches = [entities.closest(p, known) for p in parts]
    names = {m.name for m in matches if m is not None and m.sure}
    return parts if 2 <= len(parts) <= MAX_OPTIONS and len(names) == len(parts) else None


_PREDICATES = lexicon.words("needs wants ought gotta under")
"""Words after a held name that say something of it ("Sam's PR needs doing by Wednesday", "put the
sweep under house")."""
_MAX_NAME_WORDS = 16
"""The most words searched for a held name inside a longer value (runs of them grow as its square)."""
_ARTICLES = frozenset({"the", "my", "a", "an", "our", "this", "that"})


def held_part(filled: Filled, name: str | None, known: Sequence[str]) -> Filled:
    """ "Bin the passport, I'm not doing it any more", "wait, is the plumber call done already?": of
    words that name a held thing among others, the thing is named by the longest run of them that is
    all its own (the words around it only went on)."""
    value = filled.arguments.get(name) if name is not None else None
    if (
        name is None
        or not isinstance(value, str)
        or len(value) > LONGEST_NAME
        or entities.held(value, known)
        or several_held(value, known)  # "the plumber call and the gas bill": each is named whole
    ):
        return filled
    words = value.split()[:_MAX_NAME_WORDS]
    runs = ((start, start + n) for n in range(len(words) - 1, 0, -1) for start in range(len(words) - n + 1))
    start, end = next((r for r in runs if entities.held(" ".join(words[r[0] : r[1]]), known)), (0, 0))
    while end - start > 1 and words[end - 1].lower() in lexicon.STOPWORDS:
        end -= 1  # "passport I'm not": the words that only went on
    while end - start > 1 and words[start].lower() in lexicon.STOPWORDS - _ARTICLES:
        start += 1  # "is the plumber call"
    return (
        replace(filled, arguments={**filled.arguments, name: " ".join(words[start:end])}) if end else filled
    )


def named_in(text: str, known: Sequence[str]) -> str | None:
    """The one held thing the words name surely among others ("The shower chair arrived, so ..."), or
    None: what "it" or "that one" stands for when the same utterance named it."""
    value = held_part(Filled({"thing": text}), "thing", known).arguments["thing"]
    match = entities.closest(value, known) if value != text else None
    if match is None or not match.sure or entities.tied(value, known):
        return None
    return match.name


def reading_one(tools: Sequence[ToolSpec], name: str | None) -> tuple[ToolSpec, Filled] | None:
    """The one tool that reads a thing by its name alone, to be given the thing referred to."""
    readers = [
        t
        for t in tools
        if not intent.writes(t)
        and [p.name for p in parameters.params_of(t) if p.required] == [target(t, name)]
    ]
    return (readers[0], Filled()) if len(readers) == 1 else None


def target(tool: ToolSpec, name: str | None) -> str | None:
    """The parameter of `tool` that names the thing referred to: `name` when it takes one so called,
    else its first required name-like parameter."""
    params = parameters.params_of(tool)
    if name is not None and any(p.name == name for p in params):
        return name
    return next((p.name for p in params if p.required and p.kind in NAMING_KINDS), None)


NAMING_KINDS = ("text", "entity", "name")


def by_reference(
    tools: Sequence[ToolSpec], text: str, now: datetime, entity: str | None
) -> tuple[ToolSpec, Filled] | None:
    """ "Put it on Saturday", "and tag it bills", "with a note: ...": about the thing just talked
    about, the one tool that takes it and whose other required values the words clearly give (a
    typed value, or a value named by the parameter's own word)."""
    said = set(lexicon.content_stems(text))
    found = []
    for tool in tools:
        params = parameters.params_of(tool)
        name = target(tool, entity)
        others = [p for p in params if p.required and p.name != name]
        if name is None or not others:
            continue
        filled = arguments.fill(tool, text, now)
        typed = parameters.TYPED_KINDS
        if all(p.name in filled.arguments and (p.kind in typed or p.words & said) for p in others):
            found.append((tool, filled))
    return found[0] if len(found) == 1 else None


def entity_param(last: dialogue.LastAction) -> str | None:
    """The parameter that named what the last action was about ("title"), if the result says."""
    return next((p.name for p in parameters.params_of(last.tool) if last.entity(p.name) is not None
                 and p.kind in NAMING_KINDS), None)  # fmt: skip


def held_reader(
    tools: Sequence[ToolSpec], text: str, now: datetime, known: Sequence[str]
) -> tuple[ToolSpec, Filled] | None:
    """The one tool that reads a thing by its name, for words that name exactly one of the
    things the tools hold (`known`) by their own words."""
    readers = [t for t in tools if not intent.writes(t) and [p.kind for p in parameters.params_of(t)
               if p.required] in (["text"], ["entity"], ["name"])]  # fmt: skip
    if len(readers) != 1 or not known:
        return None
    filled = arguments.fill(readers[0], text, now)
    name = next((p.name for p in parameters.params_of(readers[0]) if p.required), "")
    value = filled.arguments.get(name)
    if not isinstance(value, str) or entities.tied(value, known):
        return None
    match = entities.closest(value, known)
    return (readers[0], filled) if match is not None and match.sure else None


def small_talk_tag(text: str, known: Sequence[str]) -> bool:
    """ "Lovely day, isn't it?": a statement with a question tag that says nothing about the user or
    the things held is small talk (where "the report's due Friday, isn't it?" asks about a thing)."""
    statement = intent.tag_statement(text)
    if statement is None or _FIRST_PERSON.search(statement):
        return False
    said = set(lexicon.content_stems(statement))
    return not any(said & set(lexicon.content_stems(name)) for name in known)


_FIRST_PERSON = re.compile(r"\b(?:i|i'm|i've|i'd|me|my|mine|we|our|us)\b", re.I)


def renamer(tools: Sequence[ToolSpec], named_by: str | None = None) -> tuple[ToolSpec, str, str] | None:
    """The one tool that gives a held thing new words: (it, the parameter for the thing, the one for
    its new words), a changer whose other required value is named like the parameter that names
    things (`named_by`, or its own for the thing: "new_title" beside "title"; or the words a new
    thing is made with: "summary" beside "ticket" where a ticket is created with a summary)."""
    made_with = {
        w
        for t in tools
        if intent.creates(t)
        for p in parameters.params_of(t)
        if p.required and p.kind in NAMING_KINDS
        for w in lexicon.name_words(p.name)
    }
    found = []
    for tool in tools:
        which = target(tool, None)
        others = [p for p in parameters.params_of(tool) if p.required and p.name != which]
        if which is None or not intent.writes(tool) or intent.creates(tool) or len(others) != 1:
            continue
        words = set(lexicon.name_words(named_by)) if named_by else {*lexicon.name_words(which), *made_with}
        if others[0].kind in NAMING_KINDS and words & set(lexicon.name_words(others[0].name)):
            found.append((tool, which, others[0].name))
    return found[0] if len(found) == 1 else None


def filters_by(tool: ToolSpec, name: str) -> bool:
    """Whether `name` is an optional filter of a tool that reads ("tagged family"), not a thing's name."""
    param = next((p for p in parameters.params_of(tool) if p.name == name), None)
    return param is not None and not param.required and not intent.writes(tool)


# "add 'X' ...", "Abeg, add 'X'": a verb and a quote, after a word set apart or the usual openers.
_VERB_THEN_QUOTE = re.compile(
    r"^\W*(?:[\w']+\s*,\s*)?" + openers.run() + r"(?:please\s+)?(?P<verb>[a-z]+)\s+['\"‘“]", re.I
)


def named_better(
    chosen: tuple[ToolSpec, Filled] | list[ToolSpec] | None,
    by_value: tuple[ToolSpec, Filled],
    known: Sequence[str],
) -> bool:
    """ "Slap an outdoor tag on the heat pump": the words chose the same tool `changed_by_value` did,
    but took for the thing words that are no held thing's own ("Slap on the heat pump"), where the
    value named the held thing surely: the held thing's name is the better."""
    if not isinstance(chosen, tuple) or chosen[0] is not by_value[0]:
        return False
    name = target(chosen[0], None)
    value = chosen[1].arguments.get(name) if name is not None else None
    return isinstance(value, str) and not entities.held(value, known)


def changed_by_value(
    tools: Sequence[ToolSpec], text: str, now: datetime, known: Sequence[str]
) -> tuple[ToolSpec, Filled] | None:
    """ "Make the train tickets the day after tomorrow": words that name one held thing surely and
    give a typed value (a date, an option) that exactly one tool changing a held thing takes beside
    it ask for that tool; the thing is the held name."""
    if len(text) > LONGEST_NAME or not known:
        return None
    quoted = _VERB_THEN_QUOTE.match(text)
    if quoted is not None and (
        lexicon.concepts(lexicon.stem(quoted["verb"].lower())) & lexicon.concepts(lexicon.stem("add"))
        or any(intent.creates(t) and routing.verb_of(t) == quoted["verb"].lower() for t in tools)
    ):
        return None  # "add 'bleed the heat pump' for Monday": words quoted after adding are a new thing's
    named = held_part(Filled({"thing": text}), "thing", known).arguments["thing"]
    match = entities.closest(named, known) if named != text else None
    if match is None or not match.sure or entities.tied(named, known):
        return None
    before, _, after = text.partition(named)
    following = next(iter(lexicon.tokens(after)), "")
    changers = [t for t in tools if intent.writes(t) and not intent.creates(t)]
    own = {lexicon.stem(w) for w in lexicon.tokens(match.name)}
    enums = [p for t in changers for p in parameters.params_of(t) if p.spec.get("enum")]
    # an option said outright ("high") or by a word its description gives it ("high if urgent")
    options = {str(o).lower() for p in enums for o in p.spec["enum"]} | {
        w.lower() for p in enums for w in options_of.described_words(p.spec) if " " not in w
    }
    when = extract.when(extract.Utterance(after, now), "datetime") if following in _ARTICLES else None
    if (following in _ARTICLES and (when is None or min(a for a, _ in when.spans) > 1)) or (
        following
        and following not in lexicon.STOPWORDS | options | _PREDICATES
        and lexicon.stem(following) not in own
    ):
        return None  # "call | the plumber": the words go on naming something else
    rest = f"{before} {after}"
    found = []
    for tool in changers:
        name = target(tool, None)
        others = [p for p in parameters.params_of(tool) if p.required and p.name != name]
        filled = arguments.fill(tool, rest, now)
        if (
            name is not None
            and others
            # a list is filled only beside its own name ("a money label"), as sure as a typed value
            and all(
                p.kind in {*parameters.TYPED_KINDS, "list"} and p.name in filled.arguments for p in others
            )
        ):
            found.append((tool, Filled({**filled.arguments, name: match.name})))
    return found[0] if len(found) == 1 else None


# "the headphones are clean", "the car's washed now": a thing, then a state.
_STATE = re.compile(
    r"^\W*"
    + openers.run()
    + r"(?P<thing>[\w' -]{2,60}?)(?:\s+(?:is|are)|'s|'re)\s+(?:now\s+|all\s+|finally\s+)?"
    r"(?P<state>[a-z]+)(?:\s+(?:up|out|off|down))?(?:\s+(?:now|too|as\s+well|already))?\W*$",
    re.I,
)


def done_as_named(text: str, known: Sequence[str]) -> bool:
    """ "The headphones are clean" of "Clean the headphones": a held thing said to be in the state its
    own first word (its verb) names, as said or as done ("clean", "cleaned"), is done."""
    found = _STATE.match(text) if len(text) <= LONGEST_NAME else None
    match = entities.closest(found["thing"], known) if found is not None else None
    if found is None or match is None or not match.sure or entities.tied(found["thing"], known):
        return False
    verb = lexicon.stem((lexicon.tokens(match.name) or [""])[0])
    state = found["state"].lower()
    return verb in {lexicon.stem(state), lexicon.stem(re.sub(r"(?:ed|d)$", "", state))}


def adds_to_held(tool: ToolSpec) -> bool:
    """Whether the tool adds to a thing held already ("add a note to a task": its "which task")."""
    return any(p.required and parameters.names_a_held_thing(p) for p in parameters.params_of(tool))


_OBLIGED = re.compile(
    r"^\W*" + openers.run() + r"(?:i|we)\s+(?:need|have|want|ought|'ve\s+got|got|must)\s+(?:to\s+)?"
    r"(?P<rest>(?P<verb>[a-z]+)\s+(?P<object>[^,.;!?]+))",
    re.I,
)


def own_change(tools: Sequence[ToolSpec], text: str, known: Sequence[str]) -> str | None:
    """ "I need to move the call": what one must do to a held thing with a tool's own verb is a
    request for that tool ("move the call"), not a new thing to remember."""
    found = _OBLIGED.match(text)
    if found is None or not known:
        return None
    verb = routing.base_form(found.group("verb").lower())
    changers = [t for t in tools if intent.writes(t) and not intent.creates(t)]
    if not any(verb in (routing.verb_of(t), routing.described_verb(t)) for t in changers):
        return None
    thing = found.group("object")[:LONGEST_NAME]
    match = entities.closest(thing, known)
    named = entities.tied(thing, known) or (match is not None and match.sure)
    return found.group("rest") if named else None


# "The shower chair arrived, so please delete that one": clauses, and "that one" in the last.
_CLAUSE = re.compile(r"\s*[,;:.!]\s*(?:(?:so|and|then|but)\s+)?|\s+(?:so|and\s+then)\s+", re.I)
# Only "that one": "it" after a story is read with the whole ("bin the X, I'm not doing it any more");
# but a question's "it" asks about the thing before it ("The school fees, when is it due?").
_POINTER = re.compile(r"\b(?:that|this)\s+one\b", re.I)
_ASKED_IT = re.compile(r"\bit\b", re.I)
_ASKS = re.compile(r"^\W*(?:when|what|where|which|how|is|was|has|had|did|does|are|were)\b", re.I)


def named_before(text: str, known: Sequence[str]) -> str | None:
    """The last clause, its "that one" put as the held thing an earlier clause surely
    names ("delete Shower chair", from "The shower chair arrived, so please delete that one"), or None."""
    clauses = [c for c in _CLAUSE.split(text[:LONGEST_NAME]) if c.strip()]
    last = clauses[-1] if len(clauses) >= 2 else ""
    asks = _ASKS.match(last) is not None and intent.is_question(last)
    pointer = _POINTER.search(last) or (_ASKED_IT.search(last) if asks else None)
    if pointer is None:
        return None
    for clause in clauses[:-1]:
        named = held_part(Filled({"thing": clause}), "thing", known).arguments["thing"]
        match = entities.closest(named, known) if named != clause or entities.held(clause, known) else None
        if match is not None and match.sure and not entities.tied(named, known):
            # A question keeps the words it was asked with ("when is the school fees due?").
            said = named if pointer.re is _ASKED_IT else match.name
            return f"{last[: pointer.start()]}{said}{last[pointer.end() :]}"
    return None


# "The plumber can't come tomorrow, make it Thursday at 2", "guitar practice, make it 8 instead", "let's
# do the accountant call on Friday at 4pm instead", "can the vet call happen at nine instead of half
# ten?": a held thing, then the value it is to have now (the old one, if said, goes).
_MADE = re.compile(
    r"^\W*(?P<thing>[^,;.]{2,80}?)(?:\s+(?:can't|cannot|won't|isn't|is\s+not|doesn't|does\s+not)\b[^,;.]*)?\s*[,;.]\s*"
    r"(?:(?:so|but|and|then|actually)\s+)?(?:(?:let's|can\s+you|could\s+you|please)\s+)?"
    r"(?:make|change|set)\s+(?:it|that)\s+(?:to\s+)?(?P<value>[^,;.]+?)(?:\s+instead)?\W*$"
    r"|^\W*(?:let's\s+(?:do|have)|(?:can|could)\s+(?:we|you)\s+(?:do|have))\s+(?P<thing_done>[^,;.]+?)\s+"
    r"(?:on|at|for)\s+(?P<value_done>[^,;.]+?)\s+instead\W*$"
    r"|^\W*(?:can|could)\s+(?P<thing_be>[^,;.]+?)\s+(?:happen|be|go)\s+(?:on|at|for)\s+(?P<value_be>[^,;.?!]+?)"
    r"\s+instead(?:\s+of\s+[^,;.?!]+)?\W*$",
    re.I,
)


# "Can you make Lily's dentist quarter past three instead?": the thing and its value run together.
_MADE_RUN = re.compile(
    r"^\W*(?:(?:can|could|would|will)\s+you\s+|please\s+)*(?:make|have|put|set)\s+(?P<run>[^,;.?!]{3,120}?)\s+instead\W*$",
    re.I,
)


def made_instead(text: str, known: Sequence[str]) -> str | None:
    """ "change X to V" for a held thing X said with the value V it is to have instead, or None."""
    found = _MADE.match(text)
    run = _MADE_RUN.match(text) if found is None else None
    if run is not None:  # the fewest words that surely name a held thing, when none of it is left over
        words = run.group("run").split()
        for cut in range(1, len(words)):
            thing, value = " ".join(words[:cut]), " ".join(words[cut:])
            match = entities.closest(thing, known)
            if (
                match is not None
                and match.sure
                and not set(lexicon.content_stems(value)) & set(lexicon.content_stems(match.name))
            ):
                return None if entities.tied(thing, known) else f"change {thing} to {value}"
        return None
    if found is None:
        return None
    thing = found.group("thing") or found.group("thing_done") or found.group("thing_be")
    value = found.group("value") or found.group("value_done") or found.group("value_be")
    if re.match(r"(?:a|an)\s", value, re.I):
        return None  # "make it a priority": what it is to be, which the words say as they stand
    match = entities.closest(thing, known)
    if match is None or not match.sure or entities.tied(thing, known):
        return None
    return f"change {thing.strip()} to {value.strip()}"


# "The smoke alarm needs a new battery by Friday": something a thing needs, said of no held thing, is a
# new thing to do (of a held thing it is a change: "Sam's PR needs doing by Wednesday").
_NEEDS = re.compile(r"^\W*(?:the|my|our)\s+(?P<thing>[\w' -]{2,40}?)\s+(?:needs|wants)\s+(?!to\b)\w", re.I)


def new_need(tools: Sequence[ToolSpec], text: str, known: Sequence[str]) -> str | None:
    """ "add X" for a statement of what an unheld thing needs, when one tool creates, or None."""
    found = _NEEDS.match(text)
    if found is None or sum(intent.creates(t) and not adds_to_held(t) for t in tools) != 1:
        return None
    match = entities.closest(found.group("thing"), known)
    return (
        None
        if match is not None and (match.sure or entities.tied(found.group("thing"), known))
        else f"add {text}"
    )


# "Change the pandesal to ensaymada, same time": a held thing changed to words, not to a moment.
_CHANGED_TO = re.compile(
    r"^\W*"
    + openers.run(also=("please",))
    + r"(?:change|switch|swap|turn)\s+(?P<old>[^,.;!?]+?)\s+(?:to|into|for)\s+"
    r"(?P<new>[^,.;!?]+)",
    re.I,
)


def renamed_instead(
    tools: Sequence[ToolSpec], chosen: tuple[ToolSpec, Filled], text: str, now: datetime, known: Sequence[str]
) -> tuple[ToolSpec, Filled] | None:
    """The tool that gives a held thing new words, when the tool chosen still wants a value (a
    moment, or the new words) and "change X to Y" gives words that are no moment: Y takes X's place
    in its name."""
    found = _CHANGED_TO.match(text)
    renaming = renamer(tools)
    if found is None or renaming is None or not chosen[1].missing:
        return None
    if chosen[0] is not renaming[0] and not any(p.kind in parameters.TYPED_KINDS for p in chosen[1].missing):
        return None
    old, new = found["old"].strip(), found["new"].strip()
    match = entities.closest(old, known)
    if match is None or not match.sure or entities.tied(old, known):
        return None
    if extract.when(extract.Utterance(new, now), "datetime") is not None:
        return None  # "change the dentist to Friday" is a move
    tool, which, words = renaming
    bare = re.sub(r"^(?:the|my|our)\s+", "", old, flags=re.I)
    at = match.name.lower().find(bare.lower())
    renamed = match.name[:at] + new + match.name[at + len(bare) :] if at >= 0 else new
    return tool, Filled({which: match.name, words: renamed})
