"""One call's usage, metered against its API key's budgets (see `limits.policy`).

It reads only protocol events, so every transport is metered alike: input audio advances with
the session's input clock (`audio_end_ms` of `input_audio_buffer.speech_stopped`), output audio
and tokens come from each `response.done`'s `usage`. After each response the key is charged and
the client hears `rate_limits.updated`; once a budget is spent, client events that would spend
more are answered with a `rate_limit_exceeded` error instead.
"""

from __future__ import annotations

import logging
from typing import Any

from ..limits.policy import RateLimiter
from ..protocol.errors import ProtocolError
from ..protocol.ids import new_id
from .capacity import Refusal
from .metrics import Metrics

log = logging.getLogger(__name__)

OUTPUT_AUDIO_TOKENS_PER_S = 20
"""The rate `session.usage` counts output audio at (one token per 50 ms)."""
SPENDING_EVENTS = frozenset({"response.create", "input_audio_buffer.append", "input_audio_buffer.commit"})


class KeyMeter:
    def __init__(self, limiter: RateLimiter, key_id: str, metrics: Metrics) -> None:
        self.limiter = limiter
        self.metrics = metrics
        self.key_id = key_id
        self._heard_until_ms = 0.0
        self._unbilled_audio_s = 0.0
        self._spent: Refusal | None = None
        self._reports = bool(limiter.config.for_key(key_id).model_dump(exclude_none=True))
        """Keys without limits get no `rate_limits.updated` (nothing to report)."""

    def screen(self, event: dict[str, Any]) -> ProtocolError | None:
        """The error to answer a client event with, when it would spend a spent budget."""
        if self._spent is not None and event.get("type") in SPENDING_EVENTS:
            return ProtocolError(self._spent.message, code="rate_limit_exceeded", type="rate_limit_error")
        return None

    async def observe(self, event: dict[str, Any]) -> list[dict[str, Any]]:
        """Meter one server event; return the events the client should hear after it."""
        kind = event.get("type")
        if kind == "input_audio_buffer.speech_stopped":
            end_ms = float(event.get("audio_end_ms", 0))
            heard_s = max(0.0, end_ms - self._heard_until_ms) / 1000
            self._unbilled_audio_s += heard_s
            self.metrics.audio.labels("in").inc(heard_s)
            self._heard_until_ms = max(self._heard_until_ms, end_ms)
            return []
        if kind != "response.done":
            return []
        usage = event["response"].get("usage") or {}
        output_audio_tokens = (usage.get("output_token_details") or {}).get("audio_tokens", 0)
        spoken_s = output_audio_tokens / OUTPUT_AUDIO_TOKENS_PER_S
        audio_s = self._unbilled_audio_s + spoken_s
        self.metrics.audio.labels("out").inc(spoken_s)
        self.metrics.tokens.labels("input").inc(usage.get("input_tokens", 0))
        self.metrics.tokens.labels("output").inc(usage.get("output_tokens", 0))
        self._unbilled_audio_s = 0.0
        follow: list[dict[str, Any]] = []
        try:
            await self.limiter.charge(self.key_id, audio_s=audio_s, tokens=int(usage.get("total_tokens", 0)))
            if self._reports:
                follow.append(
                    {
                        "type": "rate_limits.updated",
                        "event_id": new_id("event"),
                        "rate_limits": await self.limiter.rate_limits(self.key_id),
                    }
                )
            await self.limiter.check_budgets(self.key_id)
        except Refusal as spent:
            if self._spent is None:
                error = ProtocolError(spent.message, code="rate_limit_exceeded", type="rate_limit_error")
                follow.append({"type": "error", "event_id": new_id("event"), "error": error.to_error(None)})
            self._spent = spent
        except Exception:  # a counter store outage must not end the conversation
            log.exception("metering key %s failed", self.key_id)
        return follow

    async def close(self) -> None:
        """Charge what was heard since the last response."""
        if self._unbilled_audio_s:
            try:
                await self.limiter.charge(self.key_id, audio_s=self._unbilled_audio_s)
            except Exception:
                log.exception("metering key %s failed", self.key_id)
            self._unbilled_audio_s = 0.0
