"""Parsing and validating client events against the GA schema in `openai.types.realtime`.

The SDK's generated models are the schema of record: validating with them means RealTalk accepts
exactly what OpenAI's own clients send. They allow unknown keys, so we check for those ourselves and
answer like OpenAI does ("Unknown parameter: 'session.foo'").
"""

from __future__ import annotations

from types import UnionType
from typing import Any, Union, get_args, get_origin, get_type_hints

from openai.types.realtime import (
    ConversationItem,
    ConversationItemCreateEvent,
    ConversationItemDeleteEvent,
    ConversationItemRetrieveEvent,
    ConversationItemTruncateEvent,
    InputAudioBufferAppendEvent,
    InputAudioBufferClearEvent,
    InputAudioBufferCommitEvent,
    OutputAudioBufferClearEvent,
    RealtimeConversationItemAssistantMessage,
    RealtimeConversationItemSystemMessage,
    RealtimeConversationItemUserMessage,
    RealtimeResponseCreateParams,
    ResponseCancelEvent,
    ResponseCreateEvent,
    ResponseCreateEventParam,
    SessionUpdateEvent,
    SessionUpdateEventParam,
)
from pydantic import BaseModel, ValidationError

from ..session.config import check_config, default_config, merge_config
from . import limits
from .errors import ProtocolError
from .json_decode import check_json_depth, decode_json

CLIENT_EVENT_MODELS: dict[str, type[BaseModel]] = {
    "session.update": SessionUpdateEvent,
    "input_audio_buffer.append": InputAudioBufferAppendEvent,
    "input_audio_buffer.commit": InputAudioBufferCommitEvent,
    "input_audio_buffer.clear": InputAudioBufferClearEvent,
    "output_audio_buffer.clear": OutputAudioBufferClearEvent,
    "conversation.item.create": ConversationItemCreateEvent,
    "conversation.item.retrieve": ConversationItemRetrieveEvent,
    "conversation.item.truncate": ConversationItemTruncateEvent,
    "conversation.item.delete": ConversationItemDeleteEvent,
    "response.create": ResponseCreateEvent,
    "response.cancel": ResponseCancelEvent,
}

EXTENSION_PREFIX = "realtalk."
"""Client events of RealTalk's own protocol extensions (see docs/protocol.md)."""
EXTENSION_FIELD = "realtalk"
"""RealTalk's own settings inside an OpenAI object (`turn_detection.realtalk`), namespaced so no
OpenAI field can ever collide with them."""
TURN_DETECTION_EXTENSIONS: dict[str, type[bool] | range] = {
    "backchannels": bool,
    "pause_at_onset": bool,
    # 0 to 10 s: longer than nearly every spoken sentence, where `low` (never at once) is plainer.
    "quick_end_after_ms": range(0, 10_001),
}
"""`turn_detection.realtalk`'s settings: a boolean, or an integer in a range (see docs/protocol.md)."""


def decode_json_event(raw: str | bytes) -> dict[str, Any]:
    """Decode one text frame into an event object, or raise `ProtocolError`. Its fields, `type`
    included, are checked by `validate_client_event`, which can name the event's `event_id`."""
    data = decode_json(raw, check_depth=False)
    if not isinstance(data, dict):
        raise ProtocolError(
            f"A client event must be a JSON object, but got {_json_type(data)} instead.", code="invalid_json"
        )
    return data


def event_type(data: dict[str, Any]) -> str | None:
    """The event's `type` when it is a string."""
    value = data.get("type")
    return value if isinstance(value, str) else None


def validate_client_event(data: dict[str, Any]) -> BaseModel:
    """Validate a GA-shaped client event; return the SDK model. Raises `ProtocolError`."""
    if "type" not in data:
        raise ProtocolError(
            "Missing required parameter: 'type'.", code="missing_required_parameter", param="type"
        )
    name = event_type(data)
    if name is None:
        raise ProtocolError(
            f"Invalid type for 'type': expected a string, but got {_json_type(data['type'])} instead.",
            code="invalid_type",
            param="type",
        )
    model = CLIENT_EVENT_MODELS.get(name)
    if model is None:
        raise ProtocolError(
            f"Invalid value: '{_short(name)}'. Supported values are: "
            + ", ".join(f"'{known}'" for known in CLIENT_EVENT_MODELS)
            + ".",
            code="invalid_value",
            param="type",
        )
    check_json_depth(data)  # here, not in `decode_json_event`, so the error names the event_id
    _drop_item_nulls(data)
    if isinstance(data.get("response"), dict):
        # LiveKit's RealtimeModel sends `"instructions": null` with every response.create, and
        # OpenAI takes it: a response field left null is one not given (the session's applies).
        _drop_nulls(data["response"], _RESPONSE_FIELDS)
    for config in ("session", "response"):
        if isinstance(data.get(config), dict):
            _refuse_nulls(data[config], config)
    # Limits first: validating a million-element `tools` array would itself stall the event loop.
    if name == "session.update" and isinstance(data.get("session"), dict):
        limits.check_session(data["session"], "session")
    elif name == "response.create" and isinstance(data.get("response"), dict):
        limits.check_response(data["response"], "response")
    elif name == "conversation.item.create" and isinstance(data.get("item"), dict):
        limits.check_item(data["item"], "item")
    try:
        parsed = model.model_validate(data)
    except ValidationError as exc:
        raise _from_validation_error(exc) from exc
    unknown = _first_unknown_key(parsed, "")
    if unknown is not None:
        raise ProtocolError(f"Unknown parameter: '{unknown}'.", code="unknown_parameter", param=unknown)
    return parsed


def _check_turn_detection_extension(path: str, value: object) -> None:
    if not isinstance(value, dict):
        raise ProtocolError(
            f"Invalid type for '{path}': expected an object.", code="invalid_type", param=path
        )
    for key, item in value.items():
        where = f"{path}.{key}"
        expected = TURN_DETECTION_EXTENSIONS.get(key)
        if expected is None:
            raise ProtocolError(f"Unknown parameter: '{where}'.", code="unknown_parameter", param=where)
        if isinstance(expected, range):
            if not isinstance(item, int) or isinstance(item, bool):  # JSON's true is no integer
                raise _wrong_type(where, 0, item)
            _check_range(item, where, expected)
        elif not isinstance(item, bool):
            raise _wrong_type(where, False, item)


def _wrong_type(path: str, example: object, item: object) -> ProtocolError:
    """OpenAI's error for a value of the wrong JSON type, the type named by an `example` of it."""
    return ProtocolError(
        f"Invalid type for '{path}': expected {_json_type(example)}, but got {_json_type(item)} instead.",
        code="invalid_type",
        param=path,
    )


def _check_range(value: int, path: str, allowed: range) -> None:
    """OpenAI's error for an integer out of its range (`integer_above_max_value`, "Expected a value
    <= 128, but got 130 instead.")."""
    if value > allowed[-1]:
        raise ProtocolError(
            f"Invalid '{path}': integer above maximum value. Expected a value <= {allowed[-1]}, "
            f"but got {value} instead.",
            code="integer_above_max_value",
            param=path,
        )
    if value < allowed[0]:
        raise ProtocolError(
            f"Invalid '{path}': integer below minimum value. Expected a value >= {allowed[0]}, "
            f"but got {value} instead.",
            code="integer_below_min_value",
            param=path,
        )


def _nullable_fields(*roots: object) -> frozenset[str]:
    """Names of the fields the SDK's request types (generated from OpenAI's spec) let be `null`
    wherever the name occurs (`output` may be null in an MCP call but not in `audio`)."""
    seen: set[object] = set()
    names: set[str] = set()
    required: set[str] = set()
    stack = list(roots)
    while stack:
        hint = stack.pop()
        if isinstance(hint, type) and hasattr(hint, "__total__"):  # a TypedDict
            if hint in seen:
                continue
            seen.add(hint)
            for name, field_hint in get_type_hints(hint).items():
                (names if type(None) in _union_members(field_hint) else required).add(name)
                stack.append(field_hint)
        else:
            stack.extend(arg for arg in get_args(hint) if not isinstance(arg, str))
    return frozenset(names - required)


def _union_members(hint: object) -> list[object]:
    members, stack = [], [hint]
    while stack:
        current = stack.pop()
        if get_origin(current) in (Union, UnionType):
            stack.extend(get_args(current))
        else:
            members.append(current)
    return members


NULLABLE = _nullable_fields(SessionUpdateEventParam, ResponseCreateEventParam) | {
    "noise_reduction",
    "transcription",
    "include",
    "prompt",
}
"""Session and response fields a `null` clears: those OpenAI's spec makes nullable
(`turn_detection`, `idle_timeout_ms`, `tracing`, `metadata`, MCP tools' options, …), and those
OpenAI's docs clear with `null` (`noise_reduction`, `transcription`). Any other `null` is refused
as OpenAI refuses it ("Invalid type for 'session.audio': expected an object, but got null
instead"): "To clear a field like `instructions`, pass an empty string. To clear a field like
`tools`, pass an empty array." `include` and `prompt` are nullable here because
`session.updated` shows them so."""

_OPAQUE = frozenset({"response.input", "response.metadata"})
"""Values that are not session fields: items (see `_drop_item_nulls`) and metadata (checked by the
schema). Nor is a tool's `parameters`, a JSON Schema where `null` is a legal value."""


def _refuse_nulls(value: object, path: str) -> None:
    if isinstance(value, dict):
        for key, child in value.items():
            where = f"{path}.{key}"
            if child is None and key not in NULLABLE:
                raise ProtocolError(
                    f"Invalid type for '{where}': expected {_expected(path, key)}, but got null instead.",
                    code="invalid_type",
                    param=where,
                )
            if key != "parameters" and where not in _OPAQUE:
                _refuse_nulls(child, where)
    elif isinstance(value, list):
        for index, child in enumerate(value):
            if child is None:
                raise ProtocolError(
                    f"Invalid type for '{path}[{index}]': expected an object, but got null instead.",
                    code="invalid_type",
                    param=f"{path}[{index}]",
                )
            _refuse_nulls(child, f"{path}[{index}]")


_EXPECTED = {
    "an integer": ("prefix_padding_ms", "silence_duration_ms", "idle_timeout_ms", "rate"),
    "a number": ("speed", "threshold", "temperature"),
    "a boolean": ("create_response", "interrupt_response", "parallel_tool_calls"),
    "a string": ("instructions", "voice", "model", "name", "description", "type", "eagerness", "language"),
    "an array": ("tools", "output_modalities"),
    "an integer or 'inf'": ("max_output_tokens",),
}


def _expected(path: str, key: str) -> str:
    """What a field holds, in OpenAI's words ("expected an object, but got null instead")."""
    for kind, keys in _EXPECTED.items():
        if key in keys:
            return kind
    return "a value" if path.endswith("]") else "an object"


def _model_fields(union: object) -> frozenset[str]:
    return frozenset(name for model in get_args(union) for name in model.model_fields)


_MESSAGE_MODELS = (
    RealtimeConversationItemSystemMessage,
    RealtimeConversationItemUserMessage,
    RealtimeConversationItemAssistantMessage,
)
_RESPONSE_FIELDS = frozenset(RealtimeResponseCreateParams.model_fields)
_ITEM_FIELDS = _model_fields(get_args(ConversationItem)[0])
_PART_FIELDS = frozenset(
    name
    for message in _MESSAGE_MODELS
    for part in get_args(message.model_fields["content"].annotation)
    for name in part.model_fields
)


def _drop_item_nulls(data: dict[str, Any]) -> None:
    """An item's optional fields may come as `null` (clients echo items the way servers render
    them, `"id": null`, `"transcript": null`): null means absent there. Unknown keys stay, to be
    refused as unknown."""
    items: list[object] = [data.get("item")]
    response = data.get("response")
    if isinstance(response, dict) and isinstance(response.get("input"), list):
        items += response["input"]
    for item in items:
        if not isinstance(item, dict):
            continue
        _drop_nulls(item, _ITEM_FIELDS)
        for part in item["content"] if isinstance(item.get("content"), list) else []:
            if isinstance(part, dict):
                _drop_nulls(part, _PART_FIELDS)


def _drop_nulls(value: dict[str, Any], known: frozenset[str]) -> None:
    for key in [key for key, field in value.items() if field is None and key in known]:
        del value[key]


_TYPE_NAMES = {
    "string_type": "a string",
    "int_type": "an integer",
    "int_from_float": "an integer",
    "int_parsing": "an integer",
    "float_type": "a number",
    "float_parsing": "a number",
    "bool_type": "a boolean",
    "bool_parsing": "a boolean",
    "list_type": "an array",
    "dict_type": "an object",
    "model_type": "an object",
    "model_attributes_type": "an object",
}


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a decimal number"  # OpenAI's word for a JSON number with a point, as in 2000.0
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    return "an object"


def _from_validation_error(exc: ValidationError) -> ProtocolError:
    # Unions report one error per branch; the most specific (deepest) one is the useful one.
    errors = sorted(exc.errors(), key=lambda e: -len(e["loc"]))
    error = errors[0]
    # Union branch names (class names) appear in `loc`; they are not part of the wire path.
    path = ""
    for part in error["loc"]:
        if isinstance(part, int):
            path += f"[{part}]"
        elif not part[:1].isupper() and not part.startswith(("function-", "literal[")):
            path += f".{part}" if path else part
    if error["type"] == "missing":
        return ProtocolError(
            f"Missing required parameter: '{path}'.", code="missing_required_parameter", param=path
        )
    expected = _TYPE_NAMES.get(error["type"])
    if expected is not None:
        got = _json_type(error.get("input"))
        return ProtocolError(
            f"Invalid type for '{path}': expected {expected}, but got {got} instead.",
            code="invalid_type",
            param=path,
        )
    if error["type"] == "literal_error":
        expected_values = (error.get("ctx") or {}).get("expected", "")
        return ProtocolError(
            f"Invalid value: '{_short(error.get('input'))}'. Supported values are: {expected_values}.",
            code="invalid_value",
            param=path,
        )
    return ProtocolError(f"Invalid value for '{path}': {error['msg']}.", code="invalid_value", param=path)


def _short(value: object, limit: int = 100) -> str:
    text = str(value)
    return text if len(text) <= limit else text[:limit] + "…"


def _first_unknown_key(value: object, path: str) -> str | None:
    if isinstance(value, BaseModel):
        for key, extra in (value.model_extra or {}).items():
            if key == EXTENSION_FIELD and path.endswith("turn_detection"):
                _check_turn_detection_extension(f"{path}.{key}", extra)
                continue
            return f"{path}.{key}" if path else key
        for name in type(value).model_fields:
            found = _first_unknown_key(getattr(value, name), f"{path}.{name}" if path else name)
            if found:
                return found
    elif isinstance(value, list):
        for index, element in enumerate(value):
            found = _first_unknown_key(element, f"{path}[{index}]")
            if found:
                return found
    return None


def validate_session_config(session: object) -> dict[str, Any]:
    """Validate a GA `session` object (client secrets, calls); return it as a plain partial dict."""
    if not isinstance(session, dict):
        raise ProtocolError(
            "Invalid type for 'session': expected an object.", code="invalid_type", param="session"
        )
    session = {"type": "realtime", **session}
    if session["type"] != "realtime":
        raise ProtocolError(
            "Only 'realtime' sessions are supported; transcription sessions are not.",
            code="invalid_value",
            param="session.type",
        )
    event = validate_client_event({"type": "session.update", "session": session})
    config: dict[str, Any] = event.model_dump(exclude_unset=True)["session"]
    check_config(merge_config(default_config("realtalk"), config))
    return config
