"""`BuiltinBrain`: an offline agent that needs no language model.

It follows the session's instructions for persona, greeting and scripted answers, picks the tool
an utterance asks for by its words (`routing`) and its meaning (`semantic`), lets a question call
only tools that read (`intent`), fills arguments from the words (`arguments`) and checks them
against the schema (`validation`), asks for a required argument it could not find or that does
not fit and takes the next utterance as the answer, speaks tool results back (`results`), reads
out the text in images (`images`), handles small talk, and says plainly what it cannot do. A reply
takes tens of milliseconds (one sentence embedding), in a worker thread.

It keeps no state between calls: the dialogue state is read from the conversation itself
(`dialogue`: the last tool call and its result; `answers`: our question for a missing argument,
or "Did you mean ...?", and the answer to it).
"""

from __future__ import annotations

import asyncio
import functools
import re
from collections.abc import AsyncIterator, Callable
from dataclasses import replace
from datetime import datetime

from . import (
    answers,
    arguments,
    choosing,
    codes,
    dialogue,
    entities,
    extract,
    follow_up,
    held,
    images,
    intent,
    lexicon,
    lookup,
    parameters,
    persona,
    phrasing,
    relative,
    replies,
    results,
    route,
    routing,
    semantic,
    several,
    small_talk,
    story,
    topic,
    understanding,
    yes_no,
)
from .arguments import Filled
from .base import BrainEvent, BrainRequest, Message, ToolCall, ToolSpec

# "Do something about the passport", "deal with the report": a thing named, but not what to do with it.
_VAGUE_REQUEST = re.compile(
    r"\b(?:do\s+something\s+(?:about|with)|deal\s+with|handle|sort\s+out\s+something\s+(?:about|with)"
    r"|take\s+care\s+of|something\s+(?:about|with))\s+(?P<what>(?:the|my|that|this)\s+[\w\s'-]{1,40}?)\W*$",
    re.I,
)

# "the one", "that thing": a thing pointed at, not named.
_UNNAMED = re.compile(
    r"\b(?:the|that|this)\s+(?:one|thing)\b(?!\s+(?:about|with|for\s+the|called|that|which|where))", re.I
)


# What we ask when a request points at a held thing that no words of it name.
_WHICH_ONE = "Sorry, I'm not sure which one you mean. Which one is it?"
# "one for school", "the thing about the van": a value that points at a thing by what it is for.
_POINTED = re.compile(r"^\W*(?:the\s+|that\s+)?(?:one|1|thing)\s+(?:for|about|with|from)\b", re.I)


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
        return Turn(request, self._clock()).reply()

    def understands(self, request: BrainRequest) -> int:
        """How well the request's last message is understood (`understanding`): a dry run of the
        reply, nothing called, nothing kept."""
        return understanding.verdict(request, self.reply(request))


class Turn:
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
        self.looked_up = False
        """Whether the conversation ends with the result of a look-up made for this request."""
        self.referred: str | None = None
        """The thing "it" stands for, when the caller has worked it out ("both of them": each in turn)."""

    def reply(self) -> list[BrainEvent]:
        if self.persona.directive:
            return replies.say(self.persona.directive)
        spoken_results = self._tool_results()
        if spoken_results:
            return lookup.continued(self) or replies.say(spoken_results)
        last = self.messages[-1] if self.messages else None
        if last is None or last.role != "user":
            if any(m.role == "assistant" for m in self.messages):
                return replies.say("Is there anything else I can help with?")
            return replies.say(self.persona.introduce())
        if last.images:
            return replies.say(images.read_out(last.images))
        text = self.request_in(last.content)
        if not lexicon.tokens(text):
            return replies.say("Sorry, I didn't catch that. Could you say it again?")
        forced = self._forced_tool(text)
        if forced is not None:
            return [replies.call(forced, arguments.fill(forced, text, self.now).arguments)]
        return self._answer(text)

    def _answer(self, text: str) -> list[BrainEvent]:
        scripted = self.persona.rule_for(text) or codes.length_answer(self.tools, text)
        if scripted:
            return replies.say(scripted)
        rest = small_talk.without_asides(text)
        if rest == "":  # "Ugh, what a day. I'm absolutely knackered."
            return replies.say(self._small_talk("exclaim"))
        text = rest or text
        social = small_talk.social(text, intent.WRITE_VERBS)  # "Thank you so much, dear, that'll be all."
        if social is not None:
            return replies.say(self._small_talk(social))
        text = small_talk.without_thanks(text)
        if answers.deferred(text) is not None:  # "it's 4 0 0 7 but don't put it in yet"
            return replies.say(answers.WAITING)
        ahead = answers.go_ahead(self, text)  # "ok yeah, go for it"
        if ahead is not None:
            return ahead
        reading_on = self._continuation(text)
        if isinstance(reading_on, ToolCall):
            return [reading_on]
        if reading_on:
            return replies.say(reading_on)
        meant = answers.meant(self, text)
        if meant is not None:
            return meant
        followed = follow_up.answer(self, text)
        if followed is not None:
            return followed
        if intent.refuses_writing(text):
            return replies.say(answers.WAITING)
        talk = next((name for name, pattern in small_talk.INTENTS if pattern.search(text)), None)
        if talk is None and (bare := yes_no.bare(text)) is not None:  # "aye, go on then", "yeah nah"
            talk = "ok" if bare else "no"
        # A bare "yes" or "no" may answer our question; other small talk never does.
        pending = answers.pending(self) if talk in (None, "ok", "no", "filler") else None
        if (
            talk == "exclaim"
            or (talk in ("time", "date") and small_talk.only(talk, text))  # "what's the date today?"
            or (talk == "how_are_you" and small_talk.about_you(text))
            or (talk == "rules" and intent.is_question(text))  # how it works here, never a tool's call
        ):
            # "How's your day going?" asks about us, never for a summary of the user's day.
            return replies.say(self._small_talk(talk))
        if talk == "filler":  # "um": not an answer, nor a request; our question stands
            return replies.say(replies.ask(pending.asked) if pending is not None else self._small_talk(talk))
        answered = answers.answered(pending, text, self.now) if pending is not None else None
        if (
            pending is not None
            and answered is not None
            and (
                pending.asked.kind != "text"  # "high" to "which priority?" is not a new request
                or not (
                    intent.is_question(text)
                    or dialogue.correction(text) is not None
                    or routing.starts_with_a_verb_of(self.tools, text)
                )  # "call mum, it's urgent" to "what's the title?" is; "delete it instead" is not
            )
        ):
            return replies.act(pending.tool, answered)
        said = self.messages[-1].content
        still = (
            None if intent.is_question(text) else intent.reports_not_done(said)
        ) or intent.back_on_the_list(said)
        reopener = held.reopener(self.tools) if still is not None else None
        referred = self.referent("it") if still is not None and self.names_the_kind(still) else None
        still = referred[2] if referred is not None else still  # "Please reinstate the task."
        if still is not None and reopener is not None:  # never marked done; reopened when named
            reopened = held.reopen(*reopener, still, self.request.known)
            return (
                self.act(*reopened)
                if reopened
                else replies.say(f"Okay, it stays to do. {self._capabilities()}")
            )
        if intent.remarks(text) and not intent.is_question(text):
            return replies.say(f"I see. Is there anything you'd like me to do? {self._capabilities()}")
        reworded = self._reworded(text)
        if reworded is not None:
            return reworded
        if held.small_talk_tag(text, self.request.known):
            return replies.say(self._small_talk(talk or "exclaim"))
        about = topic.about(self.tools, text, self.request.known)  # "Oh, the window cleaner."
        if about is not None:
            return replies.say(about) if isinstance(about, str) else self.act(*about)
        each = (
            several.each_clause(self, text)
            or several.each_request(self, text)  # "add X for Friday, mark Y done, and move Z"
            or several.each_new(self, text)
            or several.each_held(self, text)
            or several.each_after_named(self, text)
            or several.each_listed(self, text)
        )
        if each is not None:
            return each
        choice = self.route(text)
        if isinstance(choice, list):
            options = lexicon.join([routing.describe(t) for t in choice], "or")
            return replies.say(f"Do you want me to {options}?")
        if choice is not None:
            return self.act(*choice)
        if pending is not None:
            tool, filled, asked, _ = pending
            return replies.act(
                tool, answered or arguments.fill_answer(tool, asked.name, text, filled.arguments, self.now)
            )
        if talk is not None:
            return replies.say(self._small_talk(talk))
        fact = self.persona.fact_for(text)
        if fact:
            return replies.say(fact)
        vague = _VAGUE_REQUEST.search(text)
        if vague is not None and self.tools:
            return replies.say(
                f"What would you like me to do with {vague.group('what')}? {self._capabilities()}"
            )
        remarked = topic.remarked_on(self.tools, text, self.request.known)  # "The gate's squeaking again"
        if remarked is not None:
            return replies.say(remarked) if isinstance(remarked, str) else self.act(*remarked)
        if self.tools and _UNNAMED.search(text) and not intent.is_question(text):
            # "Please call the one for me": a request for a thing nothing said names is asked about
            return replies.say(_WHICH_ONE)
        read = choosing.reader_asked(self.tools, text, self.now) if intent.is_question(text) else None
        if read is not None:  # a question no rule understood: the reader nearest in meaning
            return self.act(*read)
        return replies.say(f"Sorry, I can't help with that offline. {self._capabilities()}")

    def act(self, tool: ToolSpec, filled: Filled, heard_checked: bool = False) -> list[BrainEvent]:
        """`replies.act`; but a call that would change something on words speech recognition was unsure
        of asks "Did you say ...?", and one that would change a known thing named by words that
        only sound like its name asks "Did you mean ...?" first (`entities`)."""
        last = self.messages[-1] if self.messages else None
        calls = not filled.missing  # asking for what is missing changes nothing yet
        if calls and not heard_checked and last is not None and last.heard_unsure and intent.writes(tool):
            return replies.say(f'Sorry, I may have misheard. Did you say "{last.content.strip()}"?')
        if calls and self._pointed_at_nothing(tool, filled):
            return replies.say(_WHICH_ONE)
        unsure = self.unsure(tool, filled)
        if unsure is None:
            return replies.act(tool, filled)
        _, name, names = unsure
        held = f"I have {lexicon.join(names)}. " if len(names) > 1 else ""
        return replies.say(f"{held}Did you mean {name}?")

    def _pointed_at_nothing(self, tool: ToolSpec, filled: Filled) -> bool:
        """Whether a change would be made on "the one for school" when no held thing is for school:
        a thing pointed at, not named, and nothing held that the words fit."""
        if not self.request.known or not intent.writes(tool) or intent.creates(tool):
            return False
        return any(
            isinstance(value, str)
            and _POINTED.match(value) is not None
            and entities.closest(value, self.request.known) is None
            for p in parameters.params_of(tool)
            if p.kind in held.NAMING_KINDS
            for value in [filled.arguments.get(p.name)]
        )

    def _pointed_among_listed(self, tool: ToolSpec, filled: Filled) -> tuple[str, str, list[str]] | None:
        """`unsure` for "ok mark that one done" after a listing of two: the request points back at
        one of the things the last result read out ("that one", "it") and nothing says which (`unsure`
        has made sure the tool changes a held thing)."""
        last = self.messages[-1] if self.messages else None
        listed = self.last.listed() if self.last is not None else []
        if (
            last is None
            or last.role != "user"
            or not 2 <= len(listed) <= held.MAX_OPTIONS
            or not dialogue.points_back(last.content)
            or self.referent(last.content) is not None
        ):
            return None
        for param in parameters.params_of(tool):
            value = filled.arguments.get(param.name)
            if param.kind in held.NAMING_KINDS and isinstance(value, str):
                match = entities.closest(value, listed)
                return None if match is not None and match.sure else (param.name, listed[0], listed)
        return None

    def unsure(self, tool: ToolSpec, filled: Filled) -> tuple[str, str, list[str]] | None:
        """(the parameter, the known name, the names it may be) when the call would change a thing
        it is unsure of: one its words only sound like, or one of several held things they fit
        equally well ("mark the call done" with two calls held: a guess would write the wrong one).
        A tool that asks its own confirmation first names the thing itself, so a tie does not ask.
        Which of several is asked before any value still missing ("move the call": which call,
        then when); how sure a name is, once nothing is."""
        if not self.request.known or not intent.writes(tool) or intent.creates(tool):
            return None
        among = self._pointed_among_listed(tool, filled)
        if among is not None:
            return among
        confirms = dialogue.confirmation_param(tool) is not None
        for param in parameters.params_of(tool):
            value = filled.arguments.get(param.name)
            if param.kind not in held.NAMING_KINDS or not isinstance(value, str):
                continue
            tied = [] if confirms else entities.tied(value, self.request.known)[: held.MAX_OPTIONS]
            if tied:
                return param.name, tied[0], tied
            if filled.missing:
                continue
            match = entities.closest(value, self.request.known)
            if match is not None and not match.sure:
                return param.name, match.name, [match.name]
            request = self.messages[-1] if self.messages else None
            thing = intent.done_thing(request.content) if request and request.role == "user" else None
            if match is not None and thing is not None and entities.mostly_other(thing, match.name):
                return param.name, match.name, [match.name]  # "twelve-hour shift done": another shift?
        return None

    def _reworded(self, text: str) -> list[BrainEvent] | None:
        """ "Change the parcel one so it says ...": the thing's new words, by the tool that renames."""
        said = dialogue.reworded(text)
        renaming = held.renamer(self.tools) if said is not None else None
        if said is None or renaming is None:
            return None
        tool, which, new = renaming
        thing, words = said
        match = entities.closest(thing, self.request.known)
        name = match.name if match is not None and match.sure else thing
        return self.act(tool, arguments.Filled({which: name, new: words}))

    def settled(self, tool: ToolSpec, filled: Filled, text: str, thing: str | None) -> Filled:
        """`relative.settle` in this conversation: a step along a scale from where the thing stands."""
        return relative.settle(tool, filled, text, self.now, self.messages, self.tools, thing)

    def referent(self, text: str) -> tuple[str, str | None, str] | None:
        """What "it", "that one" or "the second one" stands for: (the utterance with "it" in its
        stead, the parameter that named it in the last action or None, the thing). An ordinal counts
        in what the last result read out; "it" is the thing the last action was about, or the one
        thing it read out."""
        if self.referred is not None:
            return (text, None, self.referred) if dialogue.refers_back(text) else None
        last = self.last
        if last is None:
            # "What about the window cleaner?" we asked: "put it to Tuesday" is about it.
            thing = topic.asked(self.messages, self.request.known)
            return (text, None, thing) if thing is not None and dialogue.refers_back(text) else None
        listed = last.listed()
        placed = dialogue.ordinal(text)
        if placed is not None and listed:
            at, said = placed
            return (said, None, listed[at]) if -len(listed) <= at < len(listed) else None
        if not dialogue.refers_back(text):
            return None
        name = held.entity_param(last)
        value = last.entity(name) if name is not None else None
        if name is not None and value is not None and not (listed and held.filters_by(last.tool, name)):
            return text, name, value  # (a listing's filter, "tagged family", is not the thing listed)
        if len(listed) == 1:
            return text, None, listed[0]
        # "Anything about the picnic?" read out two; "that one" is the one the question named.
        asked = next((m.content for m in reversed(self.messages[:-1]) if m.role == "user"), "")
        words = set(lexicon.content_stems(asked))
        named = [n for n in listed if words & set(lexicon.content_stems(n))]
        return (text, None, named[0]) if len(named) == 1 else None

    def request_in(self, said: str) -> str:
        """The request in what the user said (`phrasing.request`), with "that one" put as the held
        thing an earlier clause named ("The shower chair arrived, so please delete that one")
        when it stands for nothing the conversation said before."""
        said = small_talk.without_greeting(said.strip())
        named = (
            held.named_before(said, self.request.known)
            or story.request_after(self.tools, said, self.request.known, self.now)
            if self.referent(said) is None
            else None
        )  # "..., he opens on Sunday. Shift it to Sunday": the request after a story is its last clause
        return phrasing.request(intent.without_lead_in(named or said), self.holds)

    def names_the_kind(self, said: str) -> bool:
        """Whether words are only "the" and the tools' word for what they hold ("the task"): "it"."""
        words = lexicon.tokens(said)
        return len(words) == 2 and words[0] in ("the", "that", "this") and self.holds(words[1])

    def holds(self, word: str) -> bool:
        """Whether `word` is one the tools that make things use for what they make ("task")."""
        makers = [t for t in self.tools if intent.creates(t) and not held.adds_to_held(t)]  # (not notes)
        made = frozenset().union(*(parameters.vocabulary(t) for t in makers))
        return parameters.in_vocabulary(word.lower().replace("-", ""), made)

    def route(self, text: str) -> tuple[ToolSpec, Filled] | list[ToolSpec] | None:
        """The tool the utterance asks for (`route.route`)."""
        return route.route(self, text)

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
        if not (small_talk.GO_ON.match(text) or yes_no.bare(text)) or (
            dialogue.means_other(text)
            and self.last
            and (self.last.alternatives() or follow_up.other_held(self, text))
        ):
            return None
        if (
            self.last is not None
            and self.last.asked
            and dialogue.confirmation_param(self.last.tool) is not None
        ):
            return None  # "yeah, go on" to "Do you really want to delete X?" confirms it
        nothing_more = "That's all of it." if small_talk.ASKS_MORE.search(text) else None
        names = {c.call_id: c.name for m in self.messages for c in m.tool_calls}
        for message in reversed(self.messages[:-1]):
            if message.role == "user":
                return None
            if message.role == "tool":
                data = results.parse(message.content)
                more = data.get("more") if isinstance(data, dict) else None
                tool = next((t for t in self.tools if t.name == names.get(message.tool_call_id or "")), None)
                return (
                    replies.call(tool, more) if isinstance(more, dict) and tool is not None else nothing_more
                )
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
