"""What the conversation says a held thing stands at now: its option on a scale, its moment.

A relative change ("lower the priority", "bring it forward a day") starts from the thing's current
value, and the brain holds no data of its own: the value is read back from the conversation, newest
first. A call about the thing that set the value (its arguments), a result that gives it (a field of
the thing's own, or a list of things with their values), a reader called with the value as its filter
that listed the thing ("the high priority ones"), a sentence said about the thing ("Renew passport is
still open, high priority"), or the schema's default when the thing was created without it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from datetime import date, datetime
from typing import Any, TypeVar

from . import entities, extract, intent, lexicon, parameters, results
from .base import Message, ToolCall, ToolSpec
from .parameters import Param

_NAME_KEYS = ("title", "name", "label", "id")
_SENTENCE = re.compile(r"[^.;!?]+")
_ISO_MOMENT = re.compile(r"\d{4}-[01]\d-[0-3]\dT[0-2]\d:[0-5]\d(?::[0-5]\d)?")
T = TypeVar("T")
_LONGEST_SAID = 300
"""Characters of a sentence read for a moment (dates are short; a pasted text is not searched)."""


def option(messages: Sequence[Message], tools: Sequence[ToolSpec], thing: str, param: Param) -> Any | None:
    """The option of `param`'s scale (an enum) the conversation last gave `thing`, or None."""
    options = [str(o) for o in param.spec.get("enum") or []]

    def pick(value: Any) -> str | None:
        return str(value) if str(value) in options else None

    def in_words(said: str) -> str | None:
        # "high priority", "priority: high": an option beside the scale's own name.
        words = [lexicon.stem(w) for w in lexicon.tokens(said)]
        for at, word in enumerate(words):
            found = next((o for o in options if lexicon.stem(o.lower()) == word), None)
            near = words[max(0, at - 2) : at] + words[at + 1 : at + 3]
            if found is not None and param.words & set(near):
                return found
        return None

    return _newest(messages, tools, thing, param.name, pick, in_words)


def moment(
    messages: Sequence[Message], tools: Sequence[ToolSpec], thing: str, now: datetime
) -> datetime | None:
    """The date and time the conversation last gave `thing` (a day alone has no hour to move by)."""

    def pick(value: Any) -> datetime | None:
        return at_moment(value, now) if isinstance(value, str) else None

    def in_words(said: str) -> datetime | None:
        return at_moment(said, now)

    return _newest(messages, tools, thing, None, pick, in_words)


def day(messages: Sequence[Message], tools: Sequence[ToolSpec], thing: str, now: datetime) -> date | None:
    """The day the conversation last gave `thing` (a move by whole days needs no hour)."""

    def pick(value: Any) -> date | None:
        return day_in(value, now) if isinstance(value, str) else None

    return _newest(messages, tools, thing, None, pick, pick)


def day_in(said: str, now: datetime) -> date | None:
    """The day a value or a sentence gives ("2026-12-05", "due Saturday December 5")."""
    found = extract.when(extract.Utterance(said[:_LONGEST_SAID], now), "date")
    return date.fromisoformat(str(found.value)[:10]) if found is not None else None


def at_moment(said: str, now: datetime) -> datetime | None:
    """The date and time a value or a sentence gives ("2026-12-03T08:30", "due Thursday December 3 at
    8:30 AM"), when it gives both."""
    found = extract.when(extract.Utterance(said[:_LONGEST_SAID], now), "datetime")
    iso = next((v for v in (said, str(found.value) if found else "") if _ISO_MOMENT.fullmatch(v)), None)
    try:
        return datetime.fromisoformat(iso) if iso is not None else None
    except ValueError:  # "2026-19-39T..."
        return None


def _newest(
    messages: Sequence[Message],
    tools: Sequence[ToolSpec],
    thing: str,
    key: str | None,
    pick: Callable[[Any], T | None],
    in_words: Callable[[str], T | None],
) -> T | None:
    """The newest value the calls, results and sentences of the conversation give `thing`."""
    for call, result, said in _actions(messages):
        tool = next((t for t in tools if t.name == call.name), None)
        values = results.parse(call.arguments or "{}")
        values = values if isinstance(values, dict) else {}
        names = _names(tool, values, result)
        about = any(_same(thing, n) for n in names)
        # What the result says about it, then what the call set (a result may say it better).
        for sentence in _SENTENCE.findall(said):
            mentioned = not about and _mentions(sentence, thing)
            found = (
                in_words(_its_part(sentence, thing) if mentioned else sentence)
                if about or mentioned
                else None
            )
            if found is not None:
                return found
        if isinstance(result, dict):
            found = _listed_value(result, thing, key, pick)
            if found is not None:
                return found
        if about:
            given = [values.get(key)] if key is not None else list(values.values())
            if isinstance(result, dict):  # a look-up's result says where the thing stands
                given[:0] = [result.get(key)] if key is not None else list(result.values())
            found = next((f for v in given if v is not None and (f := pick(v)) is not None), None)
            if found is not None:
                return found
            default = _default(tool, key)
            if default is not None and tool is not None and intent.creates(tool):
                return pick(default)
        listed = _listed_names(result)
        if key is not None and any(_same(thing, n) for n in listed) and key in values:
            found = pick(values[key])  # a reader filtered by the value listed the thing
            if found is not None:
                return found
    return None


def _actions(messages: Sequence[Message]) -> Iterator[tuple[ToolCall, Any, str]]:
    """(a call, its parsed result, what the result and our next words said), newest first."""
    outputs = {m.tool_call_id: m.content for m in messages if m.role == "tool"}
    for at in range(len(messages) - 1, -1, -1):
        message = messages[at]
        for call in reversed(message.tool_calls):
            result = results.parse(outputs.get(call.call_id, ""))
            spoken = next((m.content for m in messages[at + 1 :] if m.role == "assistant" and m.content), "")
            message_text = result.get("message") if isinstance(result, dict) else None
            said = " ".join(s for s in (message_text, spoken) if isinstance(s, str))
            yield call, result, said


def _names(tool: ToolSpec | None, values: dict[str, Any], result: Any) -> list[str]:
    params = parameters.params_of(tool) if tool else []
    naming = {p.name for p in params if p.kind in ("text", "entity", "name")}
    names = [str(v) for k, v in values.items() if k in naming and isinstance(v, str)]
    if isinstance(result, dict):
        names += [str(result[k]) for k in _NAME_KEYS if isinstance(result.get(k), str)]
    return names


def _listed_names(result: Any) -> list[str]:
    if not isinstance(result, dict):
        return []
    for value in result.values():
        if isinstance(value, list) and value:
            names = [v if isinstance(v, str) else _name_of(v) for v in value]
            if all(isinstance(n, str) for n in names):
                return [str(n) for n in names]
    return []


def _listed_value(
    result: dict[str, Any], thing: str, key: str | None, pick: Callable[[Any], T | None]
) -> T | None:
    """A value of the thing in a result that lists things as objects ({"title": ..., "priority": ...})."""
    for value in result.values():
        for item in value if isinstance(value, list) else []:
            name = _name_of(item)
            if name is None or not _same(thing, name) or not isinstance(item, dict):
                continue
            given = [item.get(key)] if key is not None else list(item.values())
            found = next((f for v in given if v is not None and (f := pick(v)) is not None), None)
            if found is not None:
                return found
    return None


def _name_of(item: Any) -> str | None:
    if not isinstance(item, dict):
        return None
    return next((str(item[k]) for k in _NAME_KEYS if isinstance(item.get(k), str)), None)


def _mentions(sentence: str, thing: str) -> bool:
    """Whether a sentence names the thing, and no more than a clause around it (a listing of
    several things in one sentence says nothing about which has which value)."""
    return len(re.split(r",|\band\b", sentence)) <= 4 and entities.held(thing, [sentence])


def _its_part(sentence: str, thing: str) -> str:
    """Of a sentence that reads out several things ("due tomorrow: A at 8 AM, B at 12:30 PM"), the
    heading and the one item that names the thing ("due tomorrow: B at 12:30 PM"); else all of it."""
    for group in sentence.split(";"):
        *heads, items = re.split(r":\s+", group)  # (not the colon of "12:30")
        named = [item for item in items.split(",") if entities.held(thing, [item])] if heads else []
        if len(named) == 1:
            return f"{': '.join(heads)}: {named[0].strip()}"
    return sentence


def _same(thing: str, name: str) -> bool:
    return entities.held(thing, [name]) or entities.held(name, [thing])


def _default(tool: ToolSpec | None, key: str | None) -> Any | None:
    if tool is None or key is None:
        return None
    spec = parameters.properties_of(tool).get(key)
    return spec.get("default") if isinstance(spec, dict) else None
