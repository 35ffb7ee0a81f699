"""What the built-in brain makes of a reading of the user's turn, told from its reply, not acted on.

Speech recognition gives a few readings of one utterance that sound alike ("Anything overdue?"
and "Add it being over do"); the session weighs, among those it cannot tell apart by sound, how
well the brain understands each (`session/hypotheses.py`). The reply is worked out as for the
turn itself (`Turn.reply` keeps no state and runs nothing: a call is only decided, never made),
then read:

- `UNDERSTOOD`: tool calls only, each fitting its schema and surely naming a thing the tools
  hold ("The car service is done" completes "Book the car service"; a "yes" to our "Shall I
  delete X?" deletes X);
- `NOT_UNDERSTOOD`: an apology ("Sorry, I can't help with that offline", "Sorry, that doesn't
  sound like 4 digits"), or a call naming a thing no held name fits;
- `UNCLEAR` otherwise: a call that makes a new thing or names none (any words make a title, and
  a list reads whatever was asked: "Add it being over poop" and "can you but get new running
  shoes on my list?" are no sign of being understood), small talk, a question for a missing
  argument, and a clarification ("Did you mean Pick up dry cleaning?", "Do you want me to add a
  task or look one up?"): counted against, it sent readings the brain would have asked about to
  readings that create, and a question heard that way wrote (docs/benchmarks.md, "Hearing, round
  9").
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence

from . import entities, held, intent, validation
from .base import BrainEvent, BrainRequest, TextDelta, ToolCall, ToolSpec

UNDERSTOOD = 1
UNCLEAR = 0
NOT_UNDERSTOOD = -1

_SORRY = re.compile(r"^\W*sorry\b", re.I)
"""How `builtin.Turn` says it cannot do what it heard: "Sorry, I can't help with that offline",
"Sorry, I didn't catch that", "Sorry, that doesn't sound like 4 digits" (a test keeps this in
step with the brain's own wording)."""


def verdict(request: BrainRequest, reply: Sequence[BrainEvent]) -> int:
    """How well the brain understood the request's last message, by its `reply` (see the module)."""
    calls = [e for e in reply if isinstance(e, ToolCall)]
    if calls:
        tools = {t.name: t for t in request.tools}
        verdicts = [_call(c, tools.get(c.name), request.known) for c in calls]
        return min(verdicts)
    said = "".join(e.text for e in reply if isinstance(e, TextDelta))
    return NOT_UNDERSTOOD if _SORRY.search(said) else UNCLEAR


def _call(call: ToolCall, tool: ToolSpec | None, known: Sequence[str]) -> int:
    """A call's verdict: understood when it fits its schema and surely finds the held thing it
    names (`entities.Match.sure`), not understood when no held name fits; unclear when a name
    fits only by words that sound alike ("the met thing" for "Book a vet appointment": the tool
    may not find it), or it makes a new thing or names none."""
    try:
        values = json.loads(call.arguments)
    except json.JSONDecodeError:
        return NOT_UNDERSTOOD
    if tool is None or not isinstance(values, dict) or validation.call_problem(tool.parameters, values):
        return NOT_UNDERSTOOD
    named = values.get(held.target(tool, None) or "")
    if intent.creates(tool) or not known or not isinstance(named, str):
        return UNCLEAR
    match = entities.closest(named, known)
    return NOT_UNDERSTOOD if match is None else UNDERSTOOD if match.sure else UNCLEAR
