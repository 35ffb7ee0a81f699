"""Strict validation of server events against the GA types in `openai.types.realtime`.

The SDK's models accept unknown keys and build objects without validating; here every event is
validated with pydantic (required fields, types, literals) and must carry no key the schema lacks.
"""

from __future__ import annotations

import typing
from typing import Any

from openai.types.beta.realtime.realtime_server_event import RealtimeServerEvent as BetaRealtimeServerEvent
from openai.types.realtime import realtime_server_event
from openai.types.realtime.realtime_server_event import RealtimeServerEvent
from pydantic import BaseModel

# OpenAI's own session objects carry these server-owned fields, which the request type lacks.
_SESSION_EXTRAS = {"id", "object", "expires_at"}
# RealTalk's namespaced turn_detection settings, echoed only to a client that set them
# (docs/protocol.md, "Backchannels").
_TURN_DETECTION_EXTRAS = {"realtalk"}


def _event_models(union_alias: Any = RealtimeServerEvent) -> dict[str, type[BaseModel]]:
    union = typing.get_args(union_alias)[0]
    models: dict[str, type[BaseModel]] = {}
    for model in typing.get_args(union):
        literal = model.model_fields["type"].annotation
        models[typing.get_args(literal)[0]] = model
    return models


EVENT_MODELS = _event_models()
BETA_EVENT_MODELS = _event_models(BetaRealtimeServerEvent)
assert "conversation.item.retrieved" in EVENT_MODELS
assert realtime_server_event.OutputAudioBufferCleared in EVENT_MODELS.values()


def validate_server_event(event: dict[str, Any], *, beta: bool = False) -> BaseModel:
    """Validate one server event strictly; raise AssertionError/ValidationError otherwise."""
    model = (BETA_EVENT_MODELS if beta else EVENT_MODELS).get(event.get("type", ""))
    assert model is not None, f"unknown server event type: {event.get('type')}"
    if "event_id" in model.model_fields:  # all but the SIP-only DTMF event
        assert isinstance(event.get("event_id"), str) and event["event_id"], f"no event_id: {event}"
    parsed = model.model_validate(event)
    extra = _extras(parsed, event["type"])
    assert not extra, f"{event['type']}: keys not in the GA schema: {extra}"
    return parsed


def _extras(value: object, path: str) -> list[str]:
    found: list[str] = []
    if isinstance(value, BaseModel):
        allowed = (
            _SESSION_EXTRAS
            if path.endswith(".session")
            else _TURN_DETECTION_EXTRAS
            if path.endswith(".turn_detection")
            else set()
        )
        found += [f"{path}.{k}" for k in (value.model_extra or {}) if k not in allowed]
        for name in type(value).model_fields:
            found += _extras(getattr(value, name), f"{path}.{name}")
    elif isinstance(value, list):
        for index, element in enumerate(value):
            found += _extras(element, f"{path}[{index}]")
    return found
