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
from .json_decode import MAX_JSON_DEPTH, json_depth

MAX_TEXT_CHARS = 32_768
"""Characters in one text of an item (an `input_text`/`output_text` part, a transcript, a tool
call's `arguments`, a tool's `output`). A quarter of the model's context; OpenAI's Responses API
allows 10,485,760 per string, but one 200 KB typed message froze a CPU brain for 19 s."""

MAX_ITEM_ID_CHARS = 32
"""OpenAI's own limit on a client-chosen `item.id` ("Expected a string with maximum length 32");
RealTalk's ids are 25 characters."""

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

MAX_CONVERSATION_ITEMS = 4_096
"""Items a client may have in one conversation (`conversation.item.create` and `response.create`
are refused beyond it; voice turns and replies still land). OpenAI documents none and drops old
items from the model's context instead; ours bounds a session's memory: an hour-long call makes
about 1,500 items."""

MAX_INPUT_ITEMS = MAX_CONVERSATION_ITEMS
"""Items in a response's out-of-band `input`."""

MAX_METADATA_PAIRS = 16
MAX_METADATA_KEY_CHARS = 64
MAX_METADATA_VALUE_CHARS = 512
"""OpenAI's documented `metadata` limits: 16 pairs, keys of 64 and values of 512 characters."""

_ITEM_TEXT_FIELDS = ("text", "transcript", "arguments", "output")


def check_session(config: dict[str, Any], path: str) -> None:
    """A partial `session` (from `session.update` or a session-creating request). Runs before the
    schema is checked, so every value may be of any JSON type."""
    _check_config(config, path)
    transcription = _object(_object(_object(config.get("audio")).get("input")).get("transcription"))
    if transcription:
        check_string(
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
    check_string(item.get("id"), f"{path}.id", MAX_ITEM_ID_CHARS)
    for name in _ITEM_TEXT_FIELDS:
        check_string(item.get(name), f"{path}.{name}", MAX_TEXT_CHARS)
    for name in ("arguments", "output"):
        _check_embedded_json(item.get(name), f"{path}.{name}")
    content = item.get("content")
    for index, part in enumerate(content if isinstance(content, list) else []):
        if isinstance(part, dict):
            for name in _ITEM_TEXT_FIELDS:
                check_string(part.get(name), f"{path}.content[{index}].{name}", MAX_TEXT_CHARS)


def _object(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _check_config(config: dict[str, Any], path: str) -> None:
    check_string(config.get("instructions"), f"{path}.instructions", MAX_INSTRUCTIONS_CHARS)
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


def _check_embedded_json(value: object, path: str) -> None:
    """A tool call's `arguments` and a tool's `output` are JSON text that the brains parse: the
    same nesting bound as for events (`[[[…` 10,000 deep fits in one text and broke the built-in brain)."""
    if not isinstance(value, str) or value.lstrip()[:1] not in ("[", "{"):
        return
    try:
        if json_depth(json.loads(value)) <= MAX_JSON_DEPTH:
            return
    except RecursionError:
        pass
    except ValueError:
        return  # not JSON: plain text is a fine output
    raise ProtocolError(
        f"Invalid '{path}': its JSON nests arrays and objects more than {MAX_JSON_DEPTH} levels deep.",
        code="invalid_value",
        param=path,
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
        check_string(value, f"{path}.{key}", MAX_METADATA_VALUE_CHARS)


def check_string(value: object, path: str, limit: int) -> None:
    """Refuse a string longer than `limit` characters (`string_above_max_length`)."""
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
