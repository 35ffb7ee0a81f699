"""The events a turn answers with: a tool call (checked against its schema), our question for a
missing argument, or text said a few words at a time."""

from __future__ import annotations

import json
import re
import secrets

from . import parameters, validation
from .arguments import Filled
from .base import BrainEvent, TextDelta, ToolCall, ToolSpec
from .parameters import Param

_CHUNK_WORDS = 5


def act(tool: ToolSpec, filled: Filled) -> list[BrainEvent]:
    """Call the tool, or ask for the first required argument still missing (or not fitting its schema)."""
    if filled.missing:
        return say(ask(filled.missing[0], filled.invalid.get(filled.missing[0].name)))
    problem = validation.call_problem(tool.parameters, filled.arguments)
    if problem is not None:  # never call with arguments the schema refuses
        return say("Sorry, I didn't get all of that. Could you say it again in other words?")
    return [call(tool, filled.arguments)]


def ask(param: Param, problem: str | None = None) -> str:
    """Our question for a parameter; `_pending` knows it by the question at its end."""
    return f"{'Sorry, ' + problem + '.' if problem else 'Sure.'} {parameters.question(param)}"


def call(tool: ToolSpec, values: dict[str, object]) -> ToolCall:
    return ToolCall(f"call_{secrets.token_hex(12)}", tool.name, json.dumps(values))


def say(text: str) -> list[BrainEvent]:
    """The text as deltas of a few words, breaking at sentence ends so speech can start early."""
    chunks: list[str] = []
    for sentence in re.split(r"(?<=[.!?])\s+", text.strip()):
        words = sentence.split()
        chunks += [" ".join(words[i : i + _CHUNK_WORDS]) for i in range(0, len(words), _CHUNK_WORDS)]
    return [TextDelta(chunk + (" " if i < len(chunks) - 1 else "")) for i, chunk in enumerate(chunks)]
