"""What phone calls (SIP, Twilio) have in common: narrowband G.711 sessions."""

from __future__ import annotations

from typing import Any

from ..audio.formats import AudioFormat

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
