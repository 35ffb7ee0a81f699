"""`BuiltinBrain`: an offline agent that needs no language model.

It follows the session's instructions for persona, greeting and scripted answers, picks the tool
an utterance asks for by its words (`routing`) and its meaning (`semantic`), lets a question call
only tools that read (`intent`), fills arguments from the words (`arguments`) and checks them
against the schema (`validation`), asks for a required argument it could not find or that does
not fit and takes the next utterance as the answer, speaks tool results back (`results`), reads
out the text in images (`images`), handles small talk, and says plainly what it cannot do. A reply
takes tens of milliseconds (one sentence embedding), in a worker thread.

It keeps no state between calls: the dialogue state is read from the conversation itself
(`dialogue`: the last tool call and its result; our question for a missing argument).
"""

from __future__ import annotations

import asyncio
import functools
import json
import re
import secrets
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import replace
from datetime import datetime

from . import (
    arguments,
    dialogue,
    entities,
    extract,
    images,
    intent,
    lexicon,
    persona,
    phrasing,
    results,
    routing,
    semantic,
    validation,
)
from .arguments import Filled, Param
from .base import BrainEvent, BrainRequest, Message, TextDelta, ToolCall, ToolSpec

_CHUNK_WORDS = 5
_BARE_HOUR = re.compile(r"^\W*(?:1[0-2]|[1-9])(?::[0-5]\d)?\s*(?:[ap]\.?m\.?)?\W*$", re.I)
_FIRST_PERSON = re.compile(r"\b(?:my|me|i|i've|i'm|i'd)\b", re.I)
# "When is the dentist call?", "what time is the X?": when or how a particular thing stands.
_ABOUT_A_THING = re.compile(
    r"^\W*(?:so\s+|and\s+)?(?:when(?:'s|\s+is|\s+are|\s+was)|what\s+(?:time|day|date)\s+is|is|are|has|have"
    r"|what(?:'s|\s+is)\s+the\s+(?:status|deadline|due\s+date|priority|time|date)\s+(?:of|for|on))\s+"
    r"(?:the|that|this)\s+\w+",
    re.I,
)
_MEANING_WEIGHT = 1.0
"""Points for a tool's closeness in meaning (cosine 0..1) next to its word score (a name word is 3)."""
_MEANING_FLOOR, _MEANING_LEAD, _CHAT_MARGIN, _CHAT_QUESTION = 0.28, 0.05, 0.15, 0.5
"""A tool found by meaning alone: this close, this far ahead of the next, and not much further than chat."""
_TIE_LEAD = 0.03
"""How much closer in meaning one of the tools the words tie must be to be taken without asking."""
_MAX_QUESTION_ROUNDS = 4
_LONGEST_NAME = 200
"""Characters of the longest value compared with the held names as a whole."""
_MAX_OPTIONS = 3
"""How many things "Which one do you mean: ...?" names (more is too many to hear)."""

# "Do something about the passport", "deal with the report": a thing named, but not what to do with it.
_VAGUE_REQUEST = re.compile(
    r"\b(?:do\s+something\s+(?:about|with)|deal\s+with|handle|sort\s+out\s+something\s+(?:about|with)"
    r"|take\s+care\s+of|something\s+(?:about|with))\s+(?P<what>(?:the|my|that|this)\s+[\w\s'-]{1,40}?)\W*$",
    re.I,
)

_INTENTS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (intent, re.compile(pattern, re.IGNORECASE))
    for intent, pattern in (
        ("cancel", r"\b(?:never\s*mind|forget\s+(?:about\s+)?(?:it|that)|cancel\s+(?:that|it)"
                   r"|don't\s+bother)\b"),
        ("bye", r"\b(?:bye|goodbye|good\s+bye|see\s+you|talk\s+to\s+you\s+later|that's\s+all|that\s+is\s+all"
                r"|have\s+a\s+(?:good|great|nice)\s+(?:day|night|one|evening))\b"),
        ("thanks", r"\b(?:thanks|thank\s+you|cheers|appreciate\s+it|thx)\b"),
        ("capabilities", r"\b(?:what\s+(?:can|do|else\s+can)\s+you\s+do|how\s+can\s+you\s+help"
                         r"|what\s+are\s+you\s+(?:able|capable)|what\s+can\s+i\s+ask|what\s+are\s+my\s+options"
                         r"|what\s+can\s+you\s+help|what\s+services)\b|^\s*help(?:\s+me)?\W*$"),
        ("who", r"\b(?:who\s+are\s+you|what(?:'s|\s+is)\s+your\s+name|who\s+am\s+i\s+(?:talking|speaking)"
                r"|who\s+is\s+this|are\s+you\s+(?:a\s+)?(?:robot|bot|human|real|an?\s+ai))\b"),
        ("how_are_you", r"\b(?:how\s+are\s+you|how's\s+it\s+going|how\s+are\s+things|how\s+do\s+you\s+do)\b"),
        ("repeat", r"\b(?:repeat\s+(?:that|it)|say\s+(?:that|it)\s+again|what\s+did\s+you\s+say|come\s+again"
                   r"|^\s*pardon|^\s*sorry\s+what)\b"),
        ("time", r"\b(?:what(?:'s|\s+is)\s+the\s+time|what\s+time\s+is\s+it|current\s+time"
                 r"|time\s+(?:is\s+it\s+)?now)\b"),
        ("date", r"\b(?:what(?:'s|\s+is)\s+(?:the\s+|today's\s+)?date|what\s+day\s+is\s+(?:it|today)"
                 r"|today's\s+date|what\s+is\s+today)\b"),
        # "What are the rules?", "what am I supposed to do in here?": how this conversation works.
        ("rules", r"\b(?:what\s+(?:are|were)\s+the\s+rules|explain\s+the\s+rules"
                  r"|how\s+does\s+(?:this|it|the\s+game)\s+work|how\s+do\s+i\s+(?:play|win|get\s+out)|what(?:'s|\s+is)\s+the\s+(?:goal|point|aim))\b"
                  r"|\bwhat\s+(?:am\s+i\s+(?:supposed|meant)\s+to|should\s+i|do\s+i)\s+do\s+(?:here|in\s+here)\W*$"),
        ("greeting", r"^\W*(?:hi|hello|hey|hiya|howdy|yo|greetings|good\s+(?:morning|afternoon|evening))\b"
                     r"(?:\W+\w+){0,4}\W*$|\bare\s+you\s+(?:still\s+)?there\b"),
        ("no", r"^\W*(?:no|nope|nah|no\s+thanks|no\s+thank\s+you|nothing|nothing\s+else|leave\s+it|not\s+now"
               r"|not\s+really|no\s+need|i'm\s+(?:good|fine|all\s+good)|all\s+good)\W*$"),
        ("ok", r"^\W*(?:(?:so|well|oh)\W+)?(?:ok|okay|cool|great|nice|perfect|alright|all\s+right|got\s+it"
               r"|sounds\s+good|awesome|good|fine|yes|yeah|yep|yup|sure|sure\s+thing|go\s+for\s+it|go\s+ahead|absolutely|definitely"
               r"|of\s+course|fair\s+enough)\W*$"),
        # "What a day!", "ugh, what a mess": an exclamation, no question.
        ("exclaim", r"^\W*(?:(?:ugh|oh|wow|god|man|gosh|phew|well|so)\W+)*what\s+an?\s+\w+(?:\s+\w+)?\W*$"),
        # "um", "so, well...": nothing asked yet.
        ("filler", r"^\W*(?:(?:u+m+|u+h+|e+r+m*|h+m+|so|well|like|and)\W*)+$"),
    )
)  # fmt: skip

# Asking to hear the rest: "yes", "go on", "read me the rest", "what else", "the other 14 please".
_MORE = re.compile(
    r"^\W*(?:(?:yes|yeah|yep|sure|ok(?:ay)?|please|and|so|go\s+on|go\s+ahead|continue|keep\s+going|read|tell"
    r"|say|give|me|let's|let\s+me|hear|what|else|the|rest|more|others?|other\s+\w+|them|all|of|ones|next|few"
    r"|too|as\s+well|i\s+want|to)\b\W*)+$",
    re.I,
)

_DID_YOU_MEAN = re.compile(r"(?:^|\. )Did you mean (.+)\?$")
_DID_YOU_SAY = re.compile(r'Did you say "(.+)"\?$')
_WHICH_ONE = "Which one did you mean?"
_YES_OR_NO = re.compile(r"^\W*(?:yes|yeah|yep|no|nope|nah)\b\W*", re.I)

_ASKS_MORE = re.compile(r"\b(?:rest|more|else|others?|go\s+on|keep\s+going|continue|next)\b", re.I)


class BuiltinBrain:
    """The default, offline brain (see the module docstring)."""

    name = "builtin"

    def __init__(self, clock: Callable[[], datetime] = datetime.now) -> None:
        """`clock` gives "now" for relative dates ("tomorrow") and the time of day."""
        self._clock = clock
        extract.warm_up()
        semantic.available()  # load the sentence-embedding model now, not during the first reply

    async def stream(self, request: BrainRequest) -> AsyncIterator[BrainEvent]:
        # Rules over text are fast for a spoken turn, but a typed text can be a megabyte: the work
        # runs in a thread so that no session's event loop waits on another's reply.
        for event in await asyncio.to_thread(self.reply, request):
            yield event

    def reply(self, request: BrainRequest) -> list[BrainEvent]:
        """The whole reply at once (`stream` yields these events)."""
        return _Turn(request, self._clock()).reply()


class _Turn:
    """One reply, worked out from the request alone."""

    def __init__(self, request: BrainRequest, now: datetime) -> None:
        self.request = request
        self.now = now
        self.messages = list(request.messages)
        if self.messages and self.messages[-1].role == "system":
            # Pipecat adds typed text as a system item and asks for a response: a model answers
            # the newest message whatever its role, and so do we.
            self.messages[-1] = replace(self.messages[-1], role="user")
        self.persona = persona.parse(request.instructions)
        self.tools: list[ToolSpec] = [] if request.tool_choice == "none" else list(request.tools)

    def reply(self) -> list[BrainEvent]:
        if self.persona.directive:
            return _say(self.persona.directive)
        spoken_results = self._tool_results()
        if spoken_results:
            return _say(spoken_results)
        last = self.messages[-1] if self.messages else None
        if last is None or last.role != "user":
            if any(m.role == "assistant" for m in self.messages):
                return _say("Is there anything else I can help with?")
            return _say(self.persona.introduce())
        if last.images:
            return _say(images.read_out(last.images))
        text = phrasing.request(last.content.strip())
        if not lexicon.tokens(text):
            return _say("Sorry, I didn't catch that. Could you say it again?")
        forced = self._forced_tool(text)
        if forced is not None:
            return [_call(forced, arguments.fill(forced, text, self.now).arguments)]
        return self._answer(text)

    def _answer(self, text: str) -> list[BrainEvent]:
        scripted = self.persona.rule_for(text)
        if scripted:
            return _say(scripted)
        reading_on = self._continuation(text)
        if isinstance(reading_on, ToolCall):
            return [reading_on]
        if reading_on:
            return _say(reading_on)
        meant = self._meant(text)
        if meant is not None:
            return meant
        followed = self._follow_up(text)
        if followed is not None:
            return followed
        if intent.refuses_writing(text):
            return _say("Okay, I won't change anything. Just tell me when you're ready.")
        talk = next((name for name, pattern in _INTENTS if pattern.search(text)), None)
        # A bare "yes" or "no" may answer our question; other small talk never does.
        pending = self._pending() if talk in (None, "ok", "no", "filler") else None
        if talk == "exclaim":
            return _say(self._small_talk(talk))
        if talk == "filler":  # "um": not an answer, nor a request; our question stands
            return _say(_ask(pending[2]) if pending is not None else self._small_talk(talk))
        answered = _answered(*pending, text, self.now) if pending is not None else None
        if (
            pending is not None
            and answered is not None
            and (
                pending[2].kind != "text"  # "high" to "which priority?" is not a new request
                or not (
                    intent.is_question(text)
                    or dialogue.correction(text) is not None
                    or routing.starts_with_a_verb_of(self.tools, text)
                )  # "call mum, it's urgent" to "what's the title?" is; "delete it instead" is not
            )
        ):
            return _act(pending[0], answered)
        still = None if intent.is_question(text) else intent.reports_not_done(self.messages[-1].content)
        reopener = _reopener(self.tools) if still is not None else None
        if still is not None and reopener is not None:  # never marked done; reopened when named
            reopened = _reopen(*reopener, still, self.request.known)
            return self._act(*reopened) if reopened else _say(f"Okay, it stays to do. {self._capabilities()}")
        if intent.remarks(text) and not intent.is_question(text):
            return _say(f"I see. Is there anything you'd like me to do? {self._capabilities()}")
        several = self._each_clause(text) or self._each_new(text) or self._each_held(text)
        if several is not None:
            return several
        choice = self._route(text)
        if isinstance(choice, list):
            options = lexicon.join([routing.describe(t) for t in choice], "or")
            return _say(f"Do you want me to {options}?")
        if choice is not None:
            return self._act(*choice)
        if pending is not None:
            tool, filled, asked = pending
            return _act(
                tool, answered or arguments.fill_answer(tool, asked.name, text, filled.arguments, self.now)
            )
        if talk is not None:
            return _say(self._small_talk(talk))
        fact = self.persona.fact_for(text)
        if fact:
            return _say(fact)
        vague = _VAGUE_REQUEST.search(text)
        if vague is not None and self.tools:
            return _say(f"What would you like me to do with {vague.group('what')}? {self._capabilities()}")
        return _say(f"Sorry, I can't help with that offline. {self._capabilities()}")

    def _act(self, tool: ToolSpec, filled: Filled, heard_checked: bool = False) -> list[BrainEvent]:
        """`_act`; but a call that would change something on words speech recognition was unsure
        of asks "Did you say ...?", and one that would change a known thing named by words that
        only sound like its name asks "Did you mean ...?" first (`entities`)."""
        last = self.messages[-1] if self.messages else None
        calls = not filled.missing  # asking for what is missing changes nothing yet
        if calls and not heard_checked and last is not None and last.heard_unsure and intent.writes(tool):
            return _say(f'Sorry, I may have misheard. Did you say "{last.content.strip()}"?')
        unsure = self._unsure(tool, filled)
        if unsure is None:
            return _act(tool, filled)
        _, name, names = unsure
        held = f"I have {lexicon.join(names)}. " if len(names) > 1 else ""
        return _say(f"{held}Did you mean {name}?")

    def _unsure(self, tool: ToolSpec, filled: Filled) -> tuple[str, str, list[str]] | None:
        """(the parameter, the known name, the names it may be) when the call would change a thing
        it is unsure of: one its words only sound like, or one of several held things they fit
        equally well ("mark the call done" with two calls held: a guess would write the wrong one).
        A tool that asks its own confirmation first names the thing itself, so a tie does not ask."""
        if not self.request.known or filled.missing or not intent.writes(tool) or intent.creates(tool):
            return None
        confirms = dialogue.confirmation_param(tool) is not None
        for param in arguments.params_of(tool):
            value = filled.arguments.get(param.name)
            if param.kind not in _NAMING_KINDS or not isinstance(value, str):
                continue
            tied = [] if confirms else entities.tied(value, self.request.known)[:_MAX_OPTIONS]
            if tied:
                return param.name, tied[0], tied
            match = entities.closest(value, self.request.known)
            if match is not None and not match.sure:
                return param.name, match.name, [match.name]
        return None

    def _meant(self, text: str) -> list[BrainEvent] | None:
        """The answer to our "Did you say ...?" (yes acts on it, no asks to hear it again) or "Did
        you mean X?" (yes acts on X, no asks which one, and a name then, or after "which one?",
        acts on that). The request is replayed from the conversation."""
        said = [
            m.content.strip() if m.role == "assistant" and not m.tool_calls else "" for m in self.messages
        ]
        at = len(self.messages) - 3  # the request, before our question and this answer
        if len(said) >= 3 and _DID_YOU_SAY.search(said[-2]) and self.messages[at].role == "user":
            if dialogue.says_no(text):
                return _say("Sorry. Could you say it again?")
            earlier = _Turn(replace(self.request, messages=self.messages[: at + 1]), self.now)
            choice = (
                earlier._route(phrasing.request(self.messages[at].content))
                if dialogue.says_yes(text)
                else None
            )
            return earlier._act(*choice, heard_checked=True) if isinstance(choice, tuple) else None
        asked = _DID_YOU_MEAN.search(said[-2]) if len(said) >= 3 else None
        if len(said) >= 5 and said[-2].endswith(_WHICH_ONE) and _DID_YOU_MEAN.search(said[-4]):
            at -= 2
        elif asked is None:
            return None
        request = self.messages[at]
        earlier = _Turn(replace(self.request, messages=self.messages[: at + 1]), self.now)
        choice = earlier._route(phrasing.request(request.content)) if request.role == "user" else None
        unsure = earlier._unsure(*choice) if isinstance(choice, tuple) else None
        if unsure is None or not isinstance(choice, tuple):
            return None
        tool, filled = choice
        if asked is not None and dialogue.says_yes(text):
            return _act(tool, replace(filled, arguments={**filled.arguments, unsure[0]: asked.group(1)}))
        others = [n for n in unsure[2] if n != asked.group(1)] if asked is not None else []
        if others and dialogue.means_other(text):  # "no, the other one": of the names we told
            return _act(tool, replace(filled, arguments={**filled.arguments, unsure[0]: others[0]}))
        name = _YES_OR_NO.sub("", text).strip(" .,!?")
        if asked is not None and dialogue.says_no(text) and not name:
            return _say(f"Sorry. {_WHICH_ONE}")
        if not name or entities.closest(name, self.request.known) is None:
            return None  # not about our question: the utterance stands on its own
        return self._act(tool, replace(filled, arguments={**filled.arguments, unsure[0]: name}))

    def _pending(self) -> tuple[ToolSpec, Filled, Param] | None:
        """The tool call we are collecting arguments for, if our last turn asked for one.

        Replays the conversation: a request, routed as it was when it was said, then our question
        and the user's answer, possibly a few times, up to our question that the last message answers.
        """
        messages = self.messages
        for start in range(len(messages) - 3, max(-1, len(messages) - 3 - 2 * _MAX_QUESTION_ROUNDS), -2):
            turns = messages[start:-1]
            roles = [m.role for m in turns]
            if roles != ["user", "assistant"] * (len(turns) // 2) or any(m.tool_calls for m in turns):
                return None
            earlier = _Turn(replace(self.request, messages=messages[: start + 1]), self.now)
            choice = earlier._route(phrasing.request(turns[0].content))
            if not isinstance(choice, tuple):
                continue
            tool, filled = choice
            for i in range(1, len(turns), 2):
                if not filled.missing or not turns[i].content.strip().endswith(
                    arguments.question(filled.missing[0])
                ):
                    break
                if i + 1 == len(turns):
                    return tool, filled, filled.missing[0]
                asked = filled.missing[0].name
                filled = arguments.fill_answer(tool, asked, turns[i + 1].content, filled.arguments, self.now)
        return None

    def _follow_up(self, text: str) -> list[BrainEvent] | None:
        """An answer to what the last action asked or did: "yes", "no", "the other one", "another".

        Its calls are built from a result's values, so they are checked against the schema too."""
        events = self._follow_up_events(text)
        if events is None or self.last is None:
            return events
        calls = [e for e in events if isinstance(e, ToolCall)]
        if any(validation.call_problem(self.last.tool.parameters, json.loads(c.arguments)) for c in calls):
            return _say("Sorry, I'm not sure which one you mean. Could you say its name?")
        return events

    def _follow_up_events(self, text: str) -> list[BrainEvent] | None:
        last = self.last
        if last is None:
            return None
        entity = _entity_param(last)
        others = [a for a in last.alternatives() if entity is None or a != last.entity(entity)]
        confirm = dialogue.confirmation_param(last.tool)
        pending = last.asked and confirm is not None and not last.arguments.get(confirm)
        undo = last.undo()
        if dialogue.asks_undo(text):
            return [_call(last.tool, undo)] if undo else _say("Sorry, I can't undo that. Anything else?")
        instead = dialogue.meant_instead(text) or self._held_instead(text, last, entity)
        if instead is not None and entity is not None:
            amended = self._amend(instead, corrects=True)  # "I meant 5 pm": a value, not another thing
            if amended is not None:
                return amended
            calls = [_call(last.tool, undo)] if undo and not pending else []
            return [*calls, _call(last.tool, {**last.arguments, entity: instead})]
        also = dialogue.also_for(text)
        if also is not None and entity is not None:  # "and the dentist one too": the same for another
            return [_call(last.tool, {**({} if intent.creates(last.tool) else last.arguments), entity: also})]
        if dialogue.means_other(text) and others and entity is not None:
            calls = [_call(last.tool, undo)] if undo and not pending else []
            return [*calls, _call(last.tool, {**last.arguments, entity: others[0]})]
        if pending and confirm is not None:
            if dialogue.says_yes(text):
                exact = {entity: last.entity(entity)} if entity is not None else {}
                return [_call(last.tool, {**last.arguments, **exact, confirm: True})]
            if dialogue.says_no(text):
                return _say("Okay, I'll leave it as it is. Anything else?")
        rest = dialogue.correction(text)
        if rest is not None and _BARE_HOUR.match(rest):
            rest = f"at {rest}"  # "no, 6" after a time: the hour
        amended = self._amend(rest or text, corrects=rest is not None) if not pending else None
        if amended is not None:
            return amended
        required = [p for p in arguments.params_of(last.tool) if p.required]
        if not required and dialogue.asks_again(text) and len(lexicon.tokens(text)) <= 6:
            return [_call(last.tool, last.arguments)]  # "another one": a hint, a joke, a fact
        return None

    def _held_instead(self, text: str, last: dialogue.LastAction, entity: str | None) -> str | None:
        """ "No, the plumber": after a lead-in that says the last thing was the wrong one, words
        that name another held thing are the one meant."""
        named = dialogue.named_after_wrong(text)
        value = last.entity(entity) if entity is not None else None
        if named is None or value is None or not entities.held(named, self.request.known):
            return None
        return None if entities.held(named, [value]) else named

    def _amend(self, text: str, corrects: bool) -> list[BrainEvent] | None:
        """A correction of the last change, or values that go on with it ("no, make it Thursday",
        "actually high priority", "I meant 5 pm", "tomorrow at 7" after adding): the same change made
        again with the values the words give (a time alone keeps the day); for a thing just created,
        the one tool that sets those values on it. Values alone go on with it; other words only after
        a correction's lead-in ("no", "actually") that could not be a new request."""
        last = self.last
        entity = _entity_param(last) if last is not None else None
        if last is None or entity is None or not intent.writes(last.tool) or intent.is_question(text):
            return None  # a question never writes
        if not corrects and any(m.score >= routing.THRESHOLD for m in routing.rank(self.tools, text)):
            return None  # a request of its own
        value = last.entity(entity)
        if not intent.creates(last.tool):
            filled = arguments.fill(last.tool, text, self.now)
            given = {
                p.name: filled.arguments[p.name]
                for p in arguments.params_of(last.tool)
                if p.name != entity and p.name in filled.arguments and p.kind in arguments.TYPED_KINDS
            }
            if given:
                kept = {k: dialogue.keep_day(last.arguments.get(k), v, text) for k, v in given.items()}
                return _act(last.tool, Filled({**last.arguments, entity: value, **kept}))
        changers = [t for t in self.tools if intent.writes(t) and not intent.creates(t)]
        found = _by_reference(changers, text, self.now, entity)
        if found is None:
            return None
        tool, filled = found
        kept = {k: dialogue.keep_day(last.arguments.get(k), v, text) for k, v in filled.arguments.items()}
        return _act(tool, Filled({**kept, entity: value}))

    def _referent(self, text: str) -> tuple[str, str | None, str] | None:
        """What "it", "that one" or "the second one" stands for: (the utterance with "it" in its
        stead, the parameter that named it in the last action or None, the thing). An ordinal counts
        in what the last result read out; "it" is the thing the last action was about, or the one
        thing it read out."""
        last = self.last
        if last is None:
            return None
        listed = last.listed()
        placed = dialogue.ordinal(text)
        if placed is not None and listed:
            at, said = placed
            return (said, None, listed[at]) if -len(listed) <= at < len(listed) else None
        if not dialogue.refers_back(text):
            return None
        name = _entity_param(last)
        value = last.entity(name) if name is not None else None
        if name is not None and value is not None:
            return text, name, value
        if len(listed) == 1:
            return text, None, listed[0]
        # "Anything about the picnic?" read out two; "that one" is the one the question named.
        asked = next((m.content for m in reversed(self.messages[:-1]) if m.role == "user"), "")
        words = set(lexicon.content_stems(asked))
        named = [n for n in listed if words & set(lexicon.content_stems(n))]
        return (text, None, named[0]) if len(named) == 1 else None

    def _route(self, text: str) -> tuple[ToolSpec, Filled] | list[ToolSpec] | None:
        """The tool the utterance asks for: only tools that read for a question; the thing just
        talked about for "it"; a report that something is done as a request to mark it so."""
        question = intent.is_question(text)
        tools = [t for t in self.tools if not (question and intent.writes(t))]
        referent = None if _opens_new(tools, text) else self._referent(text)
        if referent is not None:
            text = referent[0]
            last = self.last
            if last is not None and intent.creates(last.tool):  # what was just created is not created again
                tools = [t for t in tools if t.name != last.tool.name]
        meaning = f"{text} done" if intent.reports_done(text) else None
        changed = _by_reference(tools, text, self.now, referent[1]) if referent is not None else None
        choice = changed or _choose(tools, text, self.now, meaning, self.request.known)
        if choice is None:
            choice = _by_degree(tools, text, self.now)
        if choice is None and not question and referent is None:
            choice = self._new_thing(tools, text)
        if question and referent is not None and (choice is None or dialogue.points_back(text)):
            # "what about the first one?", "when is it due?": the one reader by name, given the thing.
            choice = _reading_one(tools, referent[1]) or choice
        if choice is None and question:
            choice = _by_filter(tools, text, self.now) or _look_up(tools, text, self.now)
        if question and not isinstance(choice, tuple):
            # "What's the story with the ladder?": a question that names one held thing is about it.
            choice = self._held_thing(tools, text) or choice
        elif question and isinstance(choice, tuple) and _ABOUT_A_THING.search(text):
            # "When is the report due?" asks about that thing, even where a listing shares its words.
            choice = _look_up(tools, text, self.now) or choice
        if not question and isinstance(choice, tuple) and not intent.writes(choice[0]):
            # "Remind me.": a command whose words ask most for a tool that writes is not answered by
            # one that reads because a value is still missing: the missing value is asked for.
            ranked = routing.rank(tools, text)
            top = ranked[0] if ranked else None
            if top is not None and top.score >= routing.THRESHOLD and intent.writes(top.tool):
                asked = next(m.score for m in ranked if m.tool is choice[0])
                if top.score > asked:
                    choice = top.tool, arguments.fill(top.tool, text, self.now)
        if not isinstance(choice, tuple):
            return choice
        tool, filled = choice
        if not intent.writes(tool) and _SPAN.search(text):
            # "What's left this week?": a week is no one day, so a reader is not narrowed to one.
            kept = {k: v for k, v in filled.arguments.items() if k not in _optional_days(tool)}
            filled = Filled(kept, filled.missing, filled.invalid)
        name = _target(tool, referent[1] if referent is not None else None)
        filled = _double_object(filled, name, self.request.known)
        if not intent.creates(tool):
            filled = _held_part(filled, name, self.request.known)
        said = filled.arguments.get(name) if name is not None else None
        pronoun = isinstance(said, str) and dialogue.pronoun_led(said)
        if referent is None and pronoun and name is not None and not intent.creates(tool):
            # "mark it done" with nothing to refer to: which one is asked for
            values = {k: v for k, v in filled.arguments.items() if k != name}
            missing = [p for p in arguments.params_of(tool) if p.required and p.name not in values]
            return tool, Filled(values, missing, filled.invalid)
        # "also mark the car service done": a thing the words name stands; "it" is the thing referred to.
        if (
            referent is not None
            and name is not None
            and (said is None or pronoun or dialogue.points_back(text))
        ):
            values = {**filled.arguments, name: referent[2]}
            missing = [p for p in filled.missing if p.name != name]
            filled = Filled(values, missing, filled.invalid)
        return tool, filled

    def _new_thing(self, tools: Sequence[ToolSpec], text: str) -> tuple[ToolSpec, Filled] | None:
        """ "Schedule team lunch for Thursday", "plan a picnic on Sunday": an imperative whose verb
        no tool is named by, with a time and a thing that is none of the held ones, asks for the one
        tool that creates things with a time (a statement, "it's going to rain tomorrow", does not)."""
        if _SUBJECT_FIRST.match(_INTERJECTION.sub("", text)):
            return None
        makers = [
            t
            for t in tools
            if intent.creates(t) and any(p.kind in _TIME_KINDS for p in arguments.params_of(t))
        ]
        if len(makers) != 1:
            return None
        timed = [p for p in arguments.params_of(makers[0]) if p.kind in _TIME_KINDS]
        # The verb is the thing's own ("call mum tomorrow" is a call to make), unless it only says
        # that something is arranged for a time ("schedule team lunch": the lunch is the thing).
        verb = next(iter(lexicon.name_words(makers[0].name)), "")
        arranged = _ARRANGING.match(text) is not None
        filled = arguments.fill(makers[0], text if arranged else f"{verb} {text}", self.now)
        if filled.missing or not any(p.name in filled.arguments for p in timed):
            return None
        values = [v for p in arguments.params_of(makers[0]) if p.kind in _NAMING_KINDS
                  and isinstance(v := filled.arguments.get(p.name), str)]  # fmt: skip
        return None if any(entities.held(v, self.request.known) for v in values) else (makers[0], filled)

    def _each_clause(self, text: str) -> list[BrainEvent] | None:
        """ "Make it high priority and tag it shopping": clauses joined by "and", each a verb with
        "it" for the thing just talked about, are each a change to it, made one after the other."""
        clauses = [c for c in _NEXT_CLAUSE.split(text) if c.strip()]
        if len(clauses) < 2 or len(clauses) > _MAX_CLAUSES or intent.is_question(text):
            return None
        calls: list[BrainEvent] = []
        for clause in clauses:
            if not _PRONOUN_CLAUSE.match(clause) or self._referent(clause) is None:
                return None
            choice = self._route(clause)
            if not isinstance(choice, tuple) or choice[1].missing:
                return None
            tool, filled = choice
            if self._unsure(tool, filled) is not None or validation.call_problem(
                tool.parameters, filled.arguments
            ):
                return None
            calls.append(_call(tool, filled.arguments))
        return calls if len({c.name for c in calls if isinstance(c, ToolCall)}) == len(calls) else None

    def _each_held(self, text: str) -> list[BrainEvent] | None:
        """ "Mark both the plumber call and the gas bill as done": a change to several held things,
        named one after the other, is made to each."""
        if intent.is_question(text) or " and " not in text.lower():
            return None
        choice = self._route(text)
        if not isinstance(choice, tuple) or choice[1].missing or not intent.writes(choice[0]):
            return None
        tool, filled = choice
        name = _target(tool, None)
        value = filled.arguments.get(name) if name is not None else None
        parts = _several_held(value, self.request.known) if isinstance(value, str) else None
        if name is None or parts is None or intent.creates(tool) or dialogue.confirmation_param(tool):
            return None  # a tool that asks first asks about one thing at a time
        each = [{**filled.arguments, name: part} for part in parts]
        if any(validation.call_problem(tool.parameters, a) for a in each):
            return None
        return [_call(tool, a) for a in each]

    def _each_new(self, text: str) -> list[BrainEvent] | None:
        """ "Add two things: buy stamps, and post the parcel": a counted list of new things after a
        creating verb is one new thing each, made one after the other."""
        found = _COUNTED.match(text)
        if found is None or intent.is_question(text):
            return None
        wanted = _COUNTS.get(found.group("count").lower())
        items = [i for i in re.split(r"\s*[,;]\s*(?:and\s+)?", found.group("items").strip(" .!")) if i]
        if len(items) != wanted:
            items = [
                i
                for i in re.split(r"\s*[,;]\s*(?:and\s+)?|\s+and\s+", found.group("items").strip(" .!"))
                if i
            ]
        if len(items) < 2 or (wanted is not None and len(items) != wanted) or len(items) > _MAX_OPTIONS + 2:
            return None
        calls: list[BrainEvent] = []
        for item in items:
            choice = self._route(f"{found.group('verb')} {item}")
            if not isinstance(choice, tuple) or choice[1].missing or not intent.creates(choice[0]):
                return None
            if validation.call_problem(choice[0].parameters, choice[1].arguments):
                return None
            calls.append(_call(*choice[:1], choice[1].arguments))
        return calls

    def _held_thing(self, tools: Sequence[ToolSpec], text: str) -> tuple[ToolSpec, Filled] | None:
        """The one tool that reads a thing by its name, for words that name exactly one of the
        things the tools hold (`known`) by their own words."""
        readers = [t for t in tools if not intent.writes(t) and [p.kind for p in arguments.params_of(t)
                   if p.required] in (["text"], ["entity"], ["name"])]  # fmt: skip
        if len(readers) != 1 or not self.request.known:
            return None
        filled = arguments.fill(readers[0], text, self.now)
        name = next((p.name for p in arguments.params_of(readers[0]) if p.required), "")
        value = filled.arguments.get(name)
        if not isinstance(value, str) or entities.tied(value, self.request.known):
            return None
        match = entities.closest(value, self.request.known)
        return (readers[0], filled) if match is not None and match.sure else None

    @functools.cached_property
    def last(self) -> dialogue.LastAction | None:
        return dialogue.last_action(self.messages, self.tools)

    def _tool_results(self) -> str:
        """The results the conversation ends with, spoken; "" when it does not end with any."""
        outputs: list[Message] = []
        for message in reversed(self.messages):
            if message.role != "tool":
                break
            outputs.insert(0, message)
        names = {c.call_id: c.name for m in self.messages for c in m.tool_calls}
        return " ".join(results.speak(names.get(m.tool_call_id or ""), m.content) for m in outputs)

    def _continuation(self, text: str) -> ToolCall | str | None:
        """The call that reads on, when the user wants the rest a tool result offered ("yes", "go on").

        A result that leaves some unsaid (a long list) offers the rest as `more`: the arguments to
        call the same tool with next. Asked for more after a result that offered none, we say so.
        """
        if not _MORE.match(text) or (dialogue.means_other(text) and self.last and self.last.alternatives()):
            return None
        if (
            self.last is not None
            and self.last.asked
            and dialogue.confirmation_param(self.last.tool) is not None
        ):
            return None  # "yeah, go on" to "Do you really want to delete X?" confirms it
        nothing_more = "That's all of it." if _ASKS_MORE.search(text) else None
        names = {c.call_id: c.name for m in self.messages for c in m.tool_calls}
        for message in reversed(self.messages[:-1]):
            if message.role == "user":
                return None
            if message.role == "tool":
                data = results.parse(message.content)
                more = data.get("more") if isinstance(data, dict) else None
                tool = next((t for t in self.tools if t.name == names.get(message.tool_call_id or "")), None)
                return _call(tool, more) if isinstance(more, dict) and tool is not None else nothing_more
        return None

    def _forced_tool(self, text: str) -> ToolSpec | None:
        choice = self.request.tool_choice
        if isinstance(choice, dict):
            name = choice.get("name") or (choice.get("function") or {}).get("name")
            return next((t for t in self.tools if t.name == name), None)
        if choice == "required" and self.tools:
            return routing.rank(self.tools, text)[0].tool
        return None

    def _small_talk(self, intent: str) -> str:
        replies: dict[str, Callable[[], str]] = {
            "cancel": lambda: "Okay, never mind. Anything else?",
            "bye": lambda: self.persona.farewell or "Goodbye! Have a great day.",
            "thanks": lambda: "You're welcome! Anything else?",
            "capabilities": self._capabilities,
            "who": lambda: f"I'm {self.persona.describe()}.",
            "how_are_you": lambda: "I'm doing well, thanks for asking. How can I help?",
            "repeat": self._last_said,
            "time": lambda: f"It's {results.clock_time(self.now.hour, self.now.minute)}.",
            "date": lambda: f"Today is {self.now:%A, %B} {self.now.day}.",
            "greeting": self.persona.introduce,
            "rules": lambda: self.persona.explain() or self._capabilities(),
            "no": lambda: "Alright. Let me know if you need anything.",
            "ok": lambda: "Great. Anything else I can help with?",
            "filler": lambda: "Take your time. What would you like to do?",
            "exclaim": lambda: "I hear you. Is there anything I can help with?",
        }
        return replies[intent]()

    def _last_said(self) -> str:
        said = next(
            (m.content for m in reversed(self.messages[:-1]) if m.role == "assistant" and m.content), ""
        )
        return said or "I haven't said anything yet. How can I help?"

    def _capabilities(self) -> str:
        if not self.tools:
            return "Without a language model I can tell you the time and date, and chat a little."
        things = [routing.describe(t) for t in self.tools[:5]]
        more = " and more" if len(self.tools) > 5 else ""
        return f"I can {lexicon.join(things)}{more}. Just ask."


def _choose(
    tools: Sequence[ToolSpec], text: str, now: datetime, meaning: str | None = None, known: Sequence[str] = ()
) -> tuple[ToolSpec, Filled] | list[ToolSpec] | None:
    """The tool `text` asks for, with its arguments; the tied tools when it cannot tell; or None.

    `meaning` is what the words mean when it says more than they do ("I paid the bill" is done)."""
    candidates = []
    meant = semantic.similarities(tools, text)
    closeness = dict(zip((t.name for t in tools), meant[0], strict=True)) if meant else {}
    for match in routing.rank(tools, meaning or text):
        if match.score < routing.THRESHOLD:
            break
        filled = arguments.fill(match.tool, text, now)
        # Values the words carry are evidence too: "push the report to thursday" has a date for
        # the tool that takes one, and nothing for the one that marks a task done. A parameter with
        # a default (a page cursor, a priority) is a refinement, not evidence of what was asked.
        # An optional free-form filter is only filled when named ("tagged work", "family tasks"):
        # half a point that the words asked for this tool.
        typed = sum(
            1.0
            if p.kind in arguments.TYPED_KINDS and "default" not in p.spec
            else 0.5
            if p.kind == "entity"
            else 0.0
            for p in arguments.params_of(match.tool)
            if p.name in filled.arguments and not p.required
        ) + sum(
            p.kind in arguments.TYPED_KINDS and "default" not in p.spec
            for p in arguments.params_of(match.tool)
            if p.name in filled.arguments and p.required
        )
        # Meaning breaks near-ties between tools that share words ("note" in a new task's request).
        nearness = round(_MEANING_WEIGHT * closeness.get(match.tool.name, 0.0), 1)
        # "Add the tag errands to printer ink": what follows "to" or "on" is where the value goes, an
        # existing thing, not a new one to create.
        aimed = routing.THRESHOLD * (
            intent.creates(match.tool) and _aimed_at(match.tool, filled, text, known)
        )
        candidates.append(
            (match.score + typed - len(filled.missing) / 2 + nearness - aimed, match.tool, filled)
        )
    if not candidates:
        return _by_meaning(tools, text, now, meant) or _by_value(tools, text, now)
    best = max(score for score, _, _ in candidates)
    chosen = [(tool, filled) for score, tool, filled in candidates if score == best]
    return chosen[0] if len(chosen) == 1 else _closest(chosen, closeness) or [tool for tool, _ in chosen]


def _opens_new(tools: Sequence[ToolSpec], text: str) -> bool:
    """ "Add eggs, tag it food": a request that opens with a creating tool's own verb and a new
    object is about that new thing, and its "it" is the new thing too. Not when the object is a
    pronoun, a thing another tool is named for ("add a note saying ..."), or goes on the old one
    ("add a tag to it"), nor after "and" (a fragment that goes on with the last thing)."""
    found = _VERB_AND_OBJECT.match(text)
    if found is None or _ON_IT.search(text):
        return False
    verb, thing = lexicon.stem(found.group("verb").lower()), lexicon.stem(found.group("object").lower())
    creators = [t for t in tools if intent.creates(t) and verb == routing.verb_of(t)]
    own = {lexicon.stem(w) for t in creators[:1] for w in lexicon.name_words(t.name)}
    named = {lexicon.stem(w) for t in tools for w in lexicon.name_words(t.name)} - own
    return bool(creators) and thing not in named


_ON_IT = re.compile(r"\b(?:to|on|onto|for)\s+(?:it|that|this|them)\b", re.I)
_VERB_AND_OBJECT = re.compile(
    r"^\W*" + lexicon.run_of(r"please|can\s+you|could\s+you|ok(?:ay)?|now", 3) + r"(?P<verb>[a-z]+)\s+"
    r"(?:(?:a|an|the|another|some)\s+)?(?!(?:it|that|this|them|those|these)\b)(?P<object>[a-z]+)",
    re.I,
)


def _aimed_at(tool: ToolSpec, filled: Filled, text: str, known: Sequence[str]) -> bool:
    """Whether the thing `tool` would create is said as the object of "to", "on" or "onto" and is
    one of the things held already (`known`): the place a value goes, not a new thing."""
    said = extract.normalize(text).lower()
    for param in arguments.params_of(tool):
        value = filled.arguments.get(param.name)
        # A held name is short; a long value (a pasted text) is no name, and is not searched for.
        if not (param.required and param.kind in _NAMING_KINDS and isinstance(value, str) and value):
            continue
        if len(value) > _LONGEST_NAME:
            continue
        held = entities.closest(value, known)
        if (
            held is not None
            and held.sure
            and re.search(rf"\b(?:to|on|onto)\s+{re.escape(value.lower())}\b", said)
        ):
            return True
    return False


def _closest(
    chosen: Sequence[tuple[ToolSpec, Filled]], closeness: dict[str, float], lead: float = _TIE_LEAD
) -> tuple[ToolSpec, Filled] | None:
    """Of tools the words tie, the one clearly closest in meaning (None when none is)."""
    if not closeness:
        return None
    ranked = sorted(chosen, key=lambda c: -closeness.get(c[0].name, 0.0))
    ahead = closeness.get(ranked[0][0].name, 0.0) - closeness.get(ranked[1][0].name, 0.0)
    return ranked[0] if ahead >= lead else None


def _by_meaning(
    tools: Sequence[ToolSpec], text: str, now: datetime, meant: tuple[list[float], float] | None
) -> tuple[ToolSpec, Filled] | None:
    """The tool whose meaning is clearly closest when none shares the words ("give me a clue")."""
    if meant is None:
        return None
    kept = [i for i, tool in enumerate(tools) if not routing.changes_one(tool, text)]
    tools, meant = [tools[i] for i in kept], ([meant[0][i] for i in kept], meant[1])
    if not tools:
        return None
    scores, chat = meant
    ranked = sorted(zip(scores, range(len(tools)), strict=True), reverse=True)
    best, index = ranked[0]
    runner_up = ranked[1][0] if len(ranked) > 1 else 0.0
    if best < _MEANING_FLOOR or best < chat - _CHAT_MARGIN or best - runner_up < _MEANING_LEAD:
        return None
    return tools[index], arguments.fill(tools[index], text, now)


def _by_degree(tools: Sequence[ToolSpec], text: str, now: datetime) -> tuple[ToolSpec, Filled] | None:
    """ "Make the footer typo less critical", "not critical any more": a scale's option said by degree
    is a change to something held, so it asks for the one tool that changes that option (not the
    one that creates a thing with it), when the words name no tool."""
    found = [t for t in tools if arguments.by_degree(t, text, now)]
    changers = [t for t in found if intent.writes(t) and not intent.creates(t)]
    one = changers if len(changers) == 1 else found
    return (one[0], arguments.fill(one[0], text, now)) if len(one) == 1 else None


def _look_up(tools: Sequence[ToolSpec], text: str, now: datetime) -> tuple[ToolSpec, Filled] | None:
    """A question about one of the user's things ("when is my dentist appointment?") for the one tool
    that reads a thing by its words, unless the question sounds like chat."""
    readers = [t for t in tools if [p.kind for p in arguments.params_of(t) if p.required] == ["text"]]
    if len(readers) != 1 or not (_FIRST_PERSON.search(text) or _ABOUT_A_THING.search(text)):
        return None
    meant = semantic.similarities(readers, text)
    if meant is not None and meant[1] >= _CHAT_QUESTION:
        return None
    filled = arguments.fill(readers[0], text, now)
    return (readers[0], filled) if not filled.missing else None


def _by_filter(tools: Sequence[ToolSpec], text: str, now: datetime) -> tuple[ToolSpec, Filled] | None:
    """A question whose words set an option of exactly one reading tool ("anything urgent today?"
    sets list_due_tasks' priority): it asks for that tool, filtered so."""
    counted: list[tuple[int, ToolSpec, Filled]] = []
    days_only = True
    for tool in tools:
        filled = arguments.fill(tool, text, now)
        # An optional free-form value is only filled when named ("tagged work", "anything health
        # related?"), so it sets a filter as surely as a typed one.
        kinds = [p.kind for p in arguments.params_of(tool) if p.name in filled.arguments
                 and (p.kind != "entity" or not p.required)]  # fmt: skip
        filters = sum(kind in _FILTER_KINDS for kind in kinds)
        if not filled.missing and filters:
            counted.append((filters, tool, filled))
            days_only = days_only and not any(kind in ("enum", "boolean", "entity") for kind in kinds)
    most = max((n for n, _, _ in counted), default=0)
    found = [(tool, filled) for n, tool, filled in counted if n == most]  # the one that takes all said
    meant = semantic.similarities([tool for tool, _ in found], text) if found else None
    if meant is not None and days_only and max(meant[0]) < meant[1] and not _FIRST_PERSON.search(text):
        return None  # a day alone, and it sounds like chat: "what's the weather tomorrow?"
    if len(found) > 1:  # "what's the plan for tomorrow?": the day fits a listing and a summary
        names = [tool.name for tool, _ in found]
        # Any of them only reads, so the closest in meaning is taken however slightly closer.
        return _closest(found, dict(zip(names, meant[0], strict=True)), lead=0.0) if meant else None
    return found[0] if found else None


# "... and tag it shopping": "and" before a verb with a pronoun object opens another clause.
_NEXT_CLAUSE = re.compile(r"\s*,?\s+and\s+(?=[a-z]+\s+(?:it|that|this)\b)", re.I)
_PRONOUN_CLAUSE = re.compile(
    r"^\W*" + lexicon.run_of(r"also|then|please|and|oh|ok(?:ay)?|now", 3) + r"[a-z]+\s+(?:it|that|this)\b",
    re.I,
)
_MAX_CLAUSES = 3
_ARRANGING = re.compile(
    r"^\W*"
    + lexicon.run_of(r"please|just|can\s+you|could\s+you")
    + r"(?:schedule|book|plan|arrange|organi[sz]e|set\s+up|pencil)\b",
    re.I,
)
_TIME_KINDS = ("datetime", "date", "time")
# A statement opens with its subject ("it's going to rain", "we have ..."); an imperative with its verb.
_SUBJECT_FIRST = re.compile(
    r"^\W*(?:i|i'm|i've|i'd|it|it's|its|we|we're|you|you're|they|they're|he|she|there|there's|this|that"
    r"|that's|the|my|our|your)\b",
    re.I,
)
_INTERJECTION = re.compile(
    r"^\W*(?:(?:ugh|oh|ah|aw|well|so|man|god|gosh|wow|hmm|okay|ok|yeah|right)\b\W*){1,4}", re.I
)
_FILTER_KINDS = ("enum", "boolean", "date", "datetime", "entity")


_SPAN = re.compile(r"\b(?:this|the|next|coming|rest\s+of\s+the)\s+(?:week|weekend|month|year)\b", re.I)
"""A stretch of days, not one day."""


def _optional_days(tool: ToolSpec) -> set[str]:
    return {p.name for p in arguments.params_of(tool) if p.kind in ("date", "datetime") and not p.required}


def _double_object(filled: Filled, name: str | None, known: Sequence[str]) -> Filled:
    """ "Tag the plumber call urgent", "label the report work": after the words of a held thing, the
    last word is the value of a list still missing (the thing is not called "... urgent")."""
    lists = [p for p in filled.missing if p.kind == "list"]
    value = filled.arguments.get(name) if name is not None else None
    if not lists or name is None or not isinstance(value, str) or len(value) > _LONGEST_NAME:
        return filled
    *head, tail = value.split() or [""]
    thing = " ".join(head)
    if not head or not entities.held(thing, known) or entities.held(value, known):
        return filled
    if entities.closest(tail, [n for n in known if entities.held(thing, [n])]) is not None:
        return filled  # "tag the domain renewal": a form of the name's own word ("Renew the domain")
    values = {**filled.arguments, name: thing, lists[0].name: [tail]}
    return Filled(values, [p for p in filled.missing if p is not lists[0]], filled.invalid)


_REOPEN = frozenset(lexicon.stem(w) for w in ("reopen", "undo", "undone", "unfinished"))


def _reopener(tools: Sequence[ToolSpec]) -> tuple[ToolSpec, Param] | None:
    """The one tool with a flag that reopens a thing (its words say "reopen" or "undo"), and the flag."""
    found = [
        (tool, flag)
        for tool in tools
        for flag in arguments.params_of(tool)
        if flag.kind == "boolean" and flag.hints & _REOPEN and intent.writes(tool)
    ]
    return found[0] if len(found) == 1 and _target(found[0][0], None) is not None else None


def _reopen(tool: ToolSpec, flag: Param, text: str, known: Sequence[str]) -> tuple[ToolSpec, Filled] | None:
    """ "I haven't actually returned the blender yet": `tool` with its reopening `flag`, for the
    thing the words name."""
    name = _target(tool, None)
    if name is None or not lexicon.content_stems(text) or entities.tied(text, known):
        return None
    # A thing done is no longer held (only open things are), so its words name it when no held name fits.
    held = entities.closest(text, known)
    thing = held.name if held is not None and held.sure else text
    return tool, Filled({name: thing, flag.name: True})


def _several_held(value: str, known: Sequence[str]) -> list[str] | None:
    """ "both the plumber call and the gas bill": the held things a value names one by one, when it
    names several (and is not the name of one)."""
    if len(value) > _LONGEST_NAME or entities.held(value, known):
        return None
    both = re.sub(r"^\W*both\s+", "", value, flags=re.I)
    parts = [p for p in re.split(r"\s*,\s*(?:and\s+)?|\s+and\s+", both) if p]
    matches = [entities.closest(p, known) for p in parts]
    names = {m.name for m in matches if m is not None and m.sure}
    return parts if 2 <= len(parts) <= _MAX_OPTIONS and len(names) == len(parts) else None


_MAX_NAME_WORDS = 16
"""The most words searched for a held name inside a longer value (runs of them grow as its square)."""
_ARTICLES = frozenset({"the", "my", "a", "an", "our", "this", "that"})


def _held_part(filled: Filled, name: str | None, known: Sequence[str]) -> Filled:
    """ "Bin the passport, I'm not doing it any more", "wait, is the plumber call done already?": of
    words that name a held thing among others, the thing is named by the longest run of them that is
    all its own (the words around it only went on)."""
    value = filled.arguments.get(name) if name is not None else None
    if (
        name is None
        or not isinstance(value, str)
        or len(value) > _LONGEST_NAME
        or entities.held(value, known)
        or _several_held(value, known)  # "the plumber call and the gas bill": each is named whole
    ):
        return filled
    words = value.split()[:_MAX_NAME_WORDS]
    runs = ((start, start + n) for n in range(len(words) - 1, 0, -1) for start in range(len(words) - n + 1))
    start, end = next((r for r in runs if entities.held(" ".join(words[r[0] : r[1]]), known)), (0, 0))
    while end - start > 1 and words[end - 1].lower() in lexicon.STOPWORDS:
        end -= 1  # "passport I'm not": the words that only went on
    while end - start > 1 and words[start].lower() in lexicon.STOPWORDS - _ARTICLES:
        start += 1  # "is the plumber call"
    return (
        replace(filled, arguments={**filled.arguments, name: " ".join(words[start:end])}) if end else filled
    )


_COUNTS = {"two": 2, "2": 2, "three": 3, "3": 3, "four": 4, "4": 4, "both": 2}
_COUNTED = re.compile(
    r"^\W*(?:.*?\b)?(?P<verb>[a-z]+)\s+(?:these\s+|the\s+following\s+)?(?P<count>two|three|four|[234]|a\s+couple\s+of|a\s+few)"
    r"\s+(?:more\s+|new\s+)?(?:things|tasks|items|reminders|to-?dos|jobs|bits)\s*(?:for\s+me\s*)?[:,-]?\s+(?P<items>.+)$",
    re.I,
)


def _reading_one(tools: Sequence[ToolSpec], name: str | None) -> tuple[ToolSpec, Filled] | None:
    """The one tool that reads a thing by its name alone, to be given the thing referred to."""
    readers = [
        t
        for t in tools
        if not intent.writes(t)
        and [p.name for p in arguments.params_of(t) if p.required] == [_target(t, name)]
    ]
    return (readers[0], Filled()) if len(readers) == 1 else None


def _target(tool: ToolSpec, name: str | None) -> str | None:
    """The parameter of `tool` that names the thing referred to: `name` when it takes one so called,
    else its first required name-like parameter."""
    params = arguments.params_of(tool)
    if name is not None and any(p.name == name for p in params):
        return name
    return next((p.name for p in params if p.required and p.kind in _NAMING_KINDS), None)


_NAMING_KINDS = ("text", "entity", "name")


def _by_reference(
    tools: Sequence[ToolSpec], text: str, now: datetime, entity: str | None
) -> tuple[ToolSpec, Filled] | None:
    """ "Put it on Saturday", "and tag it bills", "with a note: ...": about the thing just talked
    about, the one tool that takes it and whose other required values the words clearly give (a
    typed value, or a value named by the parameter's own word)."""
    said = set(lexicon.content_stems(text))
    found = []
    for tool in tools:
        params = arguments.params_of(tool)
        target = _target(tool, entity)
        others = [p for p in params if p.required and p.name != target]
        if target is None or not others:
            continue
        filled = arguments.fill(tool, text, now)
        if all(
            p.name in filled.arguments and (p.kind in arguments.TYPED_KINDS or p.words & said) for p in others
        ):
            found.append((tool, filled))
    return found[0] if len(found) == 1 else None


def _by_value(tools: Sequence[ToolSpec], text: str, now: datetime) -> tuple[ToolSpec, Filled] | None:
    """The one tool that takes a code, when the words are mostly digits ("4 8 2 1", "482 ion"): a bare
    value of a kind only one tool takes asks for that tool."""
    takers = [t for t in tools if any(p.kind == "code" and p.required for p in arguments.params_of(t))]
    words = lexicon.tokens(extract.normalize(text))
    digits = [w for w in words if w.isdigit()]
    if len(takers) != 1 or not digits:
        return None
    # "I reckon the first digit is a three", "it starts with a six": a longer sentence that places
    # digits in a code, or names the code's own words, gives part of one (and it is asked for).
    hints = {h for p in arguments.params_of(takers[0]) if p.kind == "code" for h in p.hints}
    placed = _PLACES_DIGITS.search(text) or hints & {lexicon.stem(w) for w in words}
    if len(words) > 2 * len(digits) + 4 and not placed:
        return None
    return takers[0], arguments.fill(takers[0], text, now)


_PLACES_DIGITS = re.compile(
    r"\b(?:starts?|starting|begins?|beginning|ends?|ending)\s+with\b|\b(?:first|second|third|fourth|last)"
    r"\s+(?:digit|number|one)\b",
    re.I,
)


def _answered(tool: ToolSpec, filled: Filled, asked: Param, text: str, now: datetime) -> Filled | None:
    """The call's arguments once `text` answers our question for `asked`, when it does. A free-text
    answer is read like a request of its own ("pay the gas bill on Tuesday": a title and a day)."""
    if asked.kind == "text":
        # After the tool's own verb, so that a verb the answer opens with stays ("call mum").
        verb = next(iter(lexicon.name_words(tool.name)), "")
        whole = arguments.fill(tool, f"{verb} {text}", now)
        if asked.name in whole.arguments:
            values = {**filled.arguments, **whole.arguments}
            return Filled(values, [p for p in filled.missing if p.name not in values], whole.invalid)
    answer = arguments.fill_answer(tool, asked.name, text, filled.arguments, now)
    return answer if asked.name in answer.arguments else None


def _entity_param(last: dialogue.LastAction) -> str | None:
    """The parameter that named what the last action was about ("title"), if the result says."""
    return next((p.name for p in arguments.params_of(last.tool) if last.entity(p.name) is not None
                 and p.kind in _NAMING_KINDS), None)  # fmt: skip


def _act(tool: ToolSpec, filled: Filled) -> list[BrainEvent]:
    """Call the tool, or ask for the first required argument still missing (or not fitting its schema)."""
    if filled.missing:
        return _say(_ask(filled.missing[0], filled.invalid.get(filled.missing[0].name)))
    problem = validation.call_problem(tool.parameters, filled.arguments)
    if problem is not None:  # never call with arguments the schema refuses
        return _say("Sorry, I didn't get all of that. Could you say it again in other words?")
    return [_call(tool, filled.arguments)]


def _ask(param: Param, problem: str | None = None) -> str:
    """Our question for a parameter; `_pending` knows it by the question at its end."""
    return f"{'Sorry, ' + problem + '.' if problem else 'Sure.'} {arguments.question(param)}"


def _call(tool: ToolSpec, values: dict[str, object]) -> ToolCall:
    return ToolCall(f"call_{secrets.token_hex(12)}", tool.name, json.dumps(values))


def _say(text: str) -> list[BrainEvent]:
    """The text as deltas of a few words, breaking at sentence ends so speech can start early."""
    chunks: list[str] = []
    for sentence in re.split(r"(?<=[.!?])\s+", text.strip()):
        words = sentence.split()
        chunks += [" ".join(words[i : i + _CHUNK_WORDS]) for i in range(0, len(words), _CHUNK_WORDS)]
    return [TextDelta(chunk + (" " if i < len(chunks) - 1 else "")) for i, chunk in enumerate(chunks)]
