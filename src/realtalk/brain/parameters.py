"""A tool's parameters as the brain reads them: each one's kind (a date, a code, a place, free
text, ...) from its JSON-schema type, name and description, and how to ask for it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from . import lexicon, validation
from .base import ToolSpec

# Kinds in the order they are filled ("unsupported", e.g. objects, is never filled).
KINDS = ("enum", "boolean", "email", "datetime", "date", "time", "code", "number", "list", "name", "place",
         "entity", "text")  # fmt: skip
TYPED_KINDS = frozenset({"enum", "boolean", "email", "datetime", "date", "time", "code", "number"})
"""Kinds whose value the words carry unmistakably (unlike a place or free text)."""
_DATE_WORDS = {"date", "day", "birthday", "dob", "checkin", "checkout"}
_TIME_WORDS = {"time", "hour"}
_DATETIME_WORDS = {"datetime", "timestamp", "when", "due", "deadline", "scheduled"}
_HINTS: tuple[tuple[str, set[str]], ...] = (
    ("email", {"email", "mail"}),
    ("code", {"code", "pin", "id", "number", "no", "otp", "zip", "postcode", "postal", "phone", "mobile",
              "account", "reference", "ref", "confirmation", "tracking", "serial", "sku", "passcode",
              "digits", "extension"}),
    ("place", {"city", "location", "place", "destination", "origin", "country", "address", "where",
               "town", "region", "venue", "airport", "station", "room", "area", "zone", "street",
               "neighborhood", "neighbourhood"}),
    ("name", {"name", "person", "contact", "guest", "customer", "recipient", "who", "caller", "attendee",
              "user", "username", "firstname", "lastname", "surname"}),
    ("text", {"title", "text", "query", "message", "note", "content", "description", "task", "item",
              "subject", "body", "topic", "question", "request", "prompt", "search", "keyword", "term",
              "comment", "reason", "summary", "details", "memo", "value", "input", "sentence", "phrase",
              "caption", "key"}),
)  # fmt: skip
SWITCHES = {"on", "enabled", "enable", "active", "state", "power", "status", "toggle", "switch"}
"""Names of a boolean that turns something on or off."""


@dataclass(frozen=True)
class Param:
    """One parameter of a tool, with what the brain makes of it."""

    name: str
    spec: dict[str, Any]
    kind: str
    required: bool
    words: frozenset[str]
    """Stems of the parameter's name words (what a number next to it would be called)."""
    hints: frozenset[str]
    """Stems of its name and description words."""

    @property
    def label(self) -> str:
        """How to ask for it: a short description when there is one ("number of guests"), else the name."""
        description = str(self.spec.get("description", "")).strip().rstrip(".")
        if 0 < len(description.split()) <= 4 and re.fullmatch(r"[\w\s-]+", description):
            return re.sub(r"^(?:the|a|an)\s+", "", description, flags=re.I).lower()
        return lexicon.humanize(self.name)


def params_of(tool: ToolSpec) -> list[Param]:
    """The tool's parameters, in schema order."""
    properties = properties_of(tool)
    required = set((tool.parameters or {}).get("required") or [])
    params = []
    for name, spec in properties.items():
        spec = spec if isinstance(spec, dict) else {}
        words = frozenset(lexicon.stem(w) for w in lexicon.name_words(name))
        hints = words | set(lexicon.content_stems(str(spec.get("description", ""))))
        params.append(Param(name, spec, _kind(name, spec), name in required, words, frozenset(hints)))
    return params


def properties_of(tool: ToolSpec) -> dict[str, Any]:
    """The tool's parameter schemas by name ({} when its schema has none, or a malformed one)."""
    properties = (tool.parameters or {}).get("properties")
    return properties if isinstance(properties, dict) else {}


def _kind(name: str, spec: dict[str, Any]) -> str:
    kind = spec.get("type")
    if isinstance(kind, list):  # ["string", "null"]
        kind = next((k for k in kind if k != "null"), None)
    if "enum" in spec:
        return "enum"
    if kind == "array":
        return "list"
    if kind == "boolean":
        return "boolean"
    fmt = spec.get("format")
    if fmt in ("date-time", "date", "time", "email"):
        return "datetime" if fmt == "date-time" else str(fmt)
    name_words = set(lexicon.name_words(name))
    description_words = set(lexicon.tokens(str(spec.get("description", ""))))
    if kind in (None, "string") and _WHICH.match(str(spec.get("description", ""))):
        return "text"  # "which recipe, by its words": a held thing's words, not a person's name
    if kind in ("integer", "number"):
        return "code" if kind == "integer" and name_words & {"pin", "code", "otp", "zip"} else "number"
    if kind not in (None, "string"):
        return "unsupported"  # objects: too structured to fill from words
    if validation.digits_only(spec):
        return "code"  # a pattern of digits ("^[0-9]{3}$"), whatever the parameter is called
    for words in (name_words, description_words):
        found = _when_kind(words) or next((k for k, hints in _HINTS if words & hints), None)
        if found:
            return found
    return "entity"


_WHICH = re.compile(r"\W*which\b", re.I)
"""A description that opens with "which" names a held thing ("which task, by its words")."""


def names_a_held_thing(param: Param) -> bool:
    """Whether the parameter names a thing held already ("which task, by its words")."""
    return bool(_WHICH.match(_described(param)))


def _described(param: Param) -> str:
    return str(param.spec.get("description", ""))


def _when_kind(words: set[str]) -> str | None:
    has_date, has_time = bool(words & _DATE_WORDS), bool(words & _TIME_WORDS)
    if (has_date and has_time) or words & {"datetime", "timestamp", "iso"}:
        return "datetime"
    if has_date or has_time:
        return "date" if has_date else "time"
    return "datetime" if words & _DATETIME_WORDS else None


def vocabulary(tool: ToolSpec) -> frozenset[str]:
    """Stems of the tool's name and description words: the request's words, not its values."""
    return frozenset({lexicon.stem(w) for w in lexicon.name_words(tool.name)}) | frozenset(
        lexicon.content_stems(tool.description)
    )


def in_vocabulary(word: str, vocabulary: frozenset[str]) -> bool:
    """Whether the word, or a word of the same concept, is one of the `vocabulary` stems."""
    word_stem = lexicon.stem(word)
    if word_stem in vocabulary:
        return True
    groups = lexicon.concepts(word_stem)
    return bool(groups) and any(lexicon.concepts(v) & groups for v in vocabulary)


def question(param: Param) -> str:
    """How to ask for a missing parameter."""
    label = param.label
    if param.kind == "enum":
        options = lexicon.join([str(o) for o in param.spec["enum"][:4]], "or")
        return f"Which {label}: {options}?"
    if param.kind == "boolean":
        switch = set(lexicon.name_words(param.name)) <= SWITCHES
        return "Should it be on or off?" if switch else f"Do you want {label}, yes or no?"
    if param.kind == "datetime":
        return "When should it be?"
    if param.kind == "date":
        return "For which day?"
    if param.kind == "time":
        return "At what time?"
    label = re.sub(r"^(?:the|its|their|a|an)\s+", "", label, flags=re.I)  # "its new title": "the new title"
    return f"What are the {label}?" if param.kind == "list" else f"What's the {label}?"
