"""The beta dialect (`OpenAI-Beta: realtime=v1`), translated at the edge.

The session core speaks GA only. Beta clients' events are rewritten to GA on the way in, and GA
server events are rewritten to the beta names and shapes on the way out, so older clients (and
the SDK's `client.beta.realtime`) keep working.
"""

from __future__ import annotations

import copy
from typing import Any

from ..audio.formats import AudioFormat

# GA server event type -> beta name. `None`: the event has no beta counterpart and is not sent.
_SERVER_RENAMES: dict[str, str | None] = {
    "response.output_text.delta": "response.text.delta",
    "response.output_text.done": "response.text.done",
    "response.output_audio.delta": "response.audio.delta",
    "response.output_audio.done": "response.audio.done",
    "response.output_audio_transcript.delta": "response.audio_transcript.delta",
    "response.output_audio_transcript.done": "response.audio_transcript.done",
    "conversation.item.added": "conversation.item.created",
    "conversation.item.done": None,
    "input_audio_buffer.timeout_triggered": None,
}

_ASSISTANT_CONTENT_TO_GA = {"text": "output_text", "audio": "output_audio"}
_ASSISTANT_CONTENT_TO_BETA = {ga: beta for beta, ga in _ASSISTANT_CONTENT_TO_GA.items()}


def format_to_ga(value: object) -> object:
    """`"pcm16"` → `{"type": "audio/pcm", "rate": 24000}`; anything else is left for validation."""
    try:
        return AudioFormat.from_beta(value).to_ga() if isinstance(value, str) else value
    except ValueError:
        return value


def format_to_beta(value: dict[str, Any] | None) -> str | None:
    return None if value is None else AudioFormat.parse(value).to_beta()


def modalities_to_ga(modalities: list[str]) -> list[str]:
    # Beta allowed ["text", "audio"] (audio with its transcript); GA calls that ["audio"].
    return ["audio"] if "audio" in modalities else ["text"]


def session_to_ga(session: dict[str, Any]) -> dict[str, Any]:
    """A beta `session` object (from `session.update`) rewritten in GA shape."""
    beta = dict(session)
    ga: dict[str, Any] = {"type": "realtime"}
    audio_in: dict[str, Any] = {}
    audio_out: dict[str, Any] = {}
    renames_in = {
        "input_audio_format": "format",
        "turn_detection": "turn_detection",
        "input_audio_transcription": "transcription",
        "input_audio_noise_reduction": "noise_reduction",
    }
    renames_out = {"output_audio_format": "format", "voice": "voice", "speed": "speed"}
    for key, value in beta.items():
        if key in renames_in:
            audio_in[renames_in[key]] = format_to_ga(value) if key.endswith("format") else value
        elif key in renames_out:
            audio_out[renames_out[key]] = format_to_ga(value) if key.endswith("format") else value
        elif key == "modalities":
            ga["output_modalities"] = modalities_to_ga(value) if isinstance(value, list) else value
        elif key == "max_response_output_tokens":
            ga["max_output_tokens"] = value
        elif key in ("temperature", "object", "id", "expires_at", "client_secret"):
            continue  # GA has no temperature; the rest are server-owned fields echoed back.
        else:
            ga[key] = value
    if audio_in or audio_out:
        ga["audio"] = {}
        if audio_in:
            ga["audio"]["input"] = audio_in
        if audio_out:
            ga["audio"]["output"] = audio_out
    return ga


def item_to_ga(item: dict[str, Any]) -> dict[str, Any]:
    """Anything not shaped like a beta item is left as it is, for GA validation to refuse."""
    out = dict(item)
    if (
        out.get("type") == "message"
        and out.get("role") == "assistant"
        and isinstance(out.get("content"), list)
    ):
        out["content"] = [
            {**part, "type": _ASSISTANT_CONTENT_TO_GA.get(part["type"], part["type"])}
            if isinstance(part, dict) and isinstance(part.get("type"), str)
            else part
            for part in out["content"]
        ]
    return out


def client_event_to_ga(event: dict[str, Any]) -> dict[str, Any]:
    """Rewrite a beta client event as its GA equivalent (same type names, new shapes)."""
    out = dict(event)
    if out.get("type") == "session.update" and isinstance(out.get("session"), dict):
        out["session"] = session_to_ga(out["session"])
    elif out.get("type") == "conversation.item.create" and isinstance(out.get("item"), dict):
        out["item"] = item_to_ga(out["item"])
    elif out.get("type") == "response.create" and isinstance(out.get("response"), dict):
        response = session_to_ga(out["response"])
        response.pop("type", None)
        if isinstance(response.get("input"), list):
            response["input"] = [item_to_ga(i) if isinstance(i, dict) else i for i in response["input"]]
        audio = response.pop("audio", None)
        audio_out = audio.get("output") if isinstance(audio, dict) else None
        if audio_out:
            response["audio"] = {"output": audio_out}
        out["response"] = response
    return out


def item_to_beta(item: dict[str, Any]) -> dict[str, Any]:
    out = dict(item)
    out.setdefault("object", "realtime.item")
    if out.get("type") == "message":
        out["content"] = [
            {**part, "type": _ASSISTANT_CONTENT_TO_BETA.get(part.get("type", ""), part.get("type"))}
            for part in out.get("content") or []
        ]
    return out


def session_to_beta(session: dict[str, Any]) -> dict[str, Any]:
    audio = session.get("audio") or {}
    audio_in = audio.get("input") or {}
    audio_out = audio.get("output") or {}
    modalities = session.get("output_modalities") or ["audio"]
    return {
        "id": session.get("id"),
        "object": "realtime.session",
        "model": session.get("model"),
        "expires_at": session.get("expires_at"),
        "modalities": ["text", "audio"] if "audio" in modalities else ["text"],
        "instructions": session.get("instructions"),
        "voice": audio_out.get("voice"),
        "input_audio_format": format_to_beta(audio_in.get("format")),
        "output_audio_format": format_to_beta(audio_out.get("format")),
        "input_audio_transcription": _only(audio_in.get("transcription"), {"model", "language", "prompt"}),
        "turn_detection": _only(audio_in.get("turn_detection"), _BETA_TURN_DETECTION_KEYS),
        "input_audio_noise_reduction": audio_in.get("noise_reduction"),
        "tools": session.get("tools") or [],
        "tool_choice": session.get("tool_choice"),
        "temperature": 0.8,
        "max_response_output_tokens": session.get("max_output_tokens"),
        "speed": audio_out.get("speed"),
        "tracing": session.get("tracing"),
    }


# Beta's turn_detection predates idle_timeout_ms.
_BETA_TURN_DETECTION_KEYS = {
    "type",
    "threshold",
    "prefix_padding_ms",
    "silence_duration_ms",
    "create_response",
    "interrupt_response",
    "eagerness",
}


def _only(value: dict[str, Any] | None, keys: set[str]) -> dict[str, Any] | None:
    return None if value is None else {k: v for k, v in value.items() if k in keys}


def _response_to_beta(response: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in response.items() if k not in ("output_modalities", "audio")}
    out["modalities"] = (
        ["text", "audio"] if "audio" in (response.get("output_modalities") or []) else ["text"]
    )
    out["output"] = [item_to_beta(i) for i in response.get("output") or []]
    return out


def server_event_to_beta(event: dict[str, Any]) -> dict[str, Any] | None:
    """Rewrite a GA server event for a beta client; `None` when beta has no such event."""
    event_type = event["type"]
    if event_type in _SERVER_RENAMES:
        renamed = _SERVER_RENAMES[event_type]
        if renamed is None:
            return None
        event = {**event, "type": renamed}
    out = copy.copy(event)
    if "item" in out and isinstance(out["item"], dict):
        out["item"] = item_to_beta(out["item"])
    if "session" in out and isinstance(out["session"], dict):
        out["session"] = session_to_beta(out["session"])
    if "response" in out and isinstance(out["response"], dict):
        out["response"] = _response_to_beta(out["response"])
    if "part" in out and isinstance(out["part"], dict):
        out["part"] = dict(out["part"])
    if out["type"] == "conversation.item.created":
        out.setdefault("previous_item_id", None)
    return out
