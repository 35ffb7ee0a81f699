"""Which tool a turn's utterance asks for: the thing just talked about for "it", a move earlier or
later, a held thing and a value one tool changes, a question for the tools that only read, and the
held thing's own words put in for the tool's "which" parameter (`route`)."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING

from . import (
    arguments,
    choosing,
    codes,
    dialogue,
    entities,
    free_text,
    handoff,
    held,
    intent,
    lookup,
    moves,
    parameters,
    routing,
    semantic,
    story,
)
from .arguments import Filled
from .base import ToolSpec

if TYPE_CHECKING:
    from .builtin import Turn


def route(turn: Turn, text: str) -> tuple[ToolSpec, Filled] | list[ToolSpec] | None:
    """The tool the utterance asks for: only tools that read for a question; the thing just
    talked about for "it"; a report that something is done as a request to mark it so."""
    helper = handoff.helper(turn.tools, text)
    if helper is not None:  # "can somebody help me organise my day?": the agent for that
        return helper, Filled({})
    text = (
        held.made_instead(text, turn.request.known)
        or held.new_need(turn.tools, text, turn.request.known)
        or text
    )
    question = intent.is_question(text)
    text = held.own_change(turn.tools, text, turn.request.known) or text
    move = moves.said(text, question)
    if move is not None:  # "bring it forward a day", "push the dentist back": earlier or later
        if dialogue.ordinal(move.thing) is not None and turn.referent(move.thing) is not None:
            move = replace(move, thing="")  # "push the second one back": of those just read out
        referent = turn.referent(text) if not move.thing else None
        moved = moves.request(
            move, turn.tools, turn.now, turn.messages, turn.request.known, referent and referent[2]
        )
        if moved is not None and moves.by(move) is not None and moved[1].missing:
            # "push yoga back a day": where it stands now is read first
            return (
                lookup.look_up(turn, moved[0], moved[1].arguments.get(held.target(moved[0], None) or ""))
                or moved
            )
        if moved is not None:
            return moved
    tools = [t for t in turn.tools if not (question and intent.writes(t))]
    referent = None if choosing.opens_new(tools, text) else turn.referent(text)
    whole = choosing.everything(tools, text, turn.now, turn.request.known) if referent is None else None
    if whole is not None:  # "read me everything": the listing, whatever tool the other words fit
        return whole
    if referent is not None:
        text = referent[0]
        last = turn.last
        if last is not None and intent.creates(last.tool):  # what was just created is not created again
            tools = [t for t in tools if t.name != last.tool.name]
        elif dialogue.points_back(text):  # "make it half two": "it" is no new thing, unless "add it"
            tools = [
                t
                for t in tools
                if not intent.creates(t)
                or held.adds_to_held(t)  # "stick a note on it": a note goes on the thing
                or routing.starts_with_a_verb_of([t], text)
            ]
    done = intent.reports_done(text) or intent.asks_done(text) or held.done_as_named(text, turn.request.known)
    meaning = f"{text} done" if done else None
    # "I did it this morning": a report of done, whatever moment it says, is no change of moment.
    changed = (
        held.by_reference(tools, text, turn.now, referent[1])
        if referent is not None and not meaning
        else None
    )
    choice = changed or choosing.choose(tools, text, turn.now, meaning, turn.request.known)
    if choice is None:
        choice = choosing.by_degree(tools, text, turn.now)
    by_value = (
        None
        if question or referent is not None
        else held.changed_by_value(tools, free_text.without_body(text), turn.now, turn.request.known)
    )
    if by_value is not None and (
        not choosing.asked_to_change(text, choice) or held.named_better(choice, by_value, turn.request.known)
    ):
        # "Make the train tickets the day after tomorrow", "let's get the tickets booked by Friday":
        # a held thing and a value that one tool changes, whatever tool the other words fit.
        choice = by_value
    if choice is None and not question and referent is None:
        choice = choosing.new_thing(tools, text, turn.now, turn.request.known)
    if not question and referent is None and choosing.by_meaning_alone(tools, text, choice):
        # "Hoover the stairs": an errand, though a tool that reads is nearest in meaning.
        choice = choosing.errand(tools, text, turn.now, turn.request.known) or choice
    if (
        isinstance(choice, tuple)
        and intent.creates(choice[0])
        and not question
        and referent is None
        and not routing.starts_with_a_verb_of(tools, text)
        and semantic.just_chat(tools, text)
    ):  # "Good morning! Hope you had a nice weekend.": no verb of a tool, and nearest to chat by far
        choice = None
    last_verb = story.pointed_tool(tools, text) if not question and referent is None else None
    if last_verb is not None and (not isinstance(choice, tuple) or choice[0] is not last_verb):
        # "given the first hint, it must be one two one five, so try that": the last clause's verb
        # says which tool, and what was said before it gives the values
        filled = arguments.fill(last_verb, text, turn.now)
        choice = (last_verb, filled) if not filled.missing else choice
    if question and referent is not None and (choice is None or dialogue.points_back(text)):
        # "what about the first one?", "when is it due?": the one reader by name, given the thing.
        choice = held.reading_one(tools, referent[1]) or choice
    if choice is None and question:
        choice = choosing.by_filter(tools, text, turn.now, turn.tools) or choosing.look_up(
            tools, text, turn.now
        )
    elif (
        question
        and isinstance(choice, tuple)
        and referent is None
        and not intent.writes(choice[0])
        and any(p.required for p in parameters.params_of(choice[0]))
        and held.named_in(text, turn.request.known) is None
    ):  # "which of my jobs are for the garden?": a look-up of no held thing, a filter said: a listing
        choice = choosing.by_filter(tools, text, turn.now, turn.tools) or choice
    if question and not isinstance(choice, tuple):
        # "What's the story with the ladder?": a question that names one held thing is about it.
        choice = held.held_reader(tools, text, turn.now, turn.request.known) or choice
    elif question and isinstance(choice, tuple) and choosing.ABOUT_A_THING.search(text):
        # "When is the report due?" asks about that thing, even where a listing shares its words.
        choice = choosing.look_up(tools, text, turn.now) or choice
    if not question and isinstance(choice, tuple) and not intent.writes(choice[0]):
        # "Remind me.": a command whose words ask most for a tool that writes is not answered by
        # one that reads because a value is still missing: the missing value is asked for.
        ranked = routing.rank(tools, text)
        top = ranked[0] if ranked else None
        if top is not None and top.score >= routing.THRESHOLD and intent.writes(top.tool):
            asked = next(m.score for m in ranked if m.tool is choice[0])
            if top.score > asked:
                choice = top.tool, arguments.fill(top.tool, text, turn.now)
    if question and isinstance(choice, list):  # "what do I even have to do?": a listing or one thing
        choice = choosing.reading_all(choice, text, turn.now, turn.request.known) or choice
    if not isinstance(choice, tuple):
        return choice
    if not question:  # "I need to move something": which thing is asked, for the tool that moves
        choice = choosing.placeholder_for(tools, choice, text, turn.now) or choice
    renamed = None if question else held.renamed_instead(tools, choice, text, turn.now, turn.request.known)
    if renamed is not None:  # "Change the pandesal to ensaymada, same time": new words, no new moment
        return renamed
    tool, filled = choice
    if filled.missing and codes.asks_for(text, filled.missing[0]):
        # "Just tell me the code": the user asks for what the tool needs from them, so not
        # that tool but the one whose meaning fits (a hint)
        return choosing.by_meaning([t for t in tools if t is not tool], text, turn.now)
    if not intent.writes(tool):  # "which can wait?": words another tool's option explains
        filled = choosing.with_shared_words(turn.tools, tool, filled, text, turn.now)
    if not intent.writes(tool) and choosing.SPAN.search(text):
        # "What's left this week?": a week is no one day, so a reader is not narrowed to one.
        kept = {k: v for k, v in filled.arguments.items() if k not in choosing.optional_days(tool)}
        filled = Filled(kept, filled.missing, filled.invalid)
    name = held.target(tool, referent[1] if referent is not None else None)
    filled = held.double_object(filled, name, turn.request.known)
    if not intent.creates(tool):
        filled = held.held_part(filled, name, turn.request.known)
    said = filled.arguments.get(name) if name is not None else None
    pronoun = isinstance(said, str) and dialogue.pronoun_led(said)
    if referent is None and isinstance(said, str) and turn.names_the_kind(said):
        # "Please reinstate the task": the tools' own word for their things, said as "it"
        referent = turn.referent("it")
        pronoun = referent is not None
    pointed = pronoun or (said is None and dialogue.refers_back(text))
    named = held.named_in(_said(turn), turn.request.known) if pointed and referent is None else None
    if named is not None and name is not None and (not intent.creates(tool) or _onto_held(turn, tool)):
        # "The shower chair arrived, so please delete that one": "that one" is the thing named before
        # ("..., so would you put in a note on it that ...": a note goes on it too)
        filled = _given(filled, name, named)
    elif referent is None and pronoun and name is not None and not intent.creates(tool):
        # "mark it done" with nothing to refer to: which one is asked for
        values = {k: v for k, v in filled.arguments.items() if k != name}
        missing = [p for p in parameters.params_of(tool) if p.required and p.name not in values]
        return tool, Filled(values, missing, filled.invalid)
    # "also mark the car service done": a thing the words name stands; "it" is the thing referred to.
    if referent is not None and name is not None and (said is None or pronoun or dialogue.points_back(text)):
        filled = _given(filled, name, referent[2])
    if name is not None and referent is None and (not intent.creates(tool) or held.adds_to_held(tool)):
        # "Add a note to bring her retainer" after reading one thing: no thing said is that thing.
        filled = _implied(turn, filled, name)
    last = turn.last
    entity = held.entity_param(last) if last is not None else None
    last_thing = last.entity(entity) if last is not None and entity is not None else None
    settled = turn.settled(tool, filled, text, last_thing)
    dropped = [p for p in settled.missing if p.name in filled.arguments]
    if dropped:  # "lower the priority of the yoga class": where it stands now is read first
        return lookup.look_up(turn, tool, settled.arguments.get(name or "")) or (tool, settled)
    return tool, _which_first(turn, tool, settled, name)


def _which_first(turn: Turn, tool: ToolSpec, filled: Filled, name: str | None) -> Filled:
    """ "Please reschedule the matter": when the words name no held thing and a value is still to
    be asked, which thing is asked first (the answer may name it and give the value together)."""
    value = filled.arguments.get(name) if name is not None else None
    if (
        not filled.missing
        or any(p.kind not in parameters.TYPED_KINDS for p in filled.missing)  # (words may be the thing's)
        or not isinstance(value, str)
        or not turn.request.known
        or not intent.writes(tool)
        or intent.creates(tool)
        or entities.closest(value, turn.request.known) is not None
    ):
        return filled
    param = next(p for p in parameters.params_of(tool) if p.name == name)
    kept = {k: v for k, v in filled.arguments.items() if k != name}
    return Filled(kept, [param, *filled.missing], filled.invalid)


def _implied(turn: Turn, filled: Filled, name: str) -> Filled:
    """`filled` with the thing just talked about as `name`, when that is missing."""
    implied = turn.referent("it") if any(p.name == name for p in filled.missing) else None
    return filled if implied is None else _given(filled, name, implied[2])


def _given(filled: Filled, name: str, value: str) -> Filled:
    """`filled` with `value` as `name`, which is then no longer missing."""
    missing = [p for p in filled.missing if p.name != name]
    return Filled({**filled.arguments, name: value}, missing, filled.invalid)


_NEW_FIRST = re.compile(r"^\W*(?:(?:a|another)\s+)?new\s+[a-z]+", re.I)


def _onto_held(turn: Turn, tool: ToolSpec) -> bool:
    """Whether a tool that adds to a held thing goes on the one the utterance named, not on a new
    thing the utterance opened with ("new task, buy paper, and put a note on it": the new one)."""
    said = _said(turn)
    makers = [t for t in turn.tools if intent.creates(t) and not held.adds_to_held(t)]
    return held.adds_to_held(tool) and not (
        _NEW_FIRST.match(said) or routing.starts_with_a_verb_of(makers, said)
    )


def _said(turn: Turn) -> str:
    """The user's last message as said (the request inside it may be only part of it)."""
    last = turn.messages[-1] if turn.messages else None
    return last.content if last is not None and last.role == "user" else ""
