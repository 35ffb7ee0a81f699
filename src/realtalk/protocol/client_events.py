"""Parsing and validating client events against the GA schema in `openai.types.realtime`.

The SDK's generated models are the schema of record: validating with them means RealTalk accepts
exactly what OpenAI's own clients send. They allow unknown keys, so we check for those ourselves and
answer like OpenAI does ("Unknown parameter: 'session.foo'").
"""

from __future__ import annotations

import json
from typing import Any

from openai.types.realtime import (
    ConversationItemCreateEvent,
    ConversationItemDeleteEvent,
    ConversationItemRetrieveEvent,
    ConversationItemTruncateEvent,
    InputAudioBufferAppendEvent,
    InputAudioBufferClearEvent,
    InputAudioBufferCommitEvent,
    OutputAudioBufferClearEvent,
    ResponseCancelEvent,
    ResponseCreateEvent,
    SessionUpdateEvent,
)
from pydantic import BaseModel, ValidationError

from .errors import ProtocolError

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
TURN_DETECTION_EXTENSIONS = {"backchannels": bool}


def decode_json_event(raw: str | bytes) -> dict[str, Any]:
    """Decode one text frame into an event object, or raise `ProtocolError`."""
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ProtocolError(
            f"We could not parse the JSON body of your request: {exc}", code="invalid_json"
        ) from exc
    if not isinstance(data, dict):
        raise ProtocolError("A client event must be a JSON object.", code="invalid_json")
    event_type = data.get("type")
    if not isinstance(event_type, str):
        raise ProtocolError(
            "Missing required parameter: 'type'.", code="missing_required_parameter", param="type"
        )
    return data


def validate_client_event(data: dict[str, Any]) -> BaseModel:
    """Validate a GA-shaped client event; return the SDK model. Raises `ProtocolError`."""
    event_type = data["type"]
    model = CLIENT_EVENT_MODELS.get(event_type)
    if model is None:
        raise ProtocolError(
            f"Invalid value: '{event_type}'. Supported values are: "
            + ", ".join(f"'{name}'" for name in CLIENT_EVENT_MODELS)
            + ".",
            code="invalid_value",
            param="type",
        )
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
        expected = TURN_DETECTION_EXTENSIONS.get(key)
        if expected is None:
            raise ProtocolError(
                f"Unknown parameter: '{path}.{key}'.", code="unknown_parameter", param=f"{path}.{key}"
            )
        if not isinstance(item, expected):
            raise ProtocolError(
                f"Invalid type for '{path}.{key}': expected a {expected.__name__}.",
                code="invalid_type",
                param=f"{path}.{key}",
            )


def _from_validation_error(exc: ValidationError) -> ProtocolError:
    # Unions report one error per branch; the most specific (deepest) one is the useful one.
    errors = sorted(exc.errors(), key=lambda e: -len(e["loc"]))
    error = errors[0]
    # Union branch names (class names) appear in `loc`; they are not part of the wire path.
    path = ""
    for part in error["loc"]:
        if isinstance(part, int):
            path += f"[{part}]"
        elif not part[:1].isupper():
            path += f".{part}" if path else part
    if error["type"] == "missing":
        return ProtocolError(
            f"Missing required parameter: '{path}'.", code="missing_required_parameter", param=path
        )
    return ProtocolError(f"Invalid value for '{path}': {error['msg']}.", code="invalid_value", param=path)


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
    return config
