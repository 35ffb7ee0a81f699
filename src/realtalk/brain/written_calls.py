"""Tool calls a model wrote into its reply's text instead of the endpoint's `tool_calls`.

Qwen2.5-Coder (in llama.cpp's server and Ollama alike) answers a tool request with bare JSON,
`{"name": "add_task", "arguments": {...}}`, often without the `<tool_call>` tags its chat template
asks for, so the server's parser passes it on as content and a voice agent would read it aloud.
A reply that starts like JSON, a tag or a code fence is held back until it ends: if all it holds
is calls to offered tools, they are the reply; otherwise it is spoken as written. Held text is
bounded: a call shows its `{"name":` within the first few dozen characters, and calls to voice
tools are short, so text that does neither is spoken rather than held until the reply ends.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection

_OPENERS = ("{", "[", "<tool_call>", "<tools>", "```")
_WRAPPING = re.compile(r"</?tool_call>|</?tools>|```(?:json)?")
_CALL_START = re.compile(r'\{\s*"name"\s*:')
_LEFTOVER = re.compile(r"[\s{}\[\],]*")
"""What may surround the calls: stray braces (`{{"name": ...}}}`), a list's brackets and commas."""
_NAME_WITHIN = 64
"""Characters by which a call's `{"name":` has begun (after `<tool_call>`, a fence, a list's `[`)."""
_MOST_HELD = 4096
"""Characters held at most: a few calls' worth; longer text is not calls, or not ones to trust."""


class WrittenCalls:
    """Feeds a reply's text through; holds it back while it may be tool calls written as text."""

    def __init__(self, tools: Collection[str]) -> None:
        self._tools = tools
        self._held = ""
        self._speaking = not tools
        self._begun = False

    def feed(self, text: str) -> str:
        """The part of `text` to speak now."""
        if self._speaking:
            return text
        self._held += text
        if self._may_be_calls(self._held.lstrip()):
            return ""
        self._speaking = True
        return self._take()

    def flush(self) -> tuple[str, list[tuple[str, str]]]:
        """At the reply's end: the text still to speak, and the calls (name, JSON arguments) found."""
        if self._speaking:
            return "", []
        calls = parse(self._held, self._tools)
        if calls:
            self._held = ""
            return "", calls
        return self._take(), []

    def _may_be_calls(self, head: str) -> bool:
        if len(head) > _MOST_HELD or not any(o.startswith(head) or head.startswith(o) for o in _OPENERS):
            return False
        if len(head) < _NAME_WITHIN:
            return True  # too little yet to tell
        self._begun = self._begun or _calls_begun(head)
        return self._begun

    def _take(self) -> str:
        text, self._held = self._held, ""
        return text


def _calls_begun(text: str) -> bool:
    """Whether `text` opens with a call's `{"name":`, after only wrapping and stray brackets."""
    body = _WRAPPING.sub(" ", text)
    found = _CALL_START.search(body)
    return found is not None and _LEFTOVER.fullmatch(body, 0, found.start()) is not None


def parse(text: str, tools: Collection[str]) -> list[tuple[str, str]]:
    """The calls `text` consists of, or none if anything else is in it (words, an unknown tool)."""
    body = _WRAPPING.sub(" ", text)
    decoder = json.JSONDecoder()
    calls: list[tuple[str, str]] = []
    position = 0
    while (found := _CALL_START.search(body, position)) is not None:
        if not _LEFTOVER.fullmatch(body, position, found.start()):
            return []
        try:
            call, position = decoder.raw_decode(body, found.start())
        except ValueError:
            return []
        arguments = call.get("arguments", call.get("parameters", {}))
        if isinstance(arguments, str):  # some models encode the arguments once more, as the API does
            try:
                arguments = json.loads(arguments or "{}")
            except ValueError:
                return []
        if call.get("name") not in tools or not isinstance(arguments, dict):
            return []
        calls.append((call["name"], json.dumps(arguments)))
    return calls if _LEFTOVER.fullmatch(body, position) else []
