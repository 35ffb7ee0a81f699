"""A change that waits on a look-up: a step or a move from where a thing stands ("lower the priority
of the yoga class", "push yoga back a day") when the conversation has not said where it stands. The
one tool that reads a thing by its words is called first; when its result comes back, the request is
worked out again with the result in the conversation, and the change is made (or what the result did
not tell is asked for). The look-up happens once per request, so a result that says nothing never
loops."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from . import dialogue, held, intent, parameters, replies, results
from .arguments import Filled
from .base import BrainEvent, ToolSpec

if TYPE_CHECKING:
    from .builtin import Turn


def continued(turn: Turn) -> list[BrainEvent] | None:
    """The change the last request asked for, once the look-up it made has answered; None when the
    conversation does not end with such a look-up's result."""
    from .builtin import Turn  # the turn is worked out again, before and after the look-up

    messages = turn.messages
    at = max((i for i, m in enumerate(messages) if m.role == "user"), default=-1)
    after = messages[at + 1 :]
    if at < 0 or len(after) != 2 or len(after[0].tool_calls) != 1 or after[1].role != "tool":
        return None
    asked = Turn(replace(turn.request, messages=messages[: at + 1]), turn.now)
    call, text = after[0].tool_calls[0], asked.request_in(messages[at].content)
    before = asked.route(text)
    placed = dialogue.ordinal(text)
    if placed is not None and asked.referent(text) is not None:
        text = placed[1]  # "push the second one back": after the look-up, "it" is the one looked up
    if not isinstance(before, tuple) or intent.writes(before[0]) or before[0].name != call.name:
        return None
    if results.parse(call.arguments) != before[1].arguments:
        return None  # not the look-up this request makes
    now_known = Turn(turn.request, turn.now)
    now_known.looked_up = True
    choice = now_known.route(text)
    if not isinstance(choice, tuple) or not intent.writes(choice[0]):
        return None
    if messages[at].heard_unsure or now_known.unsure(*choice) is not None:
        # A change on words heard unsurely, or on a thing they only sound like, is asked about before
        # it is made (`Turn.act`); here the result is spoken, and the change said again is asked.
        return None
    return replies.act(*choice)  # what the look-up did not tell is asked for


def look_up(turn: Turn, tool: ToolSpec, thing: object) -> tuple[ToolSpec, Filled] | None:
    """The one tool that reads a held thing by its words ("which task"), called with the thing first
    when a change to it starts from where it stands and the conversation has not said where."""
    name = held.target(tool, None)
    reader = held.reading_one(turn.tools, name) if not turn.looked_up and isinstance(thing, str) else None
    which = held.target(reader[0], name) if reader is not None else None
    param = next((p for p in parameters.params_of(reader[0]) if p.name == which), None) if reader else None
    if reader is None or param is None or not parameters.names_a_held_thing(param):
        return None
    return reader[0], Filled({param.name: thing})
