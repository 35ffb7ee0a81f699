"""Limits on what one client may put in a session, beyond the shape the SDK's schema checks.

Every limit answers with OpenAI's own error for it (`string_above_max_length`,
`array_above_max_length`, `object_above_max_properties`, …), in OpenAI's words and with the
offending `param`. Where OpenAI documents a limit we use it; where it does not, the limit is sized
from what the model could use anyway (gpt-realtime's context is 32,768 tokens, about 128 KiB of
English) and from what one session may cost the server in memory and CPU.
"""

from __future__ import annotations

import json
from typing import Any

from .errors import ProtocolError

MAX_TEXT_CHARS = 32_768
"""Characters in one text of an item (an `input_text`/`output_text` part, a transcript, a tool
call's `arguments`, a tool's `output`). A quarter of the model's context; OpenAI's Responses API
allows 10,485,760 per string, but one 200 KB typed message froze a CPU brain for 19 s."""

MAX_INSTRUCTIONS_CHARS = 131_072
"""Characters of `instructions` (session or response): the whole of gpt-realtime's context."""

MAX_TRANSCRIPTION_PROMPT_CHARS = 1_024
"""OpenAI's own limit on `audio.input.transcription.prompt` ("Expected a string with maximum
length 1024")."""

MAX_TOOLS = 128
"""Tools per session or response: OpenAI's limit on `tools` in Chat Completions and Responses."""

MAX_TOOL_CHARS = 65_536
"""One tool as JSON (name, description, parameters schema). OpenAI caps structured-output
schemas at 5,000 properties and 10 levels; 64 KiB holds any hand-written schema and keeps each
`BrainRequest` copy small. Nesting is already capped by `json_decode.MAX_JSON_DEPTH`."""

MAX_INPUT_ITEMS = 4_096
"""Items in a response's out-of-band `input`; the same bound as a conversation's items."""

MAX_METADATA_PAIRS = 16
MAX_METADATA_KEY_CHARS = 64
MAX_METADATA_VALUE_CHARS = 512
"""OpenAI's documented `metadata` limits: 16 pairs, keys of 64 and values of 512 characters."""

_ITEM_TEXT_FIELDS = ("text", "transcript", "arguments", "output")


def check_session(config: dict[str, Any], path: str) -> None:
    """A partial `session` (from `session.update` or a session-creating request)."""
    _check_config(config, path)
    transcription = ((config.get("audio") or {}).get("input") or {}).get("transcription")
    if isinstance(transcription, dict):
        _check_string(
            transcription.get("prompt"),
            f"{path}.audio.input.transcription.prompt",
            MAX_TRANSCRIPTION_PROMPT_CHARS,
        )


def check_response(params: dict[str, Any], path: str) -> None:
    """The `response` of a `response.create`."""
    _check_config(params, path)
    items = params.get("input")
    if isinstance(items, list):
        _check_array(items, f"{path}.input", MAX_INPUT_ITEMS)
        for index, item in enumerate(items):
            if isinstance(item, dict):
                check_item(item, f"{path}.input[{index}]")
    metadata = params.get("metadata")
    if isinstance(metadata, dict):
        _check_metadata(metadata, f"{path}.metadata")


def check_item(item: dict[str, Any], path: str) -> None:
    """A conversation item a client creates."""
    for name in _ITEM_TEXT_FIELDS:
        _check_string(item.get(name), f"{path}.{name}", MAX_TEXT_CHARS)
    for index, part in enumerate(item.get("content") or []):
        if isinstance(part, dict):
            for name in _ITEM_TEXT_FIELDS:
                _check_string(part.get(name), f"{path}.content[{index}].{name}", MAX_TEXT_CHARS)


def _check_config(config: dict[str, Any], path: str) -> None:
    _check_string(config.get("instructions"), f"{path}.instructions", MAX_INSTRUCTIONS_CHARS)
    tools = config.get("tools")
    if not isinstance(tools, list):
        return
    _check_array(tools, f"{path}.tools", MAX_TOOLS)
    for index, tool in enumerate(tools):
        if not isinstance(tool, dict) or tool.get("type", "function") != "function":
            continue
        where = f"{path}.tools[{index}]"
        if not tool.get("name"):  # the SDK's model lets it go, but a nameless function can't be called
            raise ProtocolError(
                f"Missing required parameter: '{where}.name'.",
                code="missing_required_parameter",
                param=f"{where}.name",
            )
        size = len(json.dumps(tool))
        if size > MAX_TOOL_CHARS:
            raise ProtocolError(
                f"Invalid '{where}': tool too large. Expected at most {MAX_TOOL_CHARS} characters of "
                f"JSON, but got {size} instead.",
                code="invalid_value",
                param=where,
            )


def _check_metadata(metadata: dict[str, Any], path: str) -> None:
    if len(metadata) > MAX_METADATA_PAIRS:
        raise ProtocolError(
            f"Invalid '{path}': too many properties. Expected an object with at most "
            f"{MAX_METADATA_PAIRS} properties, but got an object with {len(metadata)} properties instead.",
            code="object_above_max_properties",
            param=path,
        )
    for key, value in metadata.items():
        _check_length(len(key), path, MAX_METADATA_KEY_CHARS, "a property name")
        _check_string(value, f"{path}.{key}", MAX_METADATA_VALUE_CHARS)


def _check_string(value: object, path: str, limit: int) -> None:
    if isinstance(value, str):
        _check_length(len(value), path, limit, "a string")


def _check_array(value: list[Any], path: str, limit: int) -> None:
    _check_length(len(value), path, limit, "an array")


def _check_length(length: int, path: str, limit: int, kind: str) -> None:
    if length > limit:
        noun = kind.split(" ", 1)[1]
        raise ProtocolError(
            f"Invalid '{path}': {noun} too long. Expected {kind} with maximum length {limit}, "
            f"but got {kind} with length {length} instead.",
            code=noun.replace(" ", "_") + "_above_max_length",
            param=path,
        )
