"""Token estimates for `usage` fields.

Local engines don't count tokens the way OpenAI bills them; these estimates keep the fields
meaningful for clients that track usage: ~0.75 words per text token, and OpenAI's documented
rate of one audio token per 50 ms of output audio (20 per second).
"""

from __future__ import annotations

import math


def estimate_text_tokens(text: str) -> int:
    return math.ceil(len(text.split()) * 4 / 3) if text else 0


def estimate_audio_tokens(duration_ms: float) -> int:
    return math.ceil(duration_ms / 50) if duration_ms > 0 else 0
