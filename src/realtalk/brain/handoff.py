"""Who a request for help goes to: "Can somebody help me organise my day?" asks for the agent whose
handoff tool says it handles planning, not for a tool that reads the day out.

A handoff tool is one named for handing over (`transfer_to_max`, `handoff_billing`, `escalate`) that
takes no required value; what its agent is for is the rest of its description ("Hand the
conversation to Max, who handles planning and focus coaching"). A plea for help whose other words
meet that description (a word, or one of the same idea) asks for that handoff.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from . import lexicon, parameters, routing
from .base import ToolSpec

_HANDING = frozenset(lexicon.stem(w) for w in ("transfer", "handoff", "hand", "escalate", "route", "connect"))
_ASKS_HELP = re.compile(
    r"\bhelp\s+(?:me|us)\b|\b(?:can|could|would|will)\s+(?:you|somebody|someone|anyone|anybody)\s+help\b"
    r"|\b(?:i|we)\s+need\s+(?:some\s+)?help\b|\bneed\s+a\s+hand\b"
    r"|\b(?:i'm|i\s+am|i\s+feel|i'm\s+feeling)\s+(?:so\s+|really\s+|totally\s+|a\s+bit\s+)?"
    r"(?:stressed|overwhelmed|swamped|snowed\s+under|struggling|lost)\b"
    # "can I talk to someone about planning my day?": asked to talk, not an errand to talk to someone
    r"|\b(?:(?:can|could|may)\s+i|i'd\s+like\s+to|i\s+(?:want|need)\s+to)\s+(?:talk|speak|chat)\s+(?:to|with)\b",
    re.I,
)
_WHO_FOR = re.compile(
    r"\b(?:who|which|that)\s+(?:handles|deals\s+with|helps\s+with|does|is\s+for)\b|\bfor\b", re.I
)
_PLEA = frozenset(
    lexicon.stem(w)
    for w in (
        "help",
        "need",
        "somebody",
        "someone",
        "anyone",
        "anybody",
        "stressed",
        "overwhelmed",
        "thing",
        "things",
        "talk",
        "speak",
        "chat",
    )
)


def handoffs(tools: Sequence[ToolSpec]) -> list[ToolSpec]:
    """The tools that hand the conversation over."""
    return [
        t
        for t in tools
        if routing.verb_of(t) in _HANDING and not any(p.required for p in parameters.params_of(t))
    ]


def helper(tools: Sequence[ToolSpec], text: str) -> ToolSpec | None:
    """The one handoff a plea for help asks for, by what its agent handles; None when none or several."""
    if not _ASKS_HELP.search(text):
        return None
    asked = set(lexicon.content_stems(text)) - _PLEA
    found = [t for t in handoffs(tools) if _meets(asked, _handles(t))]
    return found[0] if len(found) == 1 else None


def _handles(tool: ToolSpec) -> set[str]:
    """The stems of what a handoff's agent is for: its description after "who handles" or "for"."""
    found = _WHO_FOR.search(tool.description)
    return set(lexicon.content_stems(tool.description[found.end() :] if found else tool.description))


def _meets(asked: set[str], handled: set[str]) -> bool:
    ideas = {c for w in handled for c in lexicon.concepts(w)}
    return bool(asked & handled) or any(lexicon.concepts(w) & ideas for w in asked)
