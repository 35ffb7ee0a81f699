"""What the conversation already knows, as a prompt for speech recognition.

Whisper continues its prompt: given the words a reply is likely to use, it hears "dry cleaning"
rather than "right cleaning". A client's own `transcription.prompt` always wins. Otherwise the
prompt is what the agent said last (it names the tasks, the options, the question being answered)
and the vocabulary of the session's tools: their names, and the values their parameters take.
Server-side tools may also name the things they hold (the Task Manager's task titles, read when
the audio is heard, off the event loop): Whisper then hears "dry cleaning" in a new conversation.
Where a tool takes a code of digits, the prompt ends with one written digit by digit ("Code: 1 4 7
0."): tiny.en otherwise writes digits said one by one as words that sound like them ("fine" for
five) or runs them into numbers ("77001"); on the evaluation's spoken codes it wrote 154 of 193
digits right with the example, 120 without (docs/benchmarks.md, "Hearing, round 8").
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ..brain import lexicon
from ..brain.base import ToolSpec
from .values import Wanted

UNSURE_LOG_PROB = -0.75
"""A transcript whose average log-probability per token is below this is one the recogniser was
unsure of (`Message.heard_unsure`). On the evaluation's dev turns readings heard right scored
-0.1 to -0.6, garbled ones ("Add it being over poop" for "Anything overdue?") -0.8 to -1."""

EXAMPLE_DIGITS = "1470369258147036"
"""Digits for the prompt's example code: all ten, in no order a player would guess first."""

MAX_CHARS = 600
"""About 150 tokens: Whisper keeps at most 223 tokens of prompt, and a long one slows decoding."""


@dataclass(frozen=True)
class Expectation:
    """What the conversation expects to hear when a turn ends: its tools' words and the agent's
    last words. Whisper is prompted with them, and they choose among its readings (`hypotheses`)."""

    vocabulary: tuple[str, ...]
    """The tools' names as words ("set task priority") and the values their parameters take."""
    agent_said: str = ""
    parameters: tuple[str, ...] = ()
    """The tools' parameters' names as words ("code"): not in the prompt, where they made Whisper
    hear worse, but a sign of a likely reading."""
    described: tuple[str, ...] = ()
    """What the tools and their parameters say they are, then the agent's instructions: more words
    the conversation may hear (`brain/sounds.py`, which reads the first `MAX_WORDS`), too many for
    the prompt."""
    verbs: tuple[str, ...] = ()
    """What the tools do: the first word of their names and of their descriptions ("mark")."""
    wanted: tuple[Wanted, ...] = ()
    """The parameters a reading's values are checked against (`values`): codes of digits, and what
    the agent's last question asks for."""

    @classmethod
    def of(
        cls,
        tools: Iterable[ToolSpec | dict[str, Any]],
        agent_said: str | None,
        instructions: str | None = None,
    ) -> Expectation:
        words: list[str] = []
        names: list[str] = []
        described: list[str] = []
        verbs: list[str] = []
        specs = [tool if isinstance(tool, ToolSpec) else _spec(tool) for tool in tools]
        for tool in specs:
            name, description, parameters = tool.name, tool.description, tool.parameters
            words.append(name.replace("_", " ").strip())
            described.append(description)
            verbs += [text.replace("_", " ").split()[0] for text in (name, description) if text.split()]
            properties = parameters.get("properties") if isinstance(parameters, dict) else None
            for key, spec in properties.items() if isinstance(properties, dict) else ():
                names.append(str(key).replace("_", " "))
                if isinstance(spec, dict):
                    words += [str(o) for o in spec.get("enum") or [] if isinstance(o, str)]
                    described.append(str(spec.get("description") or ""))
        described.append(instructions or "")  # last: long ones must not crowd out the tools' words
        said = (agent_said or "").strip()
        return cls(
            _unique(words),
            said,
            _unique(names),
            _unique(described),
            _unique(verbs),
            Wanted.of(specs, said),
        )

    def prompt(self) -> str | None:
        """The tools' vocabulary, then the agent's last words, then a code written as digits when
        the tools take one; None when there is none of these."""
        vocabulary = ", ".join(self.vocabulary)
        parts = [f"{vocabulary}." if vocabulary else "", self.agent_said, self._code_example()]
        prompt = " ".join(p for p in parts if p)
        return prompt[-MAX_CHARS:] or None

    def _code_example(self) -> str:
        """ "Code: 1 4 7 0." for a 4-digit code: Whisper writes digits said one by one as words, or
        runs them into numbers ("77001"), unless its prompt shows them written one by one."""
        code = next((w for w in self.wanted if w.lengths), None)
        if code is None:
            return ""
        digits = " ".join(EXAMPLE_DIGITS[: min(code.lengths)])
        return f"{lexicon.humanize(code.param.name).capitalize()}: {digits}."


def _spec(tool: dict[str, Any]) -> ToolSpec:
    parameters = tool.get("parameters")
    return ToolSpec(
        str(tool.get("name") or ""),
        str(tool.get("description") or ""),
        parameters if isinstance(parameters, dict) else {},
    )


def _unique(words: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(w for w in words if w))


def context_prompt(tools: Iterable[ToolSpec | dict[str, Any]], agent_said: str | None) -> str | None:
    """A prompt from the tools' vocabulary and the agent's last words; None when there is neither."""
    return Expectation.of(tools, agent_said).prompt()


MAX_KNOWN = 40
"""Names beyond this many are left out: the prompt has room for about 150 tokens."""


def with_known(prompt: str | None, names: Iterable[str]) -> str | None:
    """`prompt` followed by the names the tools hold ("Pick up dry cleaning, Water the plants."):
    Whisper weighs the end of its prompt most, and on the evaluation's spoken turns the names heard
    best there (`bench/eval_wer.py`)."""
    known = ", ".join(dict.fromkeys(n.strip() for n in list(names)[:MAX_KNOWN] if n and n.strip()))
    joined = " ".join(p for p in ((prompt or "").strip(), f"{known}." if known else "") if p)
    return joined[-MAX_CHARS:] or None
