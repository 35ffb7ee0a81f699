"""A change said relative to where a thing stands: "lower the priority", "make it more urgent", "bump
it up a notch" move one step along an ordered scale from the thing's current option, read back from
the conversation (`current`). When the conversation never said where the thing stands, the option is
asked for rather than guessed, unless the words say where it stands ("less urgent": it is urgent)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from . import current, degree, held, intent, options, parameters
from .arguments import Filled
from .base import Message, ToolSpec


def settle(
    tool: ToolSpec,
    filled: Filled,
    text: str,
    now: datetime,
    messages: Sequence[Message],
    tools: Sequence[ToolSpec],
    last_thing: str | None,
) -> Filled:
    """`filled` with each option the words move by a step set from the thing's current one. A change
    that names no thing ("lower the priority") is about `last_thing`, the one just talked about."""
    if not intent.writes(tool) or intent.creates(tool):
        return filled  # a new thing starts where the words put it
    params = parameters.params_of(tool)
    ways = {p.name: options.scale_way(p, text, now) for p in params if p.name in filled.arguments}
    ways = {name: found for name, found in ways.items() if found[0]}
    if not ways:
        return filled
    name = held.target(tool, None)
    values = dict(filled.arguments)
    if name is not None and name not in values and last_thing is not None:
        values[name] = last_thing
    thing = values.get(name) if name is not None else None
    for param in params:
        if param.name not in ways:
            continue
        way, anchored = ways[param.name]
        standing = current.option(messages, tools, thing, param) if isinstance(thing, str) else None
        moved = degree.step(list(param.spec["enum"]), standing, way)
        if moved is not None:
            values[param.name] = moved
        elif not anchored:  # where a thing stands that the words don't say is asked, not guessed
            del values[param.name]
    missing = [p for p in params if p.required and p.name not in values]
    return Filled(values, missing, filled.invalid)
