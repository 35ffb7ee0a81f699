"""A session's configuration, kept in the GA `session` shape and merged from `session.update`s."""

from __future__ import annotations

import copy
from dataclasses import dataclass, replace
from typing import Any

from ..audio.formats import AudioFormat
from ..protocol.errors import ProtocolError
from .turn_detection import SEMANTIC_TIMING, SemanticTiming

DEFAULT_VOICE = "marin"

# OpenAI's documented server_vad defaults.
SERVER_VAD_DEFAULTS: dict[str, Any] = {
    "type": "server_vad",
    "threshold": 0.5,
    "prefix_padding_ms": 300,
    "silence_duration_ms": 500,
    "idle_timeout_ms": None,
    "create_response": True,
    "interrupt_response": True,
}


def default_config(model: str) -> dict[str, Any]:
    """The session a client gets before its first `session.update` (OpenAI's defaults)."""
    return {
        "type": "realtime",
        "model": model,
        "output_modalities": ["audio"],
        "instructions": "",
        "tools": [],
        "tool_choice": "auto",
        "max_output_tokens": "inf",
        "tracing": None,
        "prompt": None,
        "include": None,
        "truncation": "auto",
        "audio": {
            "input": {
                "format": {"type": "audio/pcm", "rate": 24000},
                "transcription": None,
                "noise_reduction": None,
                "turn_detection": dict(SERVER_VAD_DEFAULTS),
            },
            "output": {
                "format": {"type": "audio/pcm", "rate": 24000},
                "voice": DEFAULT_VOICE,
                "speed": 1.0,
            },
        },
    }


def merge_config(current: dict[str, Any], update: dict[str, Any]) -> dict[str, Any]:
    """Apply a validated, GA-shaped partial `session` to `current` (full or partial); returns a new dict.

    Nested objects merge key by key; an explicit `null` clears a field (e.g. turn_detection: null
    switches to manual commits). A new turn_detection object replaces the old one, filled with the
    defaults of its type, so switching between server and semantic VAD leaves no stale keys.
    """
    merged = copy.deepcopy(current)
    _merge_into(merged, update)
    detection = (update.get("audio") or {}).get("input", {}).get("turn_detection")
    if isinstance(detection, dict):  # then `merged` has it too, at the same place
        merged["audio"]["input"]["turn_detection"] = _with_defaults(detection)
    return merged


def check_config(config: dict[str, Any]) -> None:
    """What the schema cannot say about a full session config: RealTalk can serve its audio formats
    and modalities. Raises `ProtocolError`; run before a config is used (`session.update`, and a
    client secret's or call's `session`, which becomes a session's base config)."""
    audio = config["audio"]
    for direction in ("input", "output"):
        try:
            AudioFormat.parse(audio[direction]["format"])
        except ValueError as exc:
            raise ProtocolError(
                str(exc), code="invalid_value", param=f"session.audio.{direction}.format"
            ) from exc
    if config.get("output_modalities") not in (["audio"], ["text"]):
        raise ProtocolError(
            "Invalid value for 'session.output_modalities': RealTalk supports ['audio'] or ['text'].",
            code="invalid_value",
            param="session.output_modalities",
        )


def _with_defaults(detection: dict[str, Any]) -> dict[str, Any]:
    if detection.get("type") == "semantic_vad":
        base = {
            "type": "semantic_vad",
            "eagerness": "auto",
            "create_response": True,
            "interrupt_response": True,
        }
    else:
        base = dict(SERVER_VAD_DEFAULTS)
    base.update({k: v for k, v in detection.items() if v is not None})
    return base


# Objects that describe one thing as a whole: a new value replaces the old one instead of being
# merged into it ({"type": "audio/pcmu"} must not inherit the old PCM "rate").
_WHOLE_OBJECTS = {"format", "transcription", "noise_reduction", "tool_choice", "prompt", "tracing"}


def _merge_into(target: dict[str, Any], update: dict[str, Any]) -> None:
    for key, value in update.items():
        if isinstance(value, dict) and isinstance(target.get(key), dict) and key not in _WHOLE_OBJECTS:
            _merge_into(target[key], value)
        else:
            target[key] = copy.deepcopy(value)


@dataclass(frozen=True)
class TurnDetectionSettings:
    """The effective VAD parameters for either kind of turn detection."""

    threshold: float
    prefix_padding_ms: int
    silence_duration_ms: int
    idle_timeout_ms: int | None
    create_response: bool
    interrupt_response: bool
    semantic: SemanticTiming | None = None
    """Set for `semantic_vad`: the turn-end model's say, and the longest wait (by eagerness), with
    the quick end held back until `turn_detection.realtalk.quick_end_after_ms` of speech since the
    turn's last judged pause where the client sets it (`server_vad` has no quick end: ignored)."""
    backchannels: bool = False
    """Speech over a reply holds it until it is judged a backchannel or an interruption
    (`turn_detection.realtalk.backchannels`; on by default for `semantic_vad` only)."""
    pause_at_onset: bool = True
    """The reply's audio pauses at a provisional onset, before VAD confirms speech (`onset.py`;
    `turn_detection.realtalk.pause_at_onset`, on by default; needs `interrupt_response`)."""

    @classmethod
    def from_config(cls, detection: dict[str, Any] | None) -> TurnDetectionSettings | None:
        if not detection:
            return None
        extension = detection.get("realtalk") or {}
        pause_at_onset = bool(extension.get("pause_at_onset", True))
        if detection.get("type") == "semantic_vad":
            timing = SEMANTIC_TIMING[detection.get("eagerness") or "auto"]
            if "quick_end_after_ms" in extension:
                timing = replace(timing, quick_after_ms=extension["quick_end_after_ms"])
            return cls(
                0.5,
                300,
                timing.max_silence_ms,
                None,
                bool(detection.get("create_response", True)),
                bool(detection.get("interrupt_response", True)),
                semantic=timing,
                backchannels=bool(extension.get("backchannels", True)),
                pause_at_onset=pause_at_onset,
            )
        return cls(
            threshold=float(detection.get("threshold", 0.5)),
            prefix_padding_ms=int(detection.get("prefix_padding_ms", 300)),
            silence_duration_ms=int(detection.get("silence_duration_ms", 500)),
            idle_timeout_ms=detection.get("idle_timeout_ms"),
            create_response=bool(detection.get("create_response", True)),
            interrupt_response=bool(detection.get("interrupt_response", True)),
            backchannels=bool(extension.get("backchannels", False)),
            pause_at_onset=pause_at_onset,
        )
