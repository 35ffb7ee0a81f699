"""Answers to what we asked: "Did you say ...?" and "Did you mean ...?" (yes, no, the other one,
a name), and a value we asked for ("What's the title?", "When should it be?"), over as many rounds
as it takes. The built-in brain keeps no state: the request is replayed from the conversation, routed
as it was when it was said, with the answers given since."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, NamedTuple

from . import arguments, codes, dialogue, entities, lexicon, parameters, replies
from .arguments import Filled
from .base import BrainEvent, ToolSpec
from .parameters import Param

if TYPE_CHECKING:
    from .builtin import Turn

WAITING = "Okay, I won't change anything. Just tell me when you're ready."
"""What we say to a request not to act (yet): "yes" or "go ahead" to it acts on a deferred request."""
_MAX_QUESTION_ROUNDS = 4
_DID_YOU_MEAN = re.compile(r"(?:^|\. )Did you mean (.+)\?$")
_DID_YOU_SAY = re.compile(r'Did you say "(.+)"\?$')
_WHICH_ONE = "Which one did you mean?"
_YES_OR_NO = re.compile(r"^\W*(?:yes|yeah|yep|no|nope|nah)\b\W*", re.I)


def meant(turn: Turn, text: str) -> list[BrainEvent] | None:
    """The answer to our "Did you say ...?" (yes acts on it, no asks to hear it again) or "Did
    you mean X?" (yes acts on X, no asks which one, and a name then, or after "which one?",
    acts on that). The request is replayed from the conversation."""
    from .builtin import Turn  # the request is worked out again, as it was when it was said

    said = [m.content.strip() if m.role == "assistant" and not m.tool_calls else "" for m in turn.messages]
    at = len(turn.messages) - 3  # the request, before our question and this answer
    if len(said) >= 3 and _DID_YOU_SAY.search(said[-2]) and turn.messages[at].role == "user":
        if dialogue.says_no(text):
            return replies.say("Sorry. Could you say it again?")
        earlier = Turn(replace(turn.request, messages=turn.messages[: at + 1]), turn.now)
        choice = (
            earlier.route(earlier.request_in(turn.messages[at].content)) if dialogue.says_yes(text) else None
        )
        return earlier.act(*choice, heard_checked=True) if isinstance(choice, tuple) else None
    asked = _DID_YOU_MEAN.search(said[-2]) if len(said) >= 3 else None
    if len(said) >= 5 and said[-2].endswith(_WHICH_ONE) and _DID_YOU_MEAN.search(said[-4]):
        at -= 2
    elif asked is None:
        return None
    request = turn.messages[at]
    earlier = Turn(replace(turn.request, messages=turn.messages[: at + 1]), turn.now)
    choice = earlier.route(earlier.request_in(request.content)) if request.role == "user" else None
    unsure = earlier.unsure(*choice) if isinstance(choice, tuple) else None
    if unsure is None or not isinstance(choice, tuple):
        return None
    tool, filled = choice
    name = _picked(said[-2], text, unsure[2], turn.request.known)
    if name is None and asked is not None and dialogue.says_no(text):
        return replies.say(f"Sorry. {_WHICH_ONE}")
    if name is None:
        return None  # not about our question: the utterance stands on its own
    filled = replace(filled, arguments={**filled.arguments, unsure[0]: name})
    # One of the names we told is sure; other words are checked like any others.
    return replies.act(tool, filled) if name in unsure[2] else turn.act(tool, filled)


def pending(turn: Turn) -> Pending | None:
    """The tool call we are collecting arguments for, if our last turn asked for one.

    Replays the conversation: a request, routed as it was when it was said, then our question
    and the user's answer, possibly a few times, up to our question that the last message answers.
    """
    from .builtin import Turn  # the request is worked out again, as it was when it was said

    messages = turn.messages
    for start in range(len(messages) - 3, max(-1, len(messages) - 3 - 2 * _MAX_QUESTION_ROUNDS), -2):
        turns = messages[start:-1]
        roles = [m.role for m in turns]
        if roles != ["user", "assistant"] * (len(turns) // 2) or any(m.tool_calls for m in turns):
            return None
        earlier = Turn(replace(turn.request, messages=messages[: start + 1]), turn.now)
        choice = earlier.route(earlier.request_in(turns[0].content))
        if not isinstance(choice, tuple):
            continue
        tool, filled = choice
        for i in range(1, len(turns), 2):
            # "I need to move the call" / "... Did you mean Call the vet?" / "The vet one." /
            # "When should it be?": which thing was settled before what it still needed.
            unsure = earlier.unsure(tool, filled) if i + 1 < len(turns) else None
            name = (
                _picked(turns[i].content, turns[i + 1].content, unsure[2], turn.request.known)
                if unsure
                else None
            )
            if unsure is not None and name is not None:
                filled = replace(filled, arguments={**filled.arguments, unsure[0]: name})
                continue
            if not filled.missing or not turns[i].content.strip().endswith(
                parameters.question(filled.missing[0])
            ):
                break
            said = [t.content for t in turns[: i + 2 : 2]]
            if i + 1 == len(turns):
                asked = filled.missing[0]
                return Pending(tool, filled, asked, _asked_before(turn, start, said, asked))
            asked = filled.missing[0]
            filled = arguments.fill_answer(tool, asked.name, said[-1], filled.arguments, turn.now)
            filled = _with_code(filled, asked, said, turn.now)
    return None


def _asked_before(turn: Turn, start: int, said: list[str], asked: Param) -> list[str]:
    """`said`, after what the user said to the same question of ours before the request at
    `start` ("it starts with 2" ... "then 6" ... : parts of one value)."""
    question = parameters.question(asked)
    while start >= 2 and turn.messages[start - 2].role == "user":
        before = turn.messages[start - 1]
        if before.role != "assistant" or before.tool_calls or not before.content.strip().endswith(question):
            break
        start -= 2
        said = [turn.messages[start].content, *said]
    return said


# "Parents' evening", "the kids' morning": a time of day someone has is the name of an event.
_OWNED_TIME = re.compile(r"\b\w+(?:'s|s'|’s|s’)\s+(?:morning|afternoon|evening|night|day|week)\b", re.I)
_IT_IS = re.compile(r"^\W*(?:it's|it\s+is|its|that's|that\s+is)\s+(?:to\s+)?", re.I)


class Pending(NamedTuple):
    """A call we asked a value for: the tool, the values so far, the one asked, and what the user
    said since the request (the request first)."""

    tool: ToolSpec
    filled: Filled
    asked: Param
    said: list[str]


def answered(pending: Pending, text: str, now: datetime) -> Filled | None:
    """The call's arguments once `text` answers our question for `asked`, when it does. A free-text
    answer is read like a request of its own ("pay the gas bill on Tuesday": a title and a day); a
    code may be the rest of one said in parts."""
    tool, filled, asked, said = pending
    if asked.kind == "text":
        # After the tool's own verb, so that a verb the answer opens with stays ("call mum").
        verb = next(iter(lexicon.name_words(tool.name)), "")
        title = _IT_IS.sub("", text) or text  # "it's to clean the gutters": the title is what follows
        if _OWNED_TIME.search(title):  # "Parents' evening.": a name, not a time of day
            return Filled(
                {**filled.arguments, asked.name: title.strip(" .!")},
                [p for p in filled.missing if p.name != asked.name],
            )
        whole = arguments.fill(tool, f"{verb} {title}", now)
        if asked.name in whole.arguments:
            values = {**filled.arguments, **whole.arguments}
            return Filled(values, [p for p in filled.missing if p.name not in values], whole.invalid)
    answer = _with_code(
        arguments.fill_answer(tool, asked.name, text, filled.arguments, now), asked, [*said, text], now
    )
    return answer if asked.name in answer.arguments else None


def _picked(asked: str, answer: str, names: Sequence[str], known: Sequence[str]) -> str | None:
    """The thing an answer to our "Did you mean X?" (or "Which one did you mean?") picks: X for
    yes, another of `names` for "the other one", else the name it says; None when it says none."""
    did = _DID_YOU_MEAN.search(asked.strip())
    if did is None and not asked.strip().endswith(_WHICH_ONE):
        return None
    if did is not None and dialogue.says_yes(answer):
        return did.group(1)
    others = [n for n in names if did is None or n != did.group(1)]
    if did is not None and others and dialogue.means_other(answer):  # of the names we told
        return others[0]
    name = _YES_OR_NO.sub("", answer).strip(" .,!?")
    told = entities.closest(name, names) if name and len(names) > 1 else None
    if told is not None and told.sure and not entities.tied(name, names):
        return told.name  # "Mrs Adeyemi's.": of the names we told, whatever else shares its words
    match = entities.closest(name, known) if name else None
    if match is None:
        return None
    return match.name if match.sure and not entities.tied(name, known) else name  # "the vet one"


def _with_code(filled: Filled, asked: Param, said: Sequence[str], now: datetime) -> Filled:
    """`filled`, with the code the last utterances give together ("8 1" ... "then 4 0") when the
    last alone is too short for it."""
    code = codes.joined(asked, said, now) if asked.name not in filled.arguments else None
    if code is None:
        return filled
    missing = [p for p in filled.missing if p.name != asked.name]
    invalid = {k: v for k, v in filled.invalid.items() if k != asked.name}
    return Filled({**filled.arguments, asked.name: code}, missing, invalid)


# "I reckon it's 4 0 0 7 but don't put it in yet", "add milk, just don't save it for now": a request,
# then not to act on it yet.
_DEFERRED = re.compile(
    r"^(?P<request>.+?)[,;]?\s+(?:but|just|only)\s+(?:please\s+)?(?:don't|dont|do\s+not)\s+\w+"
    r"(?:\s+\w+){0,4}?\s+(?:yet|for\s+now|just\s+yet|right\s+now)\W*$",
    re.I,
)


def deferred(text: str) -> str | None:
    """The request said with "but don't ... yet", or None."""
    found = _DEFERRED.match(text.strip())
    return found.group("request") if found else None


def go_ahead(turn: Turn, text: str) -> list[BrainEvent] | None:
    """ "Ok yeah, go for it" after we waited on a request said with "but don't ... yet": that request,
    as if said now without its "don't"."""
    from .builtin import Turn  # the request is worked out again, as it was when it was said

    messages = turn.messages
    if len(messages) < 3 or not dialogue.says_yes(text) or messages[-2].content.strip() != WAITING:
        return None
    request = deferred(messages[-3].content) if messages[-3].role == "user" else None
    if request is None:
        return None
    said = [*messages[:-3], replace(messages[-3], content=request)]
    return Turn(replace(turn.request, messages=said), turn.now).reply()
