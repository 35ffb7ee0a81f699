"""Answers to what the last action asked or did: "yes" and "no" to its question, "the other one",
"another", "I meant almond milk", "no, make it Thursday", "and the dentist one too", "push it back an
hour", "call it clean up the wiki". Each is worked out from the last tool call and its result
(`dialogue.LastAction`), and its calls are checked against the schema like any other."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from . import (
    arguments,
    dialogue,
    entities,
    extract,
    free_text,
    held,
    intent,
    lexicon,
    moves,
    parameters,
    replies,
    routing,
    validation,
)
from .arguments import Filled
from .base import BrainEvent, ToolCall, ToolSpec

if TYPE_CHECKING:
    from .builtin import Turn

_BARE_HOUR = re.compile(r"^\W*(?:1[0-2]|[1-9])(?::[0-5]\d)?\s*(?:[ap]\.?m\.?)?\W*$", re.I)


def answer(turn: Turn, text: str) -> list[BrainEvent] | None:
    """An answer to what the last action asked or did: "yes", "no", "the other one", "another".

    Its calls are built from a result's values, so they are checked against the schema too."""
    events = _events(turn, text)
    if events is None or turn.last is None:
        return events
    schemas = {t.name: t.parameters for t in turn.tools}  # a follow-up may call another tool
    calls = [e for e in events if isinstance(e, ToolCall)]
    if any(
        validation.call_problem(schemas.get(c.name, turn.last.tool.parameters), json.loads(c.arguments))
        for c in calls
    ):
        return replies.say("Sorry, I'm not sure which one you mean. Could you say its name?")
    return events


def _events(turn: Turn, text: str) -> list[BrainEvent] | None:
    last = turn.last
    if last is None:
        return None
    entity = held.entity_param(last)
    others = [a for a in last.alternatives() if entity is None or a != last.entity(entity)]
    confirm = dialogue.confirmation_param(last.tool)
    pending = last.asked and confirm is not None and not last.arguments.get(confirm)
    undo = last.undo()
    if dialogue.asks_undo(text):
        return (
            [replies.call(last.tool, undo)]
            if undo
            else replies.say("Sorry, I can't undo that. Anything else?")
        )
    if undo and _back_to_before(text, last, undo):  # "Hmm, no, the curtain after all."
        return [replies.call(last.tool, undo)]
    again = _read_again(turn, text, last)
    if again is not None:
        return again
    renamed = _renamed(turn, text, last, entity)
    if renamed is not None:
        return renamed
    shifted = moves.shifted(turn.tools, text, last, entity, turn.now)
    if shifted is not None:
        return shifted
    redone = _undone_for_another(turn, text, last, undo, pending)
    if redone is not None:
        return redone
    instead = (
        dialogue.meant_instead(text)
        or _held_instead(turn, text, last, entity)
        or _words_instead(turn, text, last, entity)
    )
    if instead is not None and entity is not None:
        amended = _amend(turn, instead, corrects=True)  # "I meant 5 pm": a value, not another thing
        if amended is not None:
            return amended
        renaming = held.renamer(turn.tools, entity) if intent.creates(last.tool) and not undo else None
        if renaming is not None:  # "sorry, I meant almond milk" after adding oat milk: its new words
            tool, which, words = renaming
            return [replies.call(tool, {which: last.entity(entity), words: instead})]
        renamer = held.renamer(turn.tools, entity) or held.renamer(turn.tools)
        if (
            renamer is not None and renamer[0].name == last.tool.name
        ):  # "no, I meant 'back up the laptop too'" after renaming: other new words
            tool, which, words = renamer
            return [
                replies.call(tool, {which: last.arguments.get(words) or last.entity(entity), words: instead})
            ]
        calls = [replies.call(last.tool, undo)] if undo and not pending else []
        return [*calls, replies.call(last.tool, {**last.arguments, entity: instead})]
    also = dialogue.also_for(text)
    more = _one_more(turn, last, entity, also) if also is not None and entity is not None else None
    if more is not None:
        return more
    if also is not None and entity is not None:  # "and the dentist one too": the same for another
        return [replies.call(last.tool, {**({} if _makes_new(last.tool) else last.arguments), entity: also})]
    if dialogue.means_other(text) and others and entity is not None:
        calls = [replies.call(last.tool, undo)] if undo and not pending else []
        return [*calls, replies.call(last.tool, {**last.arguments, entity: others[0]})]
    other = other_held(turn, text)
    if other is not None and entity is not None and not intent.writes(last.tool):
        return [replies.call(last.tool, {**last.arguments, entity: other})]  # "and the other call?"
    if pending and confirm is not None:
        if dialogue.says_yes(text):
            exact = {entity: last.entity(entity)} if entity is not None else {}
            return [replies.call(last.tool, {**last.arguments, **exact, confirm: True})]
        other = _other_named(turn, text, last.entity(entity)) if entity is not None else None
        if other is not None and entity is not None:  # "no no, I want to delete the balcony, not the rent"
            return [replies.call(last.tool, {**last.arguments, entity: other})]
        if dialogue.says_no(text):
            return replies.say("Okay, I'll leave it as it is. Anything else?")
        named = _named_among(turn, text, [last.entity(entity), *others] if entity is not None else [])
        if named is not None and entity is not None:  # "Uncle Tom." to "delete Ring Uncle Tom?": asked again
            return [replies.call(last.tool, {**last.arguments, entity: named})]
    rest = dialogue.correction(text)
    hour = extract.words_to_numbers(rest.strip(" .!?")) if rest is not None else ""
    if _BARE_HOUR.match(hour):
        rest = f"at {hour}"  # "no, 6" or "make it ten." after a time: the hour
    amended = _amend(turn, rest or text, corrects=rest is not None) if not pending else None
    if amended is not None:
        return amended
    required = [p for p in parameters.params_of(last.tool) if p.required]
    if not required and dialogue.asks_again(text) and len(lexicon.tokens(text)) <= 6:
        return [replies.call(last.tool, last.arguments)]  # "another one": a hint, a joke, a fact
    return None


# "And tomorrow?", "what about Friday?", "how about for work then?": the same again, for another value.
_AND_FOR = re.compile(
    r"^\W*(?:(?:and|so|ok(?:ay)?|right)\W+)*(?:(?:what|how)\s+about|and|what\s+of)\b\W*(?:for\s+)?", re.I
)
_AND_FOR_WORDS = 4


def _read_again(turn: Turn, text: str, last: dialogue.LastAction) -> list[BrainEvent] | None:
    """ "Give me a rundown of today." ... "And tomorrow?": after a reading, a few words that only
    give another value for one of its typed or optional parameters read again with it."""
    lead = _AND_FOR.match(text)
    if intent.writes(last.tool) or lead is None:
        return None
    rest = text[lead.end() :]
    if not 0 < len(lexicon.tokens(rest)) <= _AND_FOR_WORDS or dialogue.ordinal(rest) is not None:
        return None  # "what about the first one?" is about a thing read out, not another reading
    filled = arguments.fill(last.tool, rest, turn.now)
    given = {
        p.name: filled.arguments[p.name]
        for p in parameters.params_of(last.tool)
        if p.name in filled.arguments and (p.kind in parameters.TYPED_KINDS or not p.required)
    }
    if not given or all(last.arguments.get(k) == v for k, v in given.items()):
        return None
    # "What's overdue?" ... "And what about tomorrow?": the new value asks in place of the old filters
    required = {p.name for p in parameters.params_of(last.tool) if p.required}
    return [replies.call(last.tool, {**{k: v for k, v in last.arguments.items() if k in required}, **given})]


def _undone_for_another(
    turn: Turn, text: str, last: dialogue.LastAction, undo: dict[str, Any] | None, pending: bool
) -> list[BrainEvent] | None:
    """ "No, sorry, put the tap back how it was, I meant add a new one for the shower": what was
    meant is a request of its own (it opens with a tool's verb), so the last change is undone and
    that request made instead."""
    meant = dialogue.meant_instead(text)
    verb = routing.base_form(next(iter(lexicon.tokens(meant or "")), ""))
    verbs = {v for t in turn.tools for v in (routing.verb_of(t), routing.described_verb(t))}
    if meant is None or not undo or pending or not {verb, lexicon.stem(verb)} & verbs:
        return None
    choice = turn.route(meant)
    if not isinstance(choice, tuple) or choice[1].missing:
        return None
    tool, filled = choice
    values = {**filled.arguments, **_the_one_meant(tool, filled, last)}
    if validation.call_problem(tool.parameters, values):
        return None
    return [replies.call(last.tool, undo), replies.call(tool, values)]


def _the_one_meant(tool: ToolSpec, filled: Filled, last: dialogue.LastAction) -> dict[str, str]:
    """ "A new one for the shower" after renaming the tap to "fix the shower": the new thing is
    called by the words given to the wrong one, when its own words are some of them."""
    name = held.target(tool, None) if intent.creates(tool) else None
    said = filled.arguments.get(name) if name is not None else None
    if name is None or not isinstance(said, str):
        return {}
    words = set(lexicon.content_stems(said)) - {"one"}
    entity = held.entity_param(last)
    given = [v for k, v in last.arguments.items() if k != entity and isinstance(v, str)]
    shared = [v for v in given if words <= set(lexicon.content_stems(v))]
    return {name: shared[0]} if len(shared) == 1 else {}


def _renamed(turn: Turn, text: str, last: dialogue.LastAction, entity: str | None) -> list[BrainEvent] | None:
    """ "No wait, call it clean up the wiki": new words for the thing just named or created, given
    to the tool that takes a thing's new words (the last one again, when it was that tool)."""
    words = dialogue.new_words(dialogue.correction(text) or text) or _new_words_to(turn, text)
    value = last.entity(entity) if entity is not None else None
    renaming = held.renamer(turn.tools, entity) if words is not None and entity is not None else None
    if words is None or value is None or renaming is None:
        return None
    words = dialogue.in_place(value, words)  # "make that cat food" after "buy dog food"
    tool, which, new = renaming
    if tool.name == last.tool.name:
        return [replies.call(tool, {**last.arguments, new: words})]
    # After adding it, or reading it ("you know the ring Mum one?"): the thing itself gets them.
    told = intent.creates(last.tool) or not intent.writes(last.tool)
    return [replies.call(tool, {which: value, new: words})] if told else None


def _new_words_to(turn: Turn, text: str) -> str | None:
    """The words "change it to X" gives, when X is new words for the thing: no value a tool that
    changes things takes (a day, an option), and no other held thing ("change it to the vet one")."""
    words = dialogue.changed_to(text)
    made = dialogue.made_into(text) if words is None else None
    thing = turn.last.entity(held.entity_param(turn.last) or "") if turn.last is not None else None
    if (
        made is not None
        and thing is not None
        and set(lexicon.content_stems(made)) & set(lexicon.content_stems(thing))
    ):
        words = made  # "make that cat food": words in place of some of the thing's own
    if words is None or entities.held(words, turn.request.known) or _gives_a_value(turn, words):
        return None
    return words


def _gives_a_value(turn: Turn, words: str) -> bool:
    """Whether words give a value a tool that changes things takes (a day, an option)."""
    changers = [t for t in turn.tools if intent.writes(t) and not intent.creates(t)]
    return any(
        p.kind in parameters.TYPED_KINDS and p.name in arguments.fill(tool, words, turn.now).arguments
        for tool in changers
        for p in parameters.params_of(tool)
    )


_AFTER_ALL = re.compile(r"\bafter\s+all\b|\b(?:go|put\s+it|change\s+it|set\s+it)\s+back\s+to\b", re.I)


def _back_to_before(text: str, last: dialogue.LastAction, undo: dict[str, Any]) -> bool:
    """ "No, the curtain after all" after renaming the curtain: words that name what the last change
    took away (a value it replaced, not the thing it was about), said as going back to it, undo it."""
    if _AFTER_ALL.search(text) is None:
        return False
    entity = held.entity_param(last)

    def words(values: dict[str, Any]) -> set[str]:
        return {
            w
            for k, v in values.items()
            if k != entity and isinstance(v, str)
            for w in lexicon.content_stems(v)
        }

    return bool(set(lexicon.content_stems(text)) & (words(undo) - words(last.arguments)))


def _makes_new(tool: ToolSpec) -> bool:
    """Whether a tool makes a new thing (a note it adds goes on a held one)."""
    return intent.creates(tool) and not held.adds_to_held(tool)


def _one_more(turn: Turn, last: dialogue.LastAction, entity: str, also: str) -> list[BrainEvent] | None:
    """ "Oh, and Harvard referencing too" after a note on the essay: words that name no held thing
    are one more of the words the last change gave the same thing (a note, a tag), when it gave
    one such value."""
    value = last.entity(entity)
    if value is None or _makes_new(last.tool):
        return None
    if entities.held(also, turn.request.known):
        return None  # "and the dentist one too": the same change for another thing
    given = [
        p
        for p in parameters.params_of(last.tool)
        if p.name != entity and p.kind in ("text", "list") and last.arguments.get(p.name)
    ]
    if len(given) != 1:
        return None
    words: object = [also] if given[0].kind == "list" else also
    return [replies.call(last.tool, {entity: value, given[0].name: words})]


_OTHER_KIND = re.compile(r"\bthe\s+other\s+(?P<kind>[a-z]{3,})\b", re.I)


def other_held(turn: Turn, text: str) -> str | None:
    """ "When am I ringing the merchant?" ... "and the other call?": the one other held thing that
    shares the word said with the thing just read, or None."""
    last, said = turn.last, _OTHER_KIND.search(text)
    entity = held.entity_param(last) if last is not None else None
    thing = last.entity(entity) if last is not None and entity is not None else None
    if said is None or thing is None or said["kind"].lower() == "one":
        return None
    kind = lexicon.stem(said["kind"])
    if kind not in lexicon.content_stems(thing):
        return None
    same = set(lexicon.content_stems(thing))
    others = [
        k
        for k in turn.request.known
        if kind in lexicon.content_stems(k) and set(lexicon.content_stems(k)) != same
    ]
    return others[0] if len(others) == 1 else None


def _named_among(turn: Turn, text: str, names: Sequence[str | None]) -> str | None:
    """The one of `names` (a thing asked about, its alternatives) that words alone name: no verb
    of a tool, only the thing's own words ("Uncle Tom.", "the plumber one")."""
    options = [n for n in names if n]
    if not options or routing.starts_with_a_verb_of(turn.tools, text) or intent.is_question(text):
        return None
    return _only_named(text, options)


def _held_instead(turn: Turn, text: str, last: dialogue.LastAction, entity: str | None) -> str | None:
    """ "No, the plumber": after a lead-in that says the last thing was the wrong one, words
    that name another held thing are the one meant."""
    named = dialogue.named_after_wrong(text)
    value = last.entity(entity) if entity is not None else None
    if named is None or value is None or not entities.held(named, turn.request.known):
        return None
    return None if entities.held(named, [value]) else named


_BEFORE_A_MOMENT = frozenset(
    {"and", "oh", "um", "uh", "so", "ok", "okay", "on", "for", "by", "at", "due", "its", "it's"}
)


def _opens_with_a_moment(text: str, turn: Turn) -> bool:
    """ "Wednesday, before my shift, say half six" after adding a thing: words that open with when
    go on with the new thing, whatever held thing the words after them mention."""
    found = extract.when(extract.Utterance(text, turn.now), "datetime")
    if found is None:
        return False
    start = min(a for a, _ in found.spans)
    return all(w in _BEFORE_A_MOMENT for w in lexicon.tokens(text[:start]))


def _amend(turn: Turn, text: str, corrects: bool) -> list[BrainEvent] | None:
    """A correction of the last change, or values that go on with it ("no, make it Thursday",
    "actually high priority", "I meant 5 pm", "tomorrow at 7" after adding): the same change made
    again with the values the words give (a time alone keeps the day); for a thing just created,
    the one tool that sets those values on it. Values alone go on with it; other words only after
    a correction's lead-in ("no", "actually") that could not be a new request."""
    last = turn.last
    entity = held.entity_param(last) if last is not None else None
    if last is None or entity is None or intent.is_question(text):
        return None  # a question never writes
    if not intent.writes(last.tool) and held.filters_by(last.tool, entity):
        return None  # after a listing, values go on with no one thing
    text = free_text.without_body(text)  # "add a note to it: the number is 0207 946 0321": no new time
    once_more = not corrects and _again_for_it(turn, text, last, entity)
    if not corrects and not once_more and intent.reports_done(text):
        return None  # "well I did it this morning, so tick it off": done, not a new moment
    if (
        not corrects
        and not (intent.creates(last.tool) and _opens_with_a_moment(text, turn))
        and not once_more
        and any(m.score >= routing.THRESHOLD for m in routing.rank(turn.tools, text))
    ):
        return None  # a request of its own
    value = last.entity(entity)
    if not intent.creates(last.tool):
        filled = arguments.fill(last.tool, text, turn.now)
        given = {
            p.name: filled.arguments[p.name]
            for p in parameters.params_of(last.tool)
            if p.name != entity and p.name in filled.arguments and p.kind in parameters.TYPED_KINDS
        }
        if given:
            kept = {k: dialogue.keep_day(last.arguments.get(k), v, text) for k, v in given.items()}
            again = Filled({**last.arguments, entity: value, **kept})
            return replies.act(last.tool, turn.settled(last.tool, again, text, value))
    changers = [t for t in turn.tools if intent.writes(t) and not intent.creates(t)]
    found = held.by_reference(changers, text, turn.now, entity)
    if found is None:
        return None
    tool, filled = found
    kept = {k: dialogue.keep_day(last.arguments.get(k), v, text) for k, v in filled.arguments.items()}
    return replies.act(tool, turn.settled(tool, Filled({**kept, entity: value}), text, value))


def _other_named(turn: Turn, text: str, asked: str | None) -> str | None:
    """The other held thing a "no" to our question about `asked` goes on to name ("No no, sorry, I
    want to delete the balcony, not the rent"; "no wait, the pipe bender, not the MOT"), or None."""
    rest = dialogue.correction(text) if dialogue.says_no(text) else None
    named = (
        (held.named_in(rest, turn.request.known) or _only_named(rest, turn.request.known)) if rest else None
    )
    return named if named is not None and asked is not None and not entities.held(named, [asked]) else None


def _only_named(words: str, known: Sequence[str]) -> str | None:
    """The held thing words that are only its name ("the pipe bender") surely name, or None."""
    match = entities.closest(words, known)
    return match.name if match is not None and match.sure and not entities.tied(words, known) else None


def _words_instead(turn: Turn, text: str, last: dialogue.LastAction, entity: str | None) -> str | None:
    """ "Wait no, chem test revision" after renaming chem homework to chem revision: after a lead-in
    that refuses or amends, words that restate some of the words the last change gave (a new name,
    or the thing it made) and are no held thing, no request and no value a changing tool takes are
    the words meant in their place."""
    rest = dialogue.amended(text)
    if rest is None or entity is None:
        return None
    given = [
        v
        for p in parameters.params_of(last.tool)
        if (p.name != entity or intent.creates(last.tool)) and p.kind in held.NAMING_KINDS
        for v in [last.arguments.get(p.name)]
        if isinstance(v, str)
    ]
    restated = set(lexicon.content_stems(rest)) & {w for v in given for w in lexicon.content_stems(v)}
    if not restated or intent.is_question(rest) or routing.starts_with_a_verb_of(turn.tools, rest):
        return None
    changed = [set(lexicon.content_stems(v)) for v in given]  # the thing itself, as it now stands
    others = [k for k in turn.request.known if set(lexicon.content_stems(k)) not in changed]
    if dialogue.refers_back(rest) or dialogue.means_other(rest) or entities.held(rest, others):
        return None
    return None if _gives_a_value(turn, rest) else rest


def _again_for_it(turn: Turn, text: str, last: dialogue.LastAction, entity: str) -> bool:
    """ "On reflection, I have overstated matters; medium will suffice" after setting the priority:
    the words ask for the change just made, with another value and no other held thing, so they
    amend it (the rest of the words name nothing)."""
    if not intent.writes(last.tool) or intent.creates(last.tool):
        return False
    filled = arguments.fill(last.tool, text, turn.now)
    given = [
        p.name
        for p in parameters.params_of(last.tool)
        if p.kind in parameters.TYPED_KINDS
        and p.name in filled.arguments
        and filled.arguments[p.name] != last.arguments.get(p.name)
    ]
    name = filled.arguments.get(entity)
    return bool(given) and not (isinstance(name, str) and entities.held(name, turn.request.known))
