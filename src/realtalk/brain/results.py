"""Tool results as short spoken sentences.

{"city": "Paris", "temperature": 21, "unit": "C"} becomes "The temperature in Paris is 21 C.":
a place-like field becomes "in Paris", a unit field joins the number it measures, errors become
an honest apology, and long results are cut to what a listener can take in.
"""

from __future__ import annotations

import ast
import json
import re
from datetime import datetime
from typing import Any

from . import lexicon, routing

_MAX_LITERAL = 100_000
"""Longer outputs are not read as Python literals (parsing one builds its whole syntax tree)."""
_MAX_FACTS = 4
_MAX_WORDS = 60
_MAX_MESSAGE_WORDS = 150
"""A message the tool wrote to be said is cut only when far longer than what we would make up."""
_WRAPPERS = {"result", "results", "data", "output", "response", "content", "items", "value", "payload"}
_MESSAGES = ("message", "text", "answer", "summary", "result", "response", "output", "description", "reply")
# A field that says what the result is about, and how to say it: "in Paris", "of order 456".
_SUBJECTS = {"city": "in", "location": "in", "place": "in", "town": "in", "country": "in", "region": "in",
             "room": "in", "area": "in", "name": "for", "title": "for", "item": "for", "symbol": "for",
             "product": "for", "query": "for", "order": "of order", "order_id": "of order",
             "order_number": "of order"}  # fmt: skip
_UNIT_FIELDS = ("unit", "units", "currency", "unit_of_measure")
_UNIT_WORDS = lexicon.words(
    """kilometers kilometres miles meters metres feet inches centimeters yards kilograms grams pounds ounces
    liters litres gallons celsius fahrenheit kelvin dollars euros seconds minutes hours days weeks percent
    degrees"""
)
_UNIT_SUFFIXES = {"c": "degrees Celsius", "f": "degrees Fahrenheit", "kmh": "kilometers per hour",
                  "kph": "kilometers per hour", "mph": "miles per hour", "pct": "percent",
                  "percent": "percent", "km": "kilometers", "mi": "miles", "ms": "milliseconds",
                  "sec": "seconds", "min": "minutes", "usd": "dollars", "eur": "euros",
                  "gbp": "pounds"}  # fmt: skip
_SINGULAR_S = ("status", "address", "class", "news", "series", "bus", "gas", "plus", "bonus", "campus")
_FAILED = {"error", "failed", "failure", "fail"}


def speak(tool_name: str | None, output: str) -> str:
    """A short sentence for a tool's output (JSON or text)."""
    action = _action(tool_name)
    data = parse(output)
    said = _sentence(action, tool_name or "", data)
    written = isinstance(data, dict) and _message(_unwrap(data)) is not None
    return _limit(said, _MAX_MESSAGE_WORDS if written else _MAX_WORDS)


def parse(output: str) -> Any:
    """A tool's output as data: JSON, or a Python literal (LiveKit sends `repr()` of a dict), else
    the text itself."""
    try:
        return json.loads(output)
    except (ValueError, TypeError):
        pass
    text = output.strip()
    if text[:1] in "{[(" and len(text) <= _MAX_LITERAL:
        try:
            value = ast.literal_eval(text)
            return list(value) if isinstance(value, tuple | set) else value
        except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
            pass
    return text


def _message(data: Any) -> str | None:
    """The sentence the tool wrote to be said, if it wrote one."""
    if not isinstance(data, dict):
        return None
    return next((data[k] for k in _MESSAGES if isinstance(data.get(k), str) and data[k].strip()), None)


def _sentence(action: str, tool_name: str, data: Any) -> str:
    data = _unwrap(data)
    if isinstance(data, dict):
        error = _error(data)
        if error is not None:
            return _apology(action, tool_name, error)
        message = _message(data)
        return _sentence_end(message) if message else _describe(data)
    if isinstance(data, list):
        return _describe_list(data)
    if isinstance(data, bool):
        return "Done." if data else f"Sorry, I couldn't {action}."
    if data is None or data == "":
        return "Done."
    if isinstance(data, str):
        error_text = re.match(r"(?i)\s*(?:error|failed|failure|exception)\b[:\s-]*(.*)", data)
        if error_text:
            return _apology(action, tool_name, error_text.group(1) or "it failed")
        return _sentence_end(data)
    return f"The result is {_plain(data)}."


def _unwrap(data: Any) -> Any:
    """{"result": {...}} is just {...}."""
    while isinstance(data, dict) and len(data) == 1:
        key, value = next(iter(data.items()))
        if key.lower() not in _WRAPPERS or not isinstance(value, dict | list):
            break
        data = value
    return data


def _error(data: dict[str, Any]) -> str | None:
    error = data.get("error") or data.get("errors") or data.get("error_message")
    if error is None and len(data) == 1 and "detail" in data:
        error = data["detail"]
    failed = data.get("success") is False or data.get("ok") is False
    if str(data.get("status", "")).lower() in _FAILED:
        failed = True
    if error is None and not failed:
        return None
    if isinstance(error, dict):
        error = error.get("message") or error.get("detail") or _plain(error)
    if isinstance(error, list):
        error = _plain(error[0]) if error else None
    return str(error or data.get("message") or "it failed")


def _apology(action: str, tool_name: str, error: str) -> str:
    message = re.sub(r"^\s*[\w.-]+ failed:\s*", "", str(error)).strip().rstrip(".")
    if tool_name:
        message = message.replace(tool_name, "it")
    message = re.split(r"(?<=[.!?])\s", message)[0][:160]
    return f"Sorry, I couldn't {action}: {message}."


def _describe(data: dict[str, Any]) -> str:
    fields = {k: v for k, v in data.items() if v not in (None, "", [], {}) and not _is_link(v)}
    for flag in ("success", "ok"):
        if fields.get(flag) is True:
            fields.pop(flag)
    if str(fields.get("status", "")).lower() in ("ok", "success", "done"):
        fields.pop("status")
    if len(fields) > 1:
        fields.pop("id", None)
    subject = next(((k, v) for k, v in fields.items() if k.lower() in _SUBJECTS and isinstance(v, str)), None)
    if subject and len(fields) > 1:
        fields.pop(subject[0])
    else:
        subject = None
    unit = next((fields.pop(k) for k in _UNIT_FIELDS if isinstance(fields.get(k), str)), None)
    quantities, facts = _facts(fields, unit)
    if len(quantities) == 2 and not facts:
        return f"{quantities[0]} is {quantities[1]}."  # a conversion: "5 kilometers is 3.11 miles"
    facts = [f"that's {lexicon.join(quantities)}"] * bool(quantities) + facts
    if not facts:
        return "Done."
    first = facts[0]
    if subject and first.startswith("the "):
        # "the temperature is 21 C" -> "the temperature in Paris is 21 C"
        first = re.sub(r" (is|are) ", f" {_SUBJECTS[subject[0].lower()]} {subject[1]} \\1 ", first, count=1)
    elif subject:
        first = f"for {subject[1]}, {first}"
    sentence = lexicon.join([first, *facts[1:_MAX_FACTS]])
    return sentence[0].upper() + sentence[1:] + "."


def _facts(fields: dict[str, Any], unit: str | None, prefix: str = "") -> tuple[list[str], list[str]]:
    """("5 kilometers" quantities, "the wind speed is 10 km/h" facts) for the fields."""
    quantities: list[str] = []
    facts: list[str] = []
    for key, value in fields.items():
        words = lexicon.name_words(key)
        suffix = _UNIT_SUFFIXES.get(words[-1]) if len(words) > 1 else None
        label = " ".join([prefix, *(words[:-1] if suffix else words)]).strip()
        if isinstance(value, dict):
            inner_unit = next((value[k] for k in _UNIT_FIELDS if isinstance(value.get(k), str)), None)
            inner = {k: v for k, v in value.items() if k not in _UNIT_FIELDS}
            more_quantities, more_facts = _facts(inner, inner_unit, label)
            quantities += more_quantities
            facts += more_facts
        elif _is_number(value) and label in _UNIT_WORDS:
            quantities.append(f"{_plain(value)} {label}")
        elif isinstance(value, bool):
            facts.append(_yes_no(words, value))
        else:
            spoken = _plain(value)
            if _is_number(value) and (suffix or unit):
                spoken += f" {suffix or unit}"
                unit = None if not suffix else unit  # a unit field belongs to the first number
            verb = "are" if _plural(label) else "is"
            facts.append(f"the {lexicon.humanize(label)} {verb} {spoken}")
    return quantities, facts


def _yes_no(words: list[str], value: bool) -> str:
    if words[0] == "is" and len(words) > 1:
        return f"it's {'' if value else 'not '}{' '.join(words[1:])}"
    if words[0] == "has" and len(words) > 1:
        return f"it has {'' if value else 'no '}{' '.join(words[1:])}"
    return f"{' '.join(words)}: {'yes' if value else 'no'}"


def _describe_list(items: list[Any]) -> str:
    if not items:
        return "I didn't find anything."
    if len(items) == 1 and isinstance(items[0], dict):
        return _describe(items[0])
    labels = [_label(item) for item in items[:5]]
    more = f", and {len(items) - 5} more" if len(items) > 5 else ""
    return f"I found {len(items)}: {lexicon.join(labels)}{more}."


def _label(item: Any) -> str:
    if isinstance(item, dict):
        for key in ("name", "title", "label", "summary", "text", "description", "value"):
            if isinstance(item.get(key), str | int | float) and not isinstance(item.get(key), bool):
                return _plain(item[key])
    return _plain(item)


def _plain(value: Any) -> str:
    """A value as words."""
    if isinstance(value, dict):
        return ", ".join(
            f"{lexicon.humanize(str(k))} {_plain(v)}" for k, v in value.items() if v not in (None, "")
        )
    if isinstance(value, list):
        return lexicon.join([_plain(v) for v in value[:5]])
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else f"{round(value, 2):g}"
    if isinstance(value, str):
        return _when(value) or value.strip()
    return str(value)


def _when(text: str) -> str | None:
    """ISO dates and times as said aloud: "2026-11-23T15:00:00" -> "Monday, November 23 at 3 PM"."""
    if not re.fullmatch(
        r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?", text
    ):
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    day = f"{moment:%A, %B} {moment.day}"
    if len(text) == 10:
        return day
    return f"{day} at {clock_time(moment.hour, moment.minute)}"


def clock_time(hour: int, minute: int) -> str:
    """ "3 PM", "3:05 PM"."""
    return f"{hour % 12 or 12}{f':{minute:02d}' if minute else ''} {'AM' if hour < 12 else 'PM'}"


def _action(tool_name: str | None) -> str:
    """ "get_weather" -> "get the weather" (what the apology says could not be done)."""
    if not tool_name:
        return "do that"
    words = lexicon.humanize(tool_name).split()
    if words[0] not in routing.VERBS:
        return f"use the {' '.join(words)}"
    if words[0] == "lookup":
        words[0:1] = ["look", "up"]
    if len(words) > 1 and words[1] not in ("the", "a", "an", "my", "your", "up"):
        return " ".join([words[0], "the", *words[1:]])
    if len(words) > 2 and words[1] == "up":
        return " ".join([*words[:2], "the", *words[2:]])
    return " ".join(words)


def _plural(label: str) -> bool:
    last = label.split()[-1] if label.split() else ""
    return last.endswith("s") and not last.endswith(("ss", "us", "is")) and last not in _SINGULAR_S


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _is_link(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(("http://", "https://"))


def _sentence_end(text: str) -> str:
    text = " ".join(text.split())
    text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."


def _limit(text: str, max_words: int = _MAX_WORDS) -> str:
    """At most a few sentences: a listener cannot skim."""
    words = text.split()
    if len(words) <= max_words:
        return text
    cut = " ".join(words[:max_words])
    sentence_end = max(cut.rfind(". "), cut.rfind("! "), cut.rfind("? "))
    return cut[: sentence_end + 1] if sentence_end > 0 else cut.rstrip(",;:") + "…"
