"""A request said after a story: "My tailor said the suit won't be ready on Saturday, he opens on
Sunday. Shift it to Sunday, same time." The story's values (Saturday) are not the request's; the
request is its last clause, opened by the verb of a tool that changes a held thing, with "it" put as
the one held thing the story names."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime

from . import arguments, held, intent, lexicon, openers, routing
from .base import ToolSpec

# Sentences and clauses: a request after a story opens its own ("..., move the pickup to half three").
_CLAUSE = re.compile(r"\s*[,;:.!?]\s*(?:(?:so|and|then|but)\s+)?", re.I)
_ASKING = re.compile(
    r"^\W*" + openers.run() + r"(?:(?:can|could|would|will)\s+you\s+|please\s+|just\s+|kindly\s+)*", re.I
)
_POINTER = re.compile(r"\b(?:it|them|that|that\s+one|this\s+one)\b", re.I)


def request_after(tools: Sequence[ToolSpec], text: str, known: Sequence[str], now: datetime) -> str | None:
    """The last clause as the request, when it opens with the verb of a tool that changes a held
    thing, gives that tool values other than the story's (`_values_differ`) and names the thing (or
    says "it" for the one held thing the story named), while no earlier clause asks for anything
    ("new task: ..."); else None."""
    clauses = _clauses(text)
    changers = [t for t in tools if intent.writes(t) and not intent.creates(t) and held.target(t, None)]
    at = next(
        (i for i in range(len(clauses) - 1, 0, -1) if _opens_with_a_verb_of(changers, clauses[i])), None
    )
    if at is None or not known or any(_opens_with_a_verb_of(tools, c) for c in clauses[:at]):
        return None
    # the request and what it goes on to say ("shift it to Sunday, same time")
    last = ", ".join(clauses[at:])
    last = _unasked(last)
    if not any(_values_differ(t, last, text, now) for t in changers if _opens_with_a_verb_of([t], last)):
        return None
    if held.named_in(clauses[at], known) is not None:
        return last
    pointer = _POINTER.search(last)
    if pointer is None:
        return None
    named = {n for c in clauses[:at] if (n := held.named_in(c, known)) is not None}
    if len(named) != 1:
        return None
    return f"{last[: pointer.start()]}{named.pop()}{last[pointer.end() :]}"


def _clauses(text: str) -> list[str]:
    """The clauses of `text`; none when it is longer than the longest name: the request is the last
    clause, and a text cut short would give a cut one in its place ("..., shift it to Sund")."""
    return [c for c in _CLAUSE.split(text) if c.strip()] if len(text) <= held.LONGEST_NAME else []


def _values_differ(tool: ToolSpec, request: str, said: str, now: datetime) -> bool:
    """Whether the request gives the tool all its values but the thing, and others than the whole
    utterance gives it: only then does the story stand in the way ("at quarter past three ..., move
    it to half three"; "it's become important, bump it up" reads the same either way)."""
    thing = held.target(tool, None)
    asked = arguments.fill(tool, request, now)
    if any(p.name != thing for p in asked.missing):
        return False
    whole = arguments.fill(tool, said, now).arguments
    return {k: v for k, v in asked.arguments.items() if k != thing} != {
        k: v for k, v in whole.items() if k != thing
    }


def _opens_with_a_verb_of(tools: Sequence[ToolSpec], clause: str) -> bool:
    """Whether the clause, its asking aside, opens with a tool's verb (`routing.opens_with_a_verb_of`)."""
    return routing.opens_with_a_verb_of(tools, _unasked(clause))


def _unasked(clause: str) -> str:
    """The clause without what opens it and its asking ("oh, can you shift it" -> "shift it")."""
    return _ASKING.sub("", clause, count=1)  # (`_ASKING` is anchored, and matches every clause)


def pointed_tool(tools: Sequence[ToolSpec], text: str) -> ToolSpec | None:
    """The one tool whose verb opens the last clause when that clause only points back at what was
    said before it ("..., it must be one two one five, so try that"), or None: a tool named in the
    story ("given the first hint") is not what the last clause asks for."""
    clauses = _clauses(text)
    if len(clauses) < 2:
        return None
    words = lexicon.tokens(_unasked(clauses[-1]))
    if len(words) != 2 or words[1] not in ("that", "it", "this"):
        return None
    meant = [t for t in tools if _opens_with_a_verb_of([t], clauses[-1])]
    return meant[0] if len(meant) == 1 else None
