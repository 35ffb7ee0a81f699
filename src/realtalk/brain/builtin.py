"""`BuiltinBrain`: an offline agent that needs no language model.

It follows the session's instructions for persona and greeting, picks the tool an utterance asks
for by matching words against the tools' names, descriptions and parameters, fills the arguments
from the words according to each parameter's JSON-schema type, speaks tool results back, and says
plainly what it cannot do. Everything is rules over text, so a reply takes milliseconds.
"""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from . import extract
from .base import BrainEvent, BrainRequest, Message, TextDelta, ToolCall, ToolSpec

_STOPWORDS = set(
    [
        "a",
        "an",
        "the",
        "to",
        "of",
        "for",
        "in",
        "on",
        "at",
        "by",
        "with",
        "and",
        "or",
        "is",
        "are",
        "be",
        "it",
        "this",
        "that",
        "my",
        "me",
        "i",
        "you",
        "your",
        "can",
        "could",
        "would",
        "please",
        "what",
        "whats",
        "what's",
        "how",
        "do",
        "does",
        "get",
        "set",
        "tell",
        "give",
        "show",
        "let",
        "from",
        "about",
        "up",
        "into",
        "some",
        "any",
        "as",
        "was",
        "will",
        "just",
        "want",
        "like",
        "need",
        "know",
    ]
)
# Words people say for the words tools are named with.
_SYNONYMS = {
    "weather": {"temperature", "forecast", "rain", "sunny", "hot", "cold", "degrees"},
    "search": {"find", "look", "lookup", "search"},
    "create": {"add", "new", "make", "create", "schedule", "book", "reserve", "remind"},
    "add": {"add", "new", "make", "create", "put", "remind"},
    "task": {"task", "todo", "reminder", "remind", "chore"},
    "delete": {"delete", "remove", "cancel", "drop", "erase"},
    "list": {"list", "show", "what", "which", "all"},
    "update": {"change", "update", "move", "reschedule", "edit"},
    "complete": {"complete", "done", "finish", "finished", "mark", "tick"},
    "book": {"book", "reserve", "reservation", "table"},
    "time": {"time", "clock", "hour"},
    "unlock": {"unlock", "open", "code", "door"},
    "order": {"order", "buy", "purchase"},
    "call": {"call", "phone", "dial", "ring"},
    "send": {"send", "email", "message", "text"},
    "play": {"play", "music", "song", "listen"},
    "light": {"light", "lights", "lamp"},
}
_GREETING = re.compile(r"^\s*(?:hi|hello|hey|hiya|howdy|good (?:morning|afternoon|evening)|greetings)\b")
_THANKS = re.compile(r"\b(?:thanks|thank you|cheers|appreciate it)\b")
_BYE = re.compile(r"\b(?:bye|goodbye|good bye|see you|that's all|that is all)\b")
_CAPABILITIES = re.compile(
    r"\b(?:what can you do|what do you do|help me|how can you help|what are you able)\b"
)
_WHO = re.compile(r"\b(?:who are you|what(?:'s| is) your name|your name)\b")
_HOW_ARE_YOU = re.compile(r"\bhow are you\b")

_TEXT_FIELDS = {"title", "text", "query", "message", "note", "notes", "description", "content", "task",
                "item",
                "subject", "body", "topic", "question", "request"}  # fmt: skip
_CHUNK_WORDS = 4


def _stem(word: str) -> str:
    for suffix in ("ing", "ies", "es", "ed", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)] + ("y" if suffix == "ies" else "")
    return word


def _words(text: str) -> set[str]:
    return {_stem(w) for w in extract.tokens(text) if w not in _STOPWORDS}


def _name_words(name: str) -> list[str]:
    spaced = re.sub(r"([a-z])([A-Z])", r"\1 \2", name).replace("_", " ").replace("-", " ")
    return [w.lower() for w in spaced.split()]


def humanize(name: str) -> str:
    return " ".join(_name_words(name))


@dataclass(frozen=True)
class Persona:
    """What the instructions say about who the agent is and how it greets."""

    name: str | None
    role: str | None
    greeting: str | None

    @classmethod
    def from_instructions(cls, instructions: str) -> Persona:
        name = re.search(r"\b(?i:you are|you're|your name is|call yourself)\s+([A-Z][a-z]+)\b", instructions)
        role = re.search(
            r"\b(?:you are|you're)\s+(?:[A-Z][a-z]+,?\s+)?(?:an?|the)\s+([^.,;\n]{3,60}?)(?:[.,;\n]|$)",
            instructions,
            re.IGNORECASE,
        )
        greeting = re.search(
            r"\b(?:greet\w*(?:\s+the\s+\w+)?\s+with|always\s+(?:start|begin)\s+(?:by\s+saying|with)|say)\s+"
            r"[\"“']([^\"”']+)[\"”']",
            instructions,
            re.IGNORECASE,
        )
        persona_name = name.group(1) if name and name.group(1).lower() not in {"a", "an", "the"} else None
        return cls(
            persona_name,
            role.group(1).strip() if role else None,
            greeting.group(1).strip() if greeting else None,
        )

    def introduce(self) -> str:
        if self.greeting:
            return self.greeting
        if self.name and self.role:
            return f"Hi, I'm {self.name}, your {self.role}. How can I help?"
        if self.name:
            return f"Hi, I'm {self.name}. How can I help?"
        if self.role:
            return f"Hi, I'm your {self.role}. How can I help?"
        return "Hi there! How can I help?"


class BuiltinBrain:
    """The default, offline brain (see the module docstring)."""

    name = "builtin"

    def __init__(self, now: Any = None) -> None:
        self._now = now  # a datetime for tests; None means "now" at each call

    async def stream(self, request: BrainRequest) -> AsyncIterator[BrainEvent]:
        for event in self.reply(request):
            yield event

    def reply(self, request: BrainRequest) -> list[BrainEvent]:
        """The whole reply at once (the stream is this, chunked)."""
        persona = Persona.from_instructions(request.instructions)
        last = request.messages[-1] if request.messages else None
        if last is not None and last.role == "tool":
            return _say(self._speak_result(request.messages, last))
        utterance = last.content.strip() if last is not None and last.role == "user" else ""
        if not utterance:
            if last is None or last.role != "user":
                return _say(persona.introduce())
            return _say("Are you still there? Take your time, I'm listening.")
        tools = [] if request.tool_choice == "none" else list(request.tools)
        forced = _forced_tool(request.tool_choice, tools)
        lowered = utterance.lower()
        if (forced is None and not tools) or (forced is None and _is_small_talk(lowered)):
            small_talk = _small_talk(lowered, persona, tools)
            if small_talk:
                return _say(small_talk)
        tool = forced or _pick_tool(utterance, tools)
        if tool is not None:
            arguments, missing = self._fill(tool, utterance)
            if missing and forced is None:
                return _say(f"Sure. What {humanize(missing[0])} should I use?")
            call = ToolCall(f"call_{secrets.token_hex(8)}", tool.name, json.dumps(arguments))
            return [call]
        return _say(_small_talk(lowered, persona, tools) or _cannot(utterance, tools))

    # ------------------------------------------------------------------ arguments

    def _fill(self, tool: ToolSpec, utterance: str) -> tuple[dict[str, Any], list[str]]:
        schema = tool.parameters or {}
        properties: dict[str, Any] = schema.get("properties") or {}
        required = [r for r in schema.get("required") or [] if r in properties]
        numbers = extract.numbers(utterance)
        arguments: dict[str, Any] = {}
        for name, spec in properties.items():
            value = self._value_for(name, spec if isinstance(spec, dict) else {}, utterance, numbers, tool)
            if value is not None:
                arguments[name] = value
        return arguments, [r for r in required if r not in arguments]

    def _value_for(
        self, name: str, spec: dict[str, Any], utterance: str, numbers: list[float], tool: ToolSpec
    ) -> Any:
        kind = spec.get("type")
        hint = f"{name} {spec.get('description', '')}".lower()
        if "enum" in spec:
            return extract.enum_in(utterance, list(spec["enum"]))
        if kind == "boolean":
            return extract.boolean_in(utterance)
        if kind in ("integer", "number"):
            if not numbers:
                return None
            value = numbers.pop(0)
            return int(value) if kind == "integer" else value
        if kind not in (None, "string"):
            return None
        fmt = spec.get("format", "")
        if fmt == "date-time" or "datetime" in hint.replace(" ", "") or "when" in name.lower():
            return extract.datetime_in(utterance, self._now)
        if fmt == "date" or "date" in hint or "day" in name.lower():
            return extract.date_in(utterance, self._now)
        if fmt == "time" or re.search(r"\btime\b", hint):
            return extract.time_in(utterance, self._now)
        if fmt == "email" or "email" in hint:
            return extract.email_in(utterance)
        if re.search(r"\b(?:code|pin|digits|number|id|otp|zip|postcode)\b", hint):
            return extract.digit_code(utterance)
        if re.search(r"\b(?:city|location|place|destination|country|address|where|town|origin)\b", hint):
            return extract.place_in(utterance)
        if re.search(r"\b(?:name|person|contact|guest|who|customer)\b", hint):
            return extract.name_in(utterance)
        if name.lower() in _TEXT_FIELDS or any(f in hint.split() for f in _TEXT_FIELDS):
            return _topic(utterance, tool) or None
        return extract.place_in(utterance) or _topic(utterance, tool) or None

    # ------------------------------------------------------------------ results

    def _speak_result(self, messages: Any, result: Message) -> str:
        call = next(
            (c for m in reversed(messages) for c in m.tool_calls if c.call_id == result.tool_call_id), None
        )
        action = humanize(call.name) if call else "that"
        try:
            data = json.loads(result.content)
        except (ValueError, TypeError):
            data = result.content
        return describe_result(action, data)


def describe_result(action: str, data: Any) -> str:
    """A short spoken sentence for a tool's JSON result."""
    if isinstance(data, dict):
        error = data.get("error") or data.get("detail")
        if error and len(data) <= 3:
            return f"Sorry, I couldn't {action}: {_plain(error)}."
        if "message" in data and isinstance(data["message"], str):
            return data["message"]
        parts = [
            f"the {humanize(str(k))} is {_plain(v)}" for k, v in data.items() if v not in (None, "", [], {})
        ]
        if not parts:
            return "Done."
        sentence = _join(parts)
        return sentence[0].upper() + sentence[1:] + "."
    if isinstance(data, list):
        if not data:
            return "I didn't find anything."
        items = [_plain(d) for d in data[:5]]
        more = f", and {len(data) - 5} more" if len(data) > 5 else ""
        return f"I found {len(data)}: " + _join(items) + more + "."
    if isinstance(data, bool):
        return "Done." if data else "That didn't work."
    text = _plain(data)
    return text if text.endswith((".", "!", "?")) else text + "."


def _plain(value: Any) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{humanize(str(k))} {_plain(v)}" for k, v in value.items() if v not in (None, ""))
    if isinstance(value, list):
        return _join([_plain(v) for v in value])
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _join(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def _say(text: str) -> list[BrainEvent]:
    words = text.split(" ")
    return [
        TextDelta(" ".join(words[i : i + _CHUNK_WORDS]) + (" " if i + _CHUNK_WORDS < len(words) else ""))
        for i in range(0, len(words), _CHUNK_WORDS)
    ]


def _forced_tool(choice: Any, tools: list[ToolSpec]) -> ToolSpec | None:
    if isinstance(choice, dict) and choice.get("name"):
        return next((t for t in tools if t.name == choice["name"]), None)
    if choice == "required" and len(tools) == 1:
        return tools[0]
    return None


def _tool_score(words: set[str], tool: ToolSpec) -> float:
    name_words = {_stem(w) for w in _name_words(tool.name)}
    expanded = set(name_words)
    for word in name_words:
        expanded |= {_stem(s) for s in _SYNONYMS.get(word, ())}
    description = _words(tool.description)
    params = set()
    for pname, spec in (tool.parameters.get("properties") or {}).items():
        params |= {_stem(w) for w in _name_words(pname)}
        if isinstance(spec, dict):
            params |= _words(str(spec.get("description", "")))
            params |= {_stem(str(e).lower()) for e in spec.get("enum", [])}
    return 3 * len(words & expanded) + 1.0 * len(words & description) + 0.5 * len(words & params)


def _pick_tool(utterance: str, tools: list[ToolSpec]) -> ToolSpec | None:
    if not tools:
        return None
    words = _words(utterance)
    scored = sorted(((_tool_score(words, t), i, t) for i, t in enumerate(tools)), key=lambda s: (-s[0], s[1]))
    best_score, _, best = scored[0]
    return best if best_score >= 2 else None


def _topic(utterance: str, tool: ToolSpec) -> str:
    """The utterance minus the request phrasing: "add a task to buy milk" -> "buy milk"."""
    text = utterance.strip().rstrip(".?!")
    trigger = {_stem(w) for w in _name_words(tool.name)}
    for word in list(trigger):
        trigger |= _SYNONYMS.get(word, set())
    pattern = (
        r"^(?:(?:please|can you|could you|would you|i want to|i'd like to|i need to|let's|go ahead and)\s+)*"
        r"(?:" + "|".join(sorted(map(re.escape, trigger), key=len, reverse=True)) + r")\w*\s+"
        r"(?:(?:a|an|the|new|my|me)\s+)*(?:\w+\s+)?(?:(?:to|for|about|called|named|saying|that)\s+)"
    )
    stripped = re.sub(pattern, "", text, count=1, flags=re.IGNORECASE)
    # Dates, times and "with high priority" fill their own parameters, not the topic.
    stripped = re.sub(r"\s+with\s+\w+\s+priority\b", "", extract.strip_when(stripped), flags=re.IGNORECASE)
    return stripped.strip(" ,") or text


def _is_small_talk(lowered: str) -> bool:
    return any(p.search(lowered) for p in (_THANKS, _BYE, _CAPABILITIES, _WHO, _HOW_ARE_YOU)) or bool(
        _GREETING.search(lowered) and len(lowered.split()) <= 4
    )


def _small_talk(lowered: str, persona: Persona, tools: list[ToolSpec]) -> str | None:
    if _CAPABILITIES.search(lowered):
        return _capabilities(tools)
    if _WHO.search(lowered):
        return persona.introduce()
    if _GREETING.search(lowered):
        return persona.introduce()
    if _HOW_ARE_YOU.search(lowered):
        return "I'm doing well, thanks for asking. How can I help?"
    if _THANKS.search(lowered):
        return "You're welcome! Anything else?"
    if _BYE.search(lowered):
        return "Goodbye! Talk to you soon."
    return None


def _capabilities(tools: list[ToolSpec]) -> str:
    if not tools:
        return (
            "I'm running offline without a language model, so I can chat a little "
            "and repeat back what I hear. "
            "Connect me to a language model for real conversations."
        )
    things = [t.description.rstrip(".").lower() if t.description else humanize(t.name) for t in tools[:6]]
    return "I can " + _join(things) + ". Just ask."


def _cannot(utterance: str, tools: list[ToolSpec]) -> str:
    heard = " ".join(utterance.split()[:20])
    if tools:
        return f"Sorry, I can't help with that. I heard: {heard}. " + _capabilities(tools)
    return (
        f"I heard you say: {heard}. I'm running offline without a language model, "
        "so I can't answer that properly yet."
    )
