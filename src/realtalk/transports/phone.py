"""What phone calls (SIP, Twilio) have in common: narrowband G.711 sessions."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..audio.formats import AudioFormat
from ..server.auth import PHONE_KEY_ID
from ..server.calls import open_call
from ..session.config import merge_config

if TYPE_CHECKING:
    from ..server.calls import Call
    from ..server.state import AppState

PHONE_SILENCE_MS = 600
"""Server VAD's end-of-turn silence on phone calls: 100 ms more than the default, because callers
hesitate and line noise blurs pauses, and a caller cut off mid-sentence is worse than a slower reply."""


def phone_session(fmt: AudioFormat) -> dict[str, Any]:
    """The partial session a phone call starts with (under the app's defaults and the agent's)."""
    return {
        "audio": {
            "input": {
                "format": fmt.to_ga(),
                "turn_detection": {"type": "server_vad", "silence_duration_ms": PHONE_SILENCE_MS},
            },
            "output": {"format": fmt.to_ga()},
        }
    }


async def open_phone_call(
    state: AppState, transport: str, fmt: AudioFormat, session_config: dict[str, Any]
) -> tuple[Call, list[dict[str, Any]]]:
    """`open_call` for a phone line: the phone key, the line's G.711 law as the session's format,
    the server pacing playout; `session_config` goes over `phone_session`. Raises `Refusal`."""
    return await open_call(
        state,
        key_id=PHONE_KEY_ID,
        transport=transport,
        session_config=merge_config(phone_session(fmt), session_config),
        server_playout=True,
        playout_format=fmt,
    )
