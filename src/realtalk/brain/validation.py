"""Arguments checked against the tool's JSON schema before any call.

A value the words gave that does not fit its parameter ("482ion" for a 4-digit code) is not sent:
the brain asks for it again instead. The schema is checked with `jsonschema`; a description that
states a length in digits ("the 4-digit code") counts as a pattern, since many tools say it only
in words.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import Any

import jsonschema

_DIGITS = re.compile(r"\b(\d+|one|two|three|four|five|six|seven|eight|nine|ten)[\s-]+digits?\b", re.I)
_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
            "nine": 9, "ten": 10}  # fmt: skip


def problem(spec: dict[str, Any], value: Any) -> str | None:
    """Why `value` does not fit the parameter schema `spec` (in words to say), or None if it fits."""
    digits = digit_count(spec)
    if digits and isinstance(value, str | int) and not re.fullmatch(rf"\d{{{digits}}}", str(value)):
        return f"that doesn't sound like {digits} digits"
    error = jsonschema.exceptions.best_match(_validator(_frozen(spec)).iter_errors(value))
    if error is None:
        return None
    if "pattern" in spec and error.validator == "pattern":
        return "that doesn't fit what I need"
    return "I didn't catch that right"


def call_problem(schema: dict[str, Any], arguments: dict[str, Any]) -> str | None:
    """Why the whole argument object does not fit the tool's parameters schema, or None."""
    if not isinstance(schema, dict) or not schema:
        return None
    error = jsonschema.exceptions.best_match(_validator(_frozen(schema)).iter_errors(arguments))
    return None if error is None else error.message


def stated_digits(description: str) -> int | None:
    """The length in digits a description states ("the 4-digit code" -> 4), if it does."""
    match = _DIGITS.search(description)
    if match is None:
        return None
    word = match.group(1).lower()
    return int(word) if word.isdigit() else _NUMBERS[word]


_DIGIT_PATTERN = re.compile(r"^\^?(?:\\d|\[0-9\])(?:\{(?P<count>\d+)\}|\{\d+,\d*\}|\+)\$?$")


def digit_count(spec: dict[str, Any]) -> int | None:
    """How many digits a parameter takes, when its description ("the 4-digit code") or its pattern
    (`^[0-9]{4}$`) says."""
    stated = stated_digits(str(spec.get("description", "")))
    found = _DIGIT_PATTERN.match(str(spec.get("pattern", "")))
    count = found.group("count") if found is not None else None
    return stated if stated is not None else int(count) if count else None


def digits_only(spec: dict[str, Any]) -> bool:
    """Whether a parameter takes digits and nothing else (by its description or its pattern)."""
    return digit_count(spec) is not None or _DIGIT_PATTERN.match(str(spec.get("pattern", ""))) is not None


def _frozen(schema: dict[str, Any]) -> str:
    return json.dumps(schema, sort_keys=True, default=str)


@lru_cache(maxsize=512)
def _validator(schema: str) -> jsonschema.protocols.Validator:
    """One validator per distinct schema (tools are sent with every turn)."""
    loaded = json.loads(schema)
    try:
        cls = jsonschema.validators.validator_for(loaded, default=jsonschema.Draft202012Validator)
        cls.check_schema(loaded)
    except jsonschema.exceptions.SchemaError:
        return jsonschema.Draft202012Validator({})  # a malformed schema: nothing can be checked
    return cls(loaded)
