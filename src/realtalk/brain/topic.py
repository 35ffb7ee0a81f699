"""A turn that only names a held thing ("Oh, the window cleaner.", "Regarding the client demo...",
"You know the ring Mum one?") makes it the topic: the one tool that reads a thing by its name tells
where it stands, or, with none, we ask what about it; the next turn's "it" is the thing.

The built-in brain keeps no memory of its own, so the topic is read back from the conversation:
after a reading call it is the thing the call was about (`dialogue.LastAction`), after our
question it is the thing the question names."""

from __future__ import annotations

import re
from collections.abc import Sequence

from . import entities, held, intent, lexicon, openers
from .arguments import Filled
from .base import Message, ToolSpec

# What people say before the thing itself: "oh,", "right, so", "regarding", "you know", "what about".
_LEAD = re.compile(
    r"^\W*(?:" + openers.alternation([*openers.USUAL, *openers.AGREEMENT]) + r"\b\W*"
    r"|(?:regarding|concerning|re|about|as\s+(?:for|regards|to)|with\s+regard\s+to|on\s+the\s+subject\s+of"
    r"|(?:what|how)\s+about|you\s+know|(?:do\s+you\s+)?remember)\b\W*)+",
    re.I,
)
# "the ring Mum one", "that thank-you card business", "the demo thing then": words that only point
# (the tools' own word for what they hold, "the atlas loan", points too: see `named`).
_TAIL = re.compile(r"(?:\s+(?:one|thing|item|job|business|then|again|you\s+know))*\W*$", re.I)
# A noun phrase, not a request: "the window cleaner", "my dentist appointment" (never "pay the bill").
_NOUN_PHRASE = re.compile(r"^(?:the|my|our|that|this|those|these)\s+\w", re.I)
_ASKED = re.compile(r"^What about (?P<thing>.+)\?$")


def named(text: str, known: Sequence[str], own: frozenset[str] = frozenset()) -> str | None:
    """The held name that `text` names and says nothing else about, or None. `own` are the stems of
    the tools' words for what they hold ("task" of find_task): after the name they only point."""
    if len(text) > held.LONGEST_NAME or not known:
        return None
    rest = _TAIL.sub("", _LEAD.sub("", text.strip()))
    while (last := rest.rpartition(" ")) and " " in last[0] and lexicon.stem(last[2].lower()) in own:
        rest = _TAIL.sub("", last[0])
    if not _NOUN_PHRASE.match(rest) or not entities.held(rest, known) or entities.tied(rest, known):
        return None
    match = entities.closest(rest, known)
    return match.name if match is not None and match.sure else None


def told(tools: Sequence[ToolSpec], thing: str) -> tuple[ToolSpec, Filled] | None:
    """The call that tells where `thing` stands: the one tool that reads a thing by its name alone."""
    reading = held.reading_one(tools, None)
    name = held.target(reading[0], None) if reading is not None else None
    return (reading[0], Filled({name: thing})) if reading is not None and name is not None else None


def ask(thing: str) -> str:
    """What we say when no tool can tell where the thing stands."""
    return f"What about {thing}?"


def asked(messages: Sequence[Message], known: Sequence[str]) -> str | None:
    """The thing our last words asked about (`ask`), when the utterance (`messages[-1]`) follows them."""
    said = messages[-2] if len(messages) >= 2 else None
    if said is None or said.role != "assistant" or said.tool_calls:
        return None
    found = _ASKED.match(said.content.strip())
    thing = found.group("thing") if found else None
    return thing if thing is not None and thing in known else None


def about(tools: Sequence[ToolSpec], text: str, known: Sequence[str]) -> tuple[ToolSpec, Filled] | str | None:
    """For a turn that only names a held thing: the call that tells its state, or else our
    question about it (text); None for any other turn. A question ("the dentist one?") too."""
    own = frozenset(lexicon.stem(w) for t in tools for w in lexicon.name_words(t.name)[1:])
    if intent.reports_done(text) or held.done_as_named(text, known):
        return None  # "the oven is cleaned": the name's own verb says what became of it
    thing = named(text, known, own)
    if thing is None:
        return None
    readers = [t for t in tools if not intent.writes(t)]
    return told(readers, thing) or ask(thing)


def remarked_on(
    tools: Sequence[ToolSpec], text: str, known: Sequence[str]
) -> tuple[ToolSpec, Filled] | str | None:
    """ "The gate's squeaking again": a remark that asks for nothing but names one held thing makes
    it the topic too (the next turn's "make it high priority" is about it); a remark about "my"
    someone ("my accountant is the worst") is about the person, not a thing held."""
    said = _LEAD.sub("", text.strip())
    thing = held.named_in(said, known) if said[:4].lower() == "the " else None
    if thing is None:
        return None
    readers = [t for t in tools if not intent.writes(t)]
    return told(readers, thing) or ask(thing)
